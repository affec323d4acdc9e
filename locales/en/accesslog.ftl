access-log-report-next = What happens next: your municipality finds out who looked at your record and why, within { $days } days of your report. If the look was not part of their work, the municipality deals with it.
requests-list-total = { $count } requests in all.
requests-list-pages = Pages of requests
requests-list-newest = Newest requests
requests-list-older = Older requests
