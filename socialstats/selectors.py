"""Reads of pages and snapshots, shaped for their pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery

from .models import Snapshot, SocialPage


def subscribers_on(pages: QuerySet[SocialPage] | Iterable[int], on: dt.date) -> dict[int, tuple[int, dt.date]]:
    """For each page: (subscribers, snapshot date) of its latest snapshot on or before `on`.

    Pages with no snapshot by then are absent from the result (they are "new" after that date).
    """
    page_ids = pages.values("pk") if isinstance(pages, QuerySet) else list(pages)
    latest = Snapshot.objects.filter(page=OuterRef("page"), date__lte=on).order_by("-date").values("date")[:1]
    rows = Snapshot.objects.filter(page__in=page_ids, date__lte=on, date=Subquery(latest)).values_list(
        "page_id", "subscribers", "date"
    )
    return {page_id: (subscribers, date) for page_id, subscribers, date in rows}
