# Domain value errors in やさしい日本語 (src/domain). Ruby: [漢字|かんじ]. One message per line.

## マイナンバー
err-my-number-empty = マイナンバー（[個人番号|こじんばんごう]）を [書|か]いて ください。
err-my-number-length = マイナンバーは 12[桁|けた]の [数字|すうじ]です。 いまは { $count }[桁|けた]です。 カードの [裏|うら]を [見|み]て ください。
err-my-number-non-digit = マイナンバーは [数字|すうじ]だけで [書|か]いて ください。
err-my-number-check-digit = マイナンバーが [違|ちが]います。 カードの [裏|うら]を [見|み]て、 もう[一度|いちど] [書|か]いて ください。
err-my-number-all-zeros = マイナンバーが [違|ちが]います。 カードの [裏|うら]に ある 12[桁|けた]の [数字|すうじ]を [書|か]いて ください。

## 保険者番号
err-insurer-number-empty = [保険者番号|ほけんしゃばんごう]を [書|か]いて ください。 [資格確認書|しかくかくにんしょ]に [書|か]いて あります。
err-insurer-number-length = [保険者番号|ほけんしゃばんごう]は 6[桁|けた]か 8[桁|けた]の [数字|すうじ]です。 いまは { $count }[桁|けた]です。
err-insurer-number-non-digit = [保険者番号|ほけんしゃばんごう]は [数字|すうじ]だけで [書|か]いて ください。
err-insurer-number-check-digit = [保険者番号|ほけんしゃばんごう]が [違|ちが]います。 [資格確認書|しかくかくにんしょ]を [見|み]て、 もう[一度|いちど] [書|か]いて ください。

## 記号・番号・枝番
err-insured-symbol-empty = 「[記号|きごう]」を [書|か]いて ください。 [資格確認書|しかくかくにんしょ]に [書|か]いて あります。
err-insured-symbol-too-long = 「[記号|きごう]」は { $max }[文字|もじ]までです。
err-insured-symbol-invalid-character = 「[記号|きごう]」に [使|つか]えない [文字|もじ]が あります。 「[記号|きごう]」と 「[番号|ばんごう]」は [別|べつ]の ところに [書|か]いて ください。
err-insured-symbol-kyokai-digits = [協会|きょうかい]けんぽの 「[記号|きごう]」は 7[桁|けた]か 8[桁|けた]の [数字|すうじ]です。 [資格確認書|しかくかくにんしょ]を [見|み]て ください。
err-insured-symbol-not-allowed = [後期高齢者医療|こうきこうれいしゃいりょう]の [保険|ほけん]には 「[記号|きごう]」が ありません。 ここには [何|なに]も [書|か]かないで ください。
err-insured-number-empty = 「[番号|ばんごう]」を [書|か]いて ください。 [資格確認書|しかくかくにんしょ]に [書|か]いて あります。
err-insured-number-too-long = 「[番号|ばんごう]」は { $max }[文字|もじ]までです。
err-insured-number-invalid-character = 「[番号|ばんごう]」に [使|つか]えない [文字|もじ]が あります。 「[記号|きごう]」と 「[番号|ばんごう]」は [別|べつ]の ところに [書|か]いて ください。
err-insured-number-late-elderly-digits = [後期高齢者医療|こうきこうれいしゃいりょう]の 「[番号|ばんごう]」は 8[桁|けた]の [数字|すうじ]です。
err-insured-number-check-digit = 「[番号|ばんごう]」が [違|ちが]います。 [資格確認書|しかくかくにんしょ]を [見|み]て、 もう[一度|いちど] [書|か]いて ください。
err-insured-branch-format = 「[枝番|えだばん]」は 「01」の ような 2[桁|けた]の [数字|すうじ]です。 [枝番|えだばん]が ない ときは [何|なに]も [書|か]かないで ください。
err-insured-identity-format = 「[記号|きごう]」 「[番号|ばんごう]」 「[枝番|えだばん]」を それぞれの ところに [書|か]いて ください。

