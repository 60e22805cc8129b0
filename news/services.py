"""Writes: news items and their review workflow, reopened months, notification preferences.

Every status change is claimed with a conditional update (`filter(pk=…, status__in=OLD).update(…)`):
two reviewers clicking at once cannot both win, and the loser gets a message instead of a silent overwrite.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organisation, OrgKind
from unionportal.lib.audit import audit_update

from .models import (
    EDITABLE_STATUSES,
    MonthReopening,
    NewsItem,
    NewsPhoto,
    NewsReviewStep,
    NewsStatus,
    NoticeKind,
    NotificationPreference,
    ReviewStepKind,
)
from .months import deadline, local_today, month_start
from .photos import CheckedPhoto
from .reach.services import links_from_published_url
from .selectors import month_is_open
from .tasks import item_forwarded_task, item_notice_task


def _claim(item: NewsItem, old: tuple[str, ...], **changes) -> NewsItem:
    audited = ["status", *[field for field in changes if not field.endswith("_at")]]
    before = {field: getattr(item, field) for field in audited}
    changed = NewsItem.objects.filter(pk=item.pk, status__in=old).update(**changes, updated_at=timezone.now())
    if not changed:
        raise ValidationError(
            _("The item is now «%(status)s»; this action is no longer possible. Reload the page.")
            % {"status": NewsItem.objects.get(pk=item.pk).get_status_display()}
        )
    item.refresh_from_db()
    audit_update(item, before=before, after={field: getattr(item, field) for field in audited})
    return item


def _check_month(organisation: Organisation, month: dt.date) -> dt.date:
    month = month_start(month)
    if month > local_today():
        raise ValidationError({"reporting_month": _("The reporting month cannot be in the future.")})
    return month


def _clean_links(links: str) -> str:
    """One http(s) link per line; anything else is refused with the line number."""
    lines = [line.strip() for line in (links or "").splitlines() if line.strip()]
    validate = URLValidator(schemes=["http", "https"])
    for number, line in enumerate(lines, start=1):
        try:
            validate(line)
        except ValidationError:
            raise ValidationError(
                {"links": _("Line %(number)s is not a link: «%(line)s».") % {"number": number, "line": line}}
            ) from None
    return "\n".join(lines)


def _add_photos(item: NewsItem, photos: list[CheckedPhoto]) -> None:
    if item.photos.count() + len(photos) > settings.NEWS_PHOTOS_PER_ITEM:
        raise ValidationError(
            {"photos": _("At most %(limit)s photos per item.") % {"limit": settings.NEWS_PHOTOS_PER_ITEM}}
        )
    for photo in photos:
        NewsPhoto.objects.create(
            item=item,
            image=photo.image_file(),
            thumbnail=photo.thumbnail_file(),
            image_format=photo.image_format,
            width=photo.width,
            height=photo.height,
            size_bytes=len(photo.content),
            original_name=photo.original_name,
        )


@transaction.atomic
def news_create(
    *,
    author,
    organisation: Organisation,
    title: str,
    text: str,
    reporting_month: dt.date,
    event_date: dt.date | None = None,
    links: str = "",
    photos: list[CheckedPhoto] | None = None,
) -> NewsItem:
    """A draft news item of a primary organisation."""
    if organisation.kind != OrgKind.PRIMARY:
        raise ValidationError({"organisation": _("News is sent by primary organisations.")})
    item = NewsItem(
        organisation=organisation,
        author=author,
        title=title.strip(),
        text=text.strip(),
        event_date=event_date,
        reporting_month=_check_month(organisation, reporting_month),
        links=_clean_links(links),
    )
    item.full_clean()
    item.save()
    _add_photos(item, photos or [])
    return item


@transaction.atomic
def news_update(
    *,
    item: NewsItem,
    title: str,
    text: str,
    reporting_month: dt.date,
    event_date: dt.date | None = None,
    links: str = "",
    photos: list[CheckedPhoto] | None = None,
    remove_photo_ids: list[int] | None = None,
) -> NewsItem:
    """Edit a draft or a returned item."""
    candidate = NewsItem(
        pk=item.pk,
        organisation=item.organisation,
        author=item.author,
        title=title.strip(),
        text=text.strip(),
        event_date=event_date,
        reporting_month=_check_month(item.organisation, reporting_month),
        links=_clean_links(links),
        status=item.status,
    )
    candidate.full_clean(exclude=["author"], validate_unique=False, validate_constraints=False)
    _claim(
        item,
        EDITABLE_STATUSES,
        title=candidate.title,
        text=candidate.text,
        event_date=candidate.event_date,
        reporting_month=candidate.reporting_month,
        links=candidate.links,
    )
    if remove_photo_ids:
        for photo in item.photos.filter(pk__in=remove_photo_ids):
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
            photo.delete()
    _add_photos(item, photos or [])
    return item


def news_submit(*, item: NewsItem, today: dt.date | None = None) -> NewsItem:
    """Draft or returned → submitted, while the month is open for this organisation.

    A returned item that was submitted before may be resubmitted after the deadline: the deadline
    closes the month to new submissions, not to corrections the territory asked for.
    """
    if item.first_submitted_at is None and not month_is_open(item.organisation, item.reporting_month, today):
        raise ValidationError(
            _(
                "The month %(month)s is closed to submissions: its deadline has passed. "
                "Ask your territorial organisation to reopen it."
            )
            % {"month": item.reporting_month.strftime("%m.%Y")}
        )
    now = timezone.now()
    return _claim(
        item,
        EDITABLE_STATUSES,
        status=NewsStatus.SUBMITTED,
        submitted_at=now,
        first_submitted_at=Coalesce(F("first_submitted_at"), now),
    )


def news_return(*, item: NewsItem, by, comment: str) -> NewsItem:
    """Submitted or accepted → returned to the author with a comment; the author is notified."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write what the author should change.")})
    try:
        ProhibitNullCharactersValidator()(comment)  # PostgreSQL refuses NUL in text (a 500 before)
    except ValidationError as error:
        raise ValidationError({"comment": error.messages}) from None
    if item.forwarded_to_union:
        raise ValidationError(_forwarded_first())
    _claim(
        item,
        (NewsStatus.SUBMITTED, NewsStatus.ACCEPTED),
        status=NewsStatus.RETURNED,
        review_comment=comment,
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )
    item_notice_task.delay_on_commit(item.pk, NoticeKind.RETURNED.value)
    return item


