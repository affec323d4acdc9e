access-log-report-next = このあと：市区町村が、だれがなぜ記録を見たのかを、報告から{ $days }日以内に確認します。業務でない閲覧だった場合は、市区町村が対応します。
requests-list-total = 全部で{ $count }件です。
requests-list-pages = 申請一覧のページ
requests-list-newest = 最新の申請
requests-list-older = 前の申請
