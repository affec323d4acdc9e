# メール（やさしい日本語）。種類ごとに <種類>-subject と段落 <種類>-body-1, -2, …。最後に mail-footer が付く。
mail-footer = この メールは あおば[市|し]の [窓口|まどぐち]から [送|おく]りました。 この メールに [返事|へんじ]を しても、 だれも [読|よ]みません。 [聞|き]きたいことが ある ときは、 この ページを [見|み]て ください： { $contact }

mail-sign-in-code-subject = [窓口|まどぐち]に サインインする [番号|ばんごう]
mail-sign-in-code-body-1 = サインインする [番号|ばんごう]は { $code } です。
mail-sign-in-code-body-2 = この [番号|ばんごう]は { $minutes }[分|ふん]の あいだ [使|つか]えます。 この [番号|ばんごう]を だれにも [教|おし]えないで ください。
mail-sign-in-code-body-3 = あなたが [番号|ばんごう]を [頼|たの]んで いない ときは、 [何|なに]も しないで ください。 サインインには この [番号|ばんごう]が いります。 [番号|ばんごう]を [知|し]らない [人|ひと]は サインインできません。

mail-invitation-subject = [窓口|まどぐち]の アカウントを [作|つく]って ください
mail-invitation-body-1 = あなたは 「{ $role }」として [窓口|まどぐち]を [使|つか]うことが できます。
mail-invitation-body-2 = { $hours }[時間|じかん]の あいだに、 この リンクを [開|ひら]いて ください： { $link }
mail-invitation-body-3 = [時間|じかん]が [過|す]ぎた ときは、 あなたを [誘|さそ]った [人|ひと]に、 もう[一度|いちど] [送|おく]って もらって ください。 この メールの [意味|いみ]が わからない ときは、 [何|なに]も しないで ください。
mail-request-update-subject = もうしこみ { $reference }：{ $state }
mail-request-update-body-1 = もうしこみ { $reference } は いま「{ $state }」です。
mail-request-update-body-2 = { $next }
mail-request-update-body-3 = ここで [見|み]ることが できます：{ $link }

mail-representation-started-subject = あなたの [代|か]わりに する [人|ひと]が [決|き]まりました
mail-representation-started-body-1 = { $name } さんが、 [窓口|まどぐち]で あなたの [代|か]わりに します。 あおば[市|し]が [決|き]めました。
mail-representation-started-body-2 = この ページで [見|み]ることが できます。 やめることも できます： { $link }
mail-representation-started-body-3 = あなたが [知|し]らない ときは、 この ページで やめて ください。 そして [市|し]に [聞|き]いて ください。

mail-representation-ended-subject = あなたの [代|か]わりに する [人|ひと]が やめました
mail-representation-ended-body-1 = { $name } さんは、 もう あなたの [代|か]わりに しません。
mail-representation-ended-body-2 = この ページで [見|み]ることが できます： { $link }

mail-representation-approved-subject = { $name } さんの [代|か]わりに することが できます
mail-representation-approved-body-1 = あおば[市|し]が [決|き]めました。 あなたは [窓口|まどぐち]で { $name } さんの [代|か]わりに することが できます。
mail-representation-approved-body-2 = ログインして、 ページの [上|うえ]で { $name } さんの [名前|なまえ]を [選|えら]んで ください： { $link }

mail-representation-declined-subject = { $name } さんの [代|か]わりに することは できません
mail-representation-declined-body-1 = あおば[市|し]が [決|き]めました。 あなたは { $name } さんの [代|か]わりに することが できません。
mail-representation-declined-body-2 = [理由|りゆう]： { $reason }
mail-representation-declined-body-3 = [必要|ひつよう]な [書類|しょるい]を [用意|ようい]して、 この ページから もう [一度|いちど] [申|もう]し[込|こ]んで ください： { $link }

mail-authority-ending-subject = { $name } さんの [代|か]わりに する ことが もうすぐ [終|お]わります
mail-authority-ending-body-1 = あなたが { $name } さんの [代|か]わりに する ことは { $until }に [終|お]わります。
mail-authority-ending-body-2 = { $stops }
mail-authority-ending-body-3 = [続|つづ]ける ときは、 ここから もうしこんで ください：{ $link }
mail-authority-ending-stops = [次|つぎ]の [日|ひ]から、 { $name } さんの [代|か]わりに できなく なります：{ $kinds }。
mail-authority-ending-separator = 、
