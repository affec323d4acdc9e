access-log-report-next = このあと、 [市|し]が [調|しら]べます。 だれが なぜ [記録|きろく]を [見|み]たか、 { $days }[日|にち]の [間|あいだ]に [調|しら]べます。 [仕事|しごと]で ない ときは、 [市|し]が [止|と]めます。
requests-list-total = [全部|ぜんぶ]で { $count }[件|けん] です。
requests-list-pages = もうしこみの ページ
requests-list-newest = [新|あたら]しい もうしこみ
requests-list-older = [前|まえ]の もうしこみ
