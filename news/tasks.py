"""Celery tasks: ids and plain values in, one service call, a short summary out."""

from __future__ import annotations

from celery import shared_task

from .models import NewsItem
from .months import add_months, local_today, month_start, parse_month
from .notices import digest_send, item_notice_send, reminders_send


@shared_task
def item_notice_task(item_id: int, kind: str) -> str:
    """Email the author that their item was returned or published."""
    item = NewsItem.objects.select_related("author", "organisation").filter(pk=item_id).first()
    if item is None:
        return "gone"
    return "sent" if item_notice_send(item=item, kind=kind) else "skipped"


@shared_task
def news_reminders_task(month: str | None = None) -> str:
    """Remind the primaries that sent nothing for `month` ("YYYY-MM"; by default the previous month)."""
    target = parse_month(month) or add_months(month_start(local_today()), -1)
    return f"reminded {reminders_send(month=target)} for {target:%Y-%m}"


@shared_task
def news_digest_task() -> str:
    """The weekly digest of items waiting for review, to territorial admins."""
    return f"digest to {digest_send()}"
