# メール。種類ごとに <種類>-subject と段落 <種類>-body-1, -2, …（番号は欠けずに続ける）。
# どのメールも最後に mail-footer が付く。メッセージ中の URL は HTML 版でリンクになる。
mail-footer = このメールは、あおば市の「窓口：マイナンバーカードと健康保険」から送信しています。このメールに返信されても、内容を確認できません。お問い合わせは次のページからどうぞ： { $contact }

mail-sign-in-code-subject = 窓口のサインイン用確認コード
mail-sign-in-code-body-1 = サインイン用の確認コードは { $code } です。
mail-sign-in-code-body-2 = このコードの有効期限は { $minutes } 分です。このコードはだれにも教えないでください。
mail-sign-in-code-body-3 = お心当たりがない場合は、このメールを無視してください。コードがなければ、だれもサインインできません。

mail-invitation-subject = 窓口への招待
mail-invitation-body-1 = 窓口を「{ $role }」として利用するよう招待されました。
mail-invitation-body-2 = { $hours } 時間以内に次のリンクを開いて、登録を完了してください： { $link }
mail-invitation-body-3 = リンクの期限が切れた場合は、招待した方に再送を依頼してください。お心当たりがない場合は、このメールを無視してください。
mail-request-update-subject = 申請 { $reference }：{ $state }
mail-request-update-body-1 = 申請 { $reference } の状況は「{ $state }」です。
mail-request-update-body-2 = { $next }
mail-request-update-body-3 = 申請の内容と経過はこちらで確認できます：{ $link }

mail-representation-started-subject = 窓口であなたの代理人が登録されました
mail-representation-started-body-1 = あおば市は、{ $name } さんが窓口であなたの代理をすることを登録しました。
mail-representation-started-body-2 = あなたの代理をしている人の確認と、代理の終了は次のページからできます： { $link }
mail-representation-started-body-3 = お心当たりがない場合は、そのページで代理を終了し、お問い合わせください。

mail-representation-ended-subject = 窓口であなたの代理が終了しました
mail-representation-ended-body-1 = { $name } さんによる窓口でのあなたの代理は終了しました。
mail-representation-ended-body-2 = あなたの代理をしている人は次のページで確認できます： { $link }

mail-representation-approved-subject = { $name } さんの代理が認められました
mail-representation-approved-body-1 = あおば市は、あなたが窓口で { $name } さんの代理をすることを認めました。
mail-representation-approved-body-2 = 代理で手続きをするには、ログインして画面の上で { $name } さんの名前を選んでください： { $link }

mail-representation-declined-subject = { $name } さんの代理は認められませんでした
mail-representation-declined-body-1 = あおば市は、あなたが窓口で { $name } さんの代理をすることを認めませんでした。
mail-representation-declined-body-2 = 理由：{ $reason }
mail-representation-declined-body-3 = 必要な書類をそろえて、次のページからもう一度申請できます： { $link }

mail-authority-ending-subject = { $name } さんの代理の期限が近づいています
mail-authority-ending-body-1 = 窓口でのあなたの{ $name } さんの代理は、{ $until }で終わります。
mail-authority-ending-body-2 = { $stops }
mail-authority-ending-body-3 = 続けて代理をするには、こちらから更新を申し込んでください：{ $link }
mail-authority-ending-stops = その翌日から、{ $name } さんの次の手続きを代理でできなくなります：{ $kinds }。
mail-authority-ending-separator = 、
