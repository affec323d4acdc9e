# Domain value errors (src/domain). Keys: domain::all_message_keys(). One message per line.

## 個人番号
err-my-number-empty = 個人番号（マイナンバー）を入力してください。
err-my-number-length = 個人番号は12桁の数字です。入力された数字は{ $count }桁です。カードの裏面を見て、もう一度入力してください。
err-my-number-non-digit = 個人番号は数字だけで入力してください。
err-my-number-check-digit = 個人番号が正しくありません。数字をもう一度確かめてください。
err-my-number-all-zeros = 個人番号が正しくありません。カードの裏面にある12桁の数字を入力してください。

## 保険者番号
err-insurer-number-empty = 保険者番号を入力してください。資格確認書や資格情報のお知らせに書いてあります。
err-insurer-number-length = 保険者番号は6桁または8桁の数字です。入力された数字は{ $count }桁です。
err-insurer-number-non-digit = 保険者番号は数字だけで入力してください。
err-insurer-number-check-digit = 保険者番号が正しくありません。資格確認書などを見て、数字をもう一度確かめてください。

## 被保険者等記号・番号・枝番
err-insured-symbol-empty = 記号を入力してください。資格確認書などの「記号」の欄に書いてあります。
err-insured-symbol-too-long = 記号は{ $max }文字以内で入力してください。
err-insured-symbol-invalid-character = 記号に使えない文字が入っています。記号と番号は別々の欄に入力してください。
err-insured-symbol-kyokai-digits = 協会けんぽの記号は7桁または8桁の数字です。資格確認書などを見て、もう一度入力してください。
err-insured-symbol-not-allowed = 後期高齢者医療制度の保険には記号がありません。記号の欄は空けておいてください。
err-insured-number-empty = 番号を入力してください。資格確認書などの「番号」の欄に書いてあります。
err-insured-number-too-long = 番号は{ $max }文字以内で入力してください。
err-insured-number-invalid-character = 番号に使えない文字が入っています。記号と番号は別々の欄に入力してください。
err-insured-number-late-elderly-digits = 後期高齢者医療制度の被保険者番号は8桁の数字です。もう一度確かめてください。
err-insured-number-check-digit = 被保険者番号が正しくありません。資格確認書などを見て、数字をもう一度確かめてください。
err-insured-branch-format = 枝番は「01」のような2桁の数字で入力してください。枝番がない場合は空けておいてください。
err-insured-identity-format = 記号・番号・枝番を読み取れませんでした。それぞれの欄に入力してください。

## 日付
err-date-empty = 日付を入力してください。
err-date-format = 日付は「1985年1月2日」や「昭和60年1月2日」のように、年・月・日の順に入力してください。
err-date-year-missing = 年を入力してください。
err-date-month-missing = 月を入力してください。
err-date-day-missing = 日を入力してください。
err-date-year-invalid = 年は数字で入力してください。和暦の年は2桁までです。
err-date-year-four-digits = 西暦の年は「1985」のように4桁で入力してください。和暦の場合は元号も選んでください。
err-date-month-invalid = 月は1から12までの数字で入力してください。
err-date-day-invalid = 日は1から31までの数字で入力してください。
err-date-not-real = その日付は存在しません。月と日をもう一度確かめてください。
err-date-era-unknown = 元号は明治・大正・昭和・平成・令和から選んでください。
err-date-era-year-zero = 和暦に0年はありません。最初の年は元年（1年）です。
err-date-before-era-start = その日付はまだ{ $era }ではありません。「{ $suggestion }」ではありませんか。元号と年を確かめてください。
err-date-after-era-end = { $era }はその日付より前に終わっています。「{ $suggestion }」ではありませんか。元号と年を確かめてください。
err-date-too-early = 1873年（明治6年）1月1日以降の日付を入力してください。
err-date-year-mismatch = 和暦の年と西暦の年が合っていません。年をもう一度確かめてください。

