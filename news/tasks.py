"""Celery tasks: ids and plain values in, one service call, a short summary out."""

from __future__ import annotations

from celery import shared_task

from .models import NewsItem, ReminderRun
from .months import add_months, local_today, month_start, parse_month
from .notices import digest_send, forward_notice_send, item_notice_send, reminders_run, reminders_send


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


@shared_task
def news_reminders_run_task(run_id: int) -> str:
    """Send the reminders of a «Remind now» run, for the scope it was started with."""
    run = ReminderRun.objects.filter(pk=run_id).first()
    if run is None:
        return "gone"
    return f"reminded {reminders_run(run=run)} for {run.month:%Y-%m}"


@shared_task
def item_forwarded_task(item_id: int) -> str:
    """Email the information officers that an item was forwarded to them."""
    item = NewsItem.objects.select_related("organisation").filter(pk=item_id).first()
    if item is None:
        return "gone"
    return f"told {forward_notice_send(item=item)}"
