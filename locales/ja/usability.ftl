# 使いやすさの見直し：問い合わせ先、お知らせの電話番号、使えなくなった資格確認書、アカウントの言語。

contact-demo-note = これはデモです。このページの電話番号、住所、受付時間は架空のものです。
contact-phone-line = あおば市マイナンバーコールセンター（通話無料）：
contact-counter-where = あおば市中央1-1 あおば市役所 1階 市民課窓口
contact-counter-hours = 受付時間は月曜日から金曜日の8時30分から17時15分までです。祝日と12月29日から1月3日までは休みです。
contact-bring-heading = 窓口に持ってくるもの
contact-bring-card = マイナンバーカード（お持ちの方）
contact-bring-insurance = 健康保険証または資格確認書（お持ちの方）
contact-bring-id = マイナンバーカードがない方は、運転免許証、パスポート、在留カードなど顔写真付きの本人確認書類
contact-bring-proxy = 代理の方は、委任状と代理の方の本人確認書類
contact-insurers-heading = 加入している健康保険
contact-insurers-lead = 保険や資格確認書についてのお問い合わせは、加入している保険者にもお電話いただけます。

doc-letter-phone = わからないことは、あおば市マイナンバーコールセンターに電話してください：{ $phone }（通話無料、月曜日から金曜日の8時30分から17時15分まで）

cert-ended-expired = この資格確認書は有効期限が過ぎています。医療機関では使えません。
cert-ended-revoked = この資格確認書は新しい資格確認書に替わりました。医療機関では使えません。
cert-ended-newer = 新しい資格確認書を見る
cert-ended-ask-new = 資格確認書を申請する

account-birth-date = 生年月日
account-language = 言語
account-language-hint = 画面とメールはこの言語でお送りします。
account-language-change = { $language }に変える

usability-wait-heading = 届くまで
usability-wait-post = 医療保険者が決定してから、1週間ほどで資格確認書が郵送で届きます。
usability-wait-download = 医療保険者が決定したら、すぐにこのページから資格確認書をダウンロードできます。
usability-wait-clinic = 届く前に病院や診療所にかかるときは、受付で資格確認書を申請中だと伝えてください。マイナンバーカードを保険証として登録している場合は、カードを見せてください。全額を払った場合は、あとで医療保険者に払い戻しを申請できます。
usability-wait-call = この申請について聞きたいときは、電話してください。
usability-withdraw-lead = 資格確認書がいらなくなったときは、申請を取り下げることができます。
usability-withdraw-link = 申請を取り下げる
usability-withdraw-heading = この申請を取り下げますか
usability-withdraw-what = 取り下げると、医療保険者はこの申請の確認をやめます。取り下げた申請は元に戻せません。
usability-withdraw-again = 必要になったときは、もう一度申請できます。
usability-withdraw-confirm = 取り下げる
usability-withdraw-keep = 取り下げないで戻る
usability-withdraw-draft-lead = 送信しないときは、この申請をやめることができます。
usability-withdraw-draft-link = 送信しないでやめる

usability-need-heading = 資格確認書は必要ですか
usability-need-not-needed = あなたは今、資格確認書はいりません。{ $insurer }で、マイナンバーカードが保険証として登録されています。病院や診療所ではマイナンバーカードを使ってください。カードをなくしたときなど、下のどれかに当たるときは必要になります。
usability-need-not-yet-registered = マイナンバーカードは保険証として登録されていますが、{ $insurer }の登録がまだ終わっていません。終わるまでは、資格確認書を申請できます。
usability-need-card-not-registered = { $insurer }では、マイナンバーカードが保険証として登録されていません。病院や診療所で保険を使うには、資格確認書が必要です。

usability-check-numbers-heading = 番号が医療保険者の記録と違います
usability-check-numbers-lead = あなたが加入している医療保険者の記録では、記号・番号・枝番は次のとおりです。入力した番号と違います。保険証や通知を見て、確かめてください。
usability-check-numbers-change = 記号・番号・枝番を直す
usability-check-open-heading = 同じ医療保険者への申請がまだ終わっていません
usability-check-open-lead = この人について、同じ医療保険者への申請がもうあります。その申請が終わるまで、新しい申請はいらないかもしれません。

usability-error-summary-missing = まだ答えていない質問があります