## 氏名・フリガナ
err-person-name-empty = 氏名を入力してください。
err-person-name-too-long = 氏名は{ $max }文字以内で入力してください。
err-person-name-control-character = 氏名に使えない文字（制御文字）が入っています。もう一度入力してください。
err-furigana-empty = フリガナを入力してください。
err-furigana-too-long = フリガナは{ $max }文字以内で入力してください。
err-furigana-not-katakana = フリガナはカタカナで入力してください。「{ $character }」は使えません。

## 郵便番号・電話番号・メールアドレス
err-postal-code-empty = 郵便番号を入力してください。
err-postal-code-length = 郵便番号は「123-4567」のような7桁の数字です。入力された数字は{ $count }桁です。
err-postal-code-non-digit = 郵便番号は「123-4567」のように数字で入力してください。
err-phone-number-empty = 電話番号を入力してください。
err-phone-number-non-digit = 電話番号は「090-1234-5678」のように数字とハイフンで入力してください。
err-phone-number-length = 電話番号の桁数が正しくありません。「03-1234-5678」のように市外局番から入力してください。
err-phone-number-leading-zero = 電話番号は0から始まる番号を、市外局番から入力してください。
err-phone-number-not-japanese = 日本の電話番号を入力してください。
err-email-empty = メールアドレスを入力してください。
err-email-missing-at = メールアドレスに「@」が入っていません。「taro@example.jp」のように入力してください。
err-email-multiple-at = メールアドレスに「@」が2つ以上あります。「@」は1つだけにしてください。
err-email-local-part-empty = メールアドレスの「@」より前の部分を入力してください。
err-email-local-part-too-long = メールアドレスの「@」より前の部分は{ $max }文字以内です。もう一度確かめてください。
err-email-invalid-domain = メールアドレスの「@」より後ろの部分が正しくありません。「example.jp」のような形か確かめてください。
err-email-contains-space = メールアドレスに空白が入っています。空白を消してください。
err-email-too-long = メールアドレスは{ $max }文字以内で入力してください。
err-reference-empty = 受付番号を入力してください。
err-reference-format = 受付番号は、R-7K3F-9Q2X-M のように、書かれているとおりに入力してください。
err-reference-check = 受付番号が正しくありません。1文字ずつ確かめて、もう一度入力してください。
err-proxy-relationship-missing = ご本人との関係を選んでください。
err-proxy-reason-missing = ご本人が手続きできない理由を選んでください。
err-proxy-not-born = 生年月日が今日より後になっています。生年月日を確かめてください。
err-proxy-parent-of-adult = 「親」として代理できるのは18歳未満の方だけです（ご本人は{ $age }歳）。別の関係を選んでください。
err-proxy-needs-guardian = この理由は成年後見人・保佐人・補助人が代理する場合に選べます。「成年後見人等」を選ぶか、別の理由を選んでください。
err-proxy-needs-parent = この理由は親（法定代理人）が代理する場合に選べます。「親」を選ぶか、別の理由を選んでください。
err-proxy-child-too-old = ご本人（{ $age }歳）は中学生以下の年齢ではありません。別の理由を選んでください。
err-proxy-too-young-for-75 = ご本人は{ $age }歳のため、「75歳以上」は選べません。別の理由を選んでください。
err-proxy-going-out = 75歳以上の方の場合は、外出が困難であることを確認してください。
err-proxy-scope-missing = 代理する手続きを1つ以上選んでください。
err-proxy-end-date-missing = 代理の終了日を入力してください。
err-proxy-end-date-past = 終了日は今日以降の日付にしてください。
err-proxy-end-date-too-far = 終了日は{ $years }年以内（{ $latest }まで）にしてください。

err-email-invalid-character = メールアドレスだけを「taro@example.jp」のように入力してください。名前、かっこ、引用符、カンマは入れられません。
err-person-name-digit = 氏名に数字は入れられません。
err-free-text-hidden-character = 目に見えない制御文字が入っています（貼り付けた文章に含まれていることがあります）。入力し直してください。