## 日にち
err-date-empty = [日|ひ]にちを [書|か]いて ください。
err-date-format = [日|ひ]にちは 「1985[年|ねん]4[月|がつ]15[日|にち]」の ように [書|か]いて ください。
err-date-year-missing = [何年|なんねん]か [書|か]いて ください。
err-date-month-missing = [何月|なんがつ]か [書|か]いて ください。
err-date-day-missing = [何日|なんにち]か [書|か]いて ください。
err-date-year-invalid = [年|ねん]は [数字|すうじ]で [書|か]いて ください。
err-date-year-four-digits = [年|ねん]は 「1985」の ように 4[桁|けた]の [数字|すうじ]で [書|か]いて ください。
err-date-month-invalid = [月|がつ]は 1から 12までの [数字|すうじ]で [書|か]いて ください。
err-date-day-invalid = [日|にち]は 1から 31までの [数字|すうじ]で [書|か]いて ください。
err-date-not-real = この [日|ひ]にちは カレンダーに ありません。 [月|がつ]と [日|にち]を もう[一度|いちど] [見|み]て ください。
err-date-era-unknown = [明治|めいじ] [大正|たいしょう] [昭和|しょうわ] [平成|へいせい] [令和|れいわ]から [選|えら]んで ください。
err-date-era-year-zero = 0[年|ねん]は ありません。 はじめの [年|とし]は 1[年|ねん]です。
err-date-before-era-start = この [日|ひ]にちは まだ この [元号|げんごう]では ありません。 「{ $suggestion_easy }」です。 [年|ねん]を もう[一度|いちど] [見|み]て ください。
err-date-after-era-end = この [元号|げんごう]は もう [終|お]わって います。 この [日|ひ]にちは 「{ $suggestion_easy }」です。 [年|ねん]を もう[一度|いちど] [見|み]て ください。
err-date-too-early = 1873[年|ねん]1[月|がつ][1日|ついたち]より [後|あと]の [日|ひ]にちを [書|か]いて ください。
err-date-year-mismatch = [西暦|せいれき]の [年|ねん]と [和暦|われき]の [年|ねん]が [合|あ]いません。 [年|ねん]を もう[一度|いちど] [見|み]て ください。

## 名前
err-person-name-empty = [名前|なまえ]を [書|か]いて ください。
err-person-name-too-long = [名前|なまえ]は { $max }[文字|もじ]までです。
err-person-name-control-character = [名前|なまえ]に [使|つか]えない [文字|もじ]が あります。 もう[一度|いちど] [書|か]いて ください。
err-furigana-empty = [名前|なまえ]の [読|よ]み[方|かた]を カタカナで [書|か]いて ください。
err-furigana-too-long = [名前|なまえ]の [読|よ]み[方|かた]は { $max }[文字|もじ]までです。
err-furigana-not-katakana = [名前|なまえ]の [読|よ]み[方|かた]は カタカナで [書|か]いて ください。 「{ $character }」は [使|つか]えません。

## 郵便番号・電話番号・メールアドレス
err-postal-code-empty = [郵便番号|ゆうびんばんごう]を [書|か]いて ください。
err-postal-code-length = [郵便番号|ゆうびんばんごう]は 7[桁|けた]の [数字|すうじ]です。 もう[一度|いちど] [書|か]いて ください。
err-postal-code-non-digit = [郵便番号|ゆうびんばんごう]は 「123-4567」の ように [数字|すうじ]で [書|か]いて ください。
err-phone-number-empty = [電話番号|でんわばんごう]を [書|か]いて ください。
err-phone-number-non-digit = [電話番号|でんわばんごう]は 「090-1234-5678」の ように [数字|すうじ]で [書|か]いて ください。
err-phone-number-length = [電話番号|でんわばんごう]の [数字|すうじ]の [数|かず]が [違|ちが]います。 [電話番号|でんわばんごう]は 10[桁|けた]か 11[桁|けた]です。
err-phone-number-leading-zero = [電話番号|でんわばんごう]は 「03-1234-5678」の ように 0から [書|か]いて ください。
err-phone-number-not-japanese = [日本|にほん]の [電話番号|でんわばんごう]を [書|か]いて ください。
err-email-empty = メールアドレスを [書|か]いて ください。
err-email-missing-at = メールアドレスに 「@」が ありません。 「taro@example.jp」の ように [書|か]いて ください。
err-email-multiple-at = メールアドレスに 「@」が 2つ [以上|いじょう] あります。 「@」は 1つだけです。
err-email-local-part-empty = メールアドレスの 「@」の [前|まえ]を [書|か]いて ください。
err-email-local-part-too-long = メールアドレスの 「@」の [前|まえ]は { $max }[文字|もじ]までです。
err-email-invalid-domain = メールアドレスの 「@」の [後|うし]ろが [違|ちが]います。 もう[一度|いちど] [見|み]て ください。
err-email-contains-space = メールアドレスに スペースが あります。 スペースを [消|け]して ください。
err-email-too-long = メールアドレスは { $max }[文字|もじ]までです。
