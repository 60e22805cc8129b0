"""Signals socialstats sends for the apps above it (socialstats imports none of them).

`posts_stored` — sent after a collection run has stored or refreshed posts, with `page_ids` (the pages whose
posts changed). The news app receives it to link published news to the posts by the link entered when
publishing (docs/posts.md, «News that reached the pages»). Send it after the transaction that wrote the
posts has committed.
"""

from __future__ import annotations

from django.dispatch import Signal

posts_stored = Signal()  # kwargs: page_ids: list[int]
