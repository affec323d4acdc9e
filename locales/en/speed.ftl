# Issue #15: pages that stay the same size however much data there is.

access-log-older = Show older entries