def news_accept(*, item: NewsItem, by) -> NewsItem:
    return _claim(item, (NewsStatus.SUBMITTED,), status=NewsStatus.ACCEPTED, reviewed_by=by, reviewed_at=timezone.now())


def news_publish(*, item: NewsItem, by, url: str) -> NewsItem:
    """Accepted → published, with the link to the post on the territorial page; the author is notified."""
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
        ProhibitNullCharactersValidator()(url)
        if len(url) > NewsItem._meta.get_field("published_url").max_length:  # too long for PostgreSQL
            raise ValidationError("too long")
    except ValidationError:
        raise ValidationError({"url": _("Give the full link to the post, starting with https://")}) from None
    _claim(
        item,
        (NewsStatus.ACCEPTED,),
        status=NewsStatus.PUBLISHED,
        published_url=url,
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )
    item_notice_task.delay_on_commit(item.pk, NoticeKind.PUBLISHED.value)
    links_from_published_url(item=item)  # the post, if collected already; otherwise the next collection links it
    return item


# --- decisions taken back, and the union's own review of forwarded items -------------------------------


def _forwarded_first() -> str:
    return _("The item has been forwarded to the union's information department: withdraw the forwarding first.")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: it is kept in the item's history.")})
    try:
        ProhibitNullCharactersValidator()(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    return reason


def _claim_step(item: NewsItem, *, where: Q, refusal: str, kind: str, by, reason: str = "", **changes) -> NewsItem:
    """Apply `changes` only while `where` still holds (a conditional update), then record the step."""
    audited = [field for field in changes if field != "forwarded_at"]
    before = {field: getattr(item, field) for field in audited}
    changed = NewsItem.objects.filter(where, pk=item.pk).update(**changes, updated_at=timezone.now())
    if not changed:
        raise ValidationError(refusal)
    item.refresh_from_db()
    NewsReviewStep.objects.create(item=item, kind=kind, reason=reason, by=by)
    audit_update(
        item,
        before={field: before[field] for field in audited},
        after={field: getattr(item, field) for field in audited},
    )
    return item


@transaction.atomic
def news_unaccept(*, item: NewsItem, by, reason: str) -> NewsItem:
    """Accepted → submitted again: the territory takes its acceptance back (not once forwarded)."""
    reason = _reason(reason)
    if item.status == NewsStatus.ACCEPTED and item.forwarded_to_union:
        raise ValidationError(_forwarded_first())
    return _claim_step(
        item,
        where=Q(status=NewsStatus.ACCEPTED, forwarded_to_union=False),
        refusal=_("Only an accepted item that is not forwarded to the union can lose its acceptance."),
        kind=ReviewStepKind.UNACCEPTED,
        by=by,
        reason=reason,
        status=NewsStatus.SUBMITTED,
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )


@transaction.atomic
def news_unforward(*, item: NewsItem, by, reason: str) -> NewsItem:
    """The territory takes a forwarding back, while the union has not accepted the item."""
    reason = _reason(reason)
    return _claim_step(
        item,
        where=Q(forwarded_to_union=True, union_accepted_at__isnull=True),
        refusal=_(
            "Only a forwarded item the union has not accepted yet can be taken back. "
            "If the union has accepted it, ask the information department to withdraw its acceptance."
        ),
        kind=ReviewStepKind.UNFORWARDED,
        by=by,
        reason=reason,
        forwarded_to_union=False,
        forwarded_at=None,
    )


@transaction.atomic
def news_union_accept(*, item: NewsItem, by) -> NewsItem:
    """The information department accepts an item forwarded to it."""
    return _claim_step(
        item,
        where=Q(forwarded_to_union=True, union_accepted_at__isnull=True),
        refusal=_("Only an item forwarded to the union and not yet accepted by it can be accepted."),
        kind=ReviewStepKind.UNION_ACCEPTED,
        by=by,
        union_accepted_at=timezone.now(),
        union_accepted_by=by,
    )


@transaction.atomic
def news_union_return(*, item: NewsItem, by, reason: str) -> NewsItem:
    """The information department sends a forwarded item back to the territorial organisation."""
    reason = _reason(reason)
    return _claim_step(
        item,
        where=Q(forwarded_to_union=True, union_accepted_at__isnull=True),
        refusal=_("Only an item forwarded to the union and not yet accepted by it can be returned."),
        kind=ReviewStepKind.UNION_RETURNED,
        by=by,
        reason=reason,
        forwarded_to_union=False,
        forwarded_at=None,
    )


@transaction.atomic
def news_union_unaccept(*, item: NewsItem, by, reason: str) -> NewsItem:
    """The information department takes its acceptance back: the item waits for its decision again."""
    reason = _reason(reason)
    return _claim_step(
        item,
        where=Q(union_accepted_at__isnull=False),
        refusal=_("The union has not accepted this item."),
        kind=ReviewStepKind.UNION_UNACCEPTED,
        by=by,
        reason=reason,
        union_accepted_at=None,
        union_accepted_by=None,
    )


def news_forward(*, item: NewsItem, by) -> NewsItem:
    """Pass an accepted or published item on to the union's information department (once)."""
    changed = NewsItem.objects.filter(
        pk=item.pk, status__in=(NewsStatus.ACCEPTED, NewsStatus.PUBLISHED), forwarded_to_union=False
    ).update(forwarded_to_union=True, forwarded_at=timezone.now(), updated_at=timezone.now())
    if not changed:
        raise ValidationError(_("Only an accepted or published item can be forwarded, and only once."))
    item.refresh_from_db()
    audit_update(item, before={"forwarded_to_union": False}, after={"forwarded_to_union": True})
    item_forwarded_task.delay_on_commit(item.pk)
    return item


def month_reopen(*, organisation: Organisation, month: dt.date, by, today: dt.date | None = None) -> MonthReopening:
    """Let one primary submit for a closed month. Reopening twice changes nothing; a withdrawn one comes back."""
    if organisation.kind != OrgKind.PRIMARY:
        raise ValidationError({"organisation": _("Months are reopened for primary organisations.")})
    month = month_start(month)
    today = today or local_today()
    if month > today:
        raise ValidationError({"month": _("The month cannot be in the future.")})
    if today <= deadline(month):
        raise ValidationError(
            {
                "month": _(
                    "The month %(month)s is still open: news for it is accepted until %(deadline)s. "
                    "Only a closed month can be reopened."
                )
                % {"month": f"{month:%m.%Y}", "deadline": f"{deadline(month):%d.%m.%Y}"}
            }
        )
    reopening, created = MonthReopening.objects.get_or_create(
        organisation=organisation, month=month, defaults={"reopened_by": by}
    )
    if not created and reopening.withdrawn_at is not None:
        MonthReopening.objects.filter(pk=reopening.pk).update(withdrawn_at=None, withdrawn_by=None, reopened_by=by)
        reopening.refresh_from_db()
    return reopening


def month_reopening_withdraw(*, reopening: MonthReopening, by) -> MonthReopening:
    """Close a reopened month again. Items already sent through it stay sent."""
    changed = MonthReopening.objects.filter(pk=reopening.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by
    )
    if not changed:
        raise ValidationError(_("This reopening has already been withdrawn."))
    reopening.refresh_from_db()
    return reopening


def notification_preference_set(*, user, reminders: bool, item_notices: bool, digest: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"reminders": reminders, "item_notices": item_notices, "digest": digest}
    )
    return preference


def notification_preference_update(*, user, offered: list[str], values: dict[str, bool]) -> NotificationPreference:
    """Save the notices offered to the user; the others keep their value (a primary admin is never offered
    the reviewers' digest, so saving the page does not change it)."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    for name in offered:
        setattr(preference, name, bool(values.get(name)))
    if offered:
        preference.save(update_fields=offered)
    return preference
