# Issue #15: pages that stay the same size however much data there is.

access-log-older = もっと前の記録を見る
