# Issue #15: pages that stay the same size however much data there is.

access-log-older = もっと [前|まえ]の [記録|きろく]を [見|み]る
