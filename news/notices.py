"""Emails about news: monthly reminders, notices to authors, the weekly digest. Each sent email is logged."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from orgs.models import Organisation, Role, RoleAssignment

from .models import (
    MonthReopening,
    NewsItem,
    NewsStatus,
    Notice,
    NoticeKind,
    NotificationPreference,
    ReminderLog,
    ReminderRun,
)
from .months import deadline, local_today
from .selectors import reminded_today, reminder_plan, reminder_scope, reminder_scope_key

PREFERENCE_FIELD = {
    NoticeKind.REMINDER: "reminders",
    NoticeKind.RETURNED: "item_notices",
    NoticeKind.PUBLISHED: "item_notices",
    NoticeKind.DIGEST: "digest",
    NoticeKind.FORWARDED: "forwarded",
}


def _switched_off(user_ids: set[int], kind: str) -> set[int]:
    """Users among `user_ids` who switched this kind of notice off (one query)."""
    return set(
        NotificationPreference.objects.filter(user_id__in=user_ids, **{PREFERENCE_FIELD[kind]: False}).values_list(
            "user_id", flat=True
        )
    )


def _url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _month_text(organisation: Organisation, month: dt.date, today: dt.date, reopened: set[int]) -> str:
    """What the reminder says about the month: on time until the deadline, reopened, or closed."""
    due = deadline(month)
    values = {"month": month.strftime("%m.%Y"), "deadline": due.strftime("%d.%m.%Y")}
    if today <= due:
        return _("News for %(month)s is on time until %(deadline)s.") % values
    if organisation.pk in reopened:
        return _("The month %(month)s was reopened for you: the news can be sent now.") % values
    return (
        _(
            "The deadline for %(month)s (%(deadline)s) has passed and the month is closed to submissions: "
            "ask your territorial organisation to reopen it, then send the news."
        )
        % values
    )


def _log_rows(run: ReminderRun, user, organisations: list[Organisation], *, via_territorial: bool) -> list:
    """Log the reminders about to be emailed; returns the organisations this recipient has not heard about
    today (one savepoint per row: a concurrent run's row makes that one drop out)."""
    logged = []
    for organisation in organisations:
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    run=run,
                    organisation=organisation,
                    month=run.month,
                    day=run.day,
                    user=user,
                    email=user.email,
                    via_territorial=via_territorial,
                )
        except IntegrityError:
            continue
        logged.append(organisation)
    return logged


def reminders_send(*, month: dt.date, paths: list[str] | None = None, run: ReminderRun | None = None) -> int:
    """Remind about `month` everyone `selectors.reminder_plan` names inside `paths` (None: the whole union):
    each primary's admins, and for primaries with no admin account the territorial admins above them, one
    email listing those primaries. Idempotent per day: a recipient hears about a primary and month once a
    day (a unique log row). Without a `run`, this is the schedule's run. Returns the number of emails sent."""
    today = local_today()
    if run is None:
        run = ReminderRun.objects.create(month=month, scope_key="", day=today, automatic=True)
    reopened = set(MonthReopening.objects.filter(month=month).values_list("organisation_id", flat=True))
    fallback: dict[int, tuple] = {}
    sent = 0
    for target in reminder_plan(month, paths):
        organisation = target.organisation
        for user in target.admins:
            with transaction.atomic():
                if not _log_rows(run, user, [organisation], via_territorial=False):
                    continue
                send_mail(
                    _("News for %(month)s: nothing from %(organisation)s yet")
                    % {"month": month.strftime("%m.%Y"), "organisation": organisation.display_name},
                    _(
                        "Hello!\n\n%(organisation)s has not sent any news for %(month)s yet. %(state)s"
                        "\n\nSend news: %(url)s\n\nYou can switch these reminders off: %(settings_url)s"
                    )
                    % {
                        "organisation": organisation.name,
                        "month": month.strftime("%m.%Y"),
                        "state": _month_text(organisation, month, today, reopened),
                        "url": _url("news:create"),
                        "settings_url": _url("news:preferences"),
                    },
                    None,
                    [user.email],
                )
                sent += 1
        for user in target.territorial_admins:
            fallback.setdefault(user.pk, (user, []))[1].append(organisation)
    for user, organisations in fallback.values():
        with transaction.atomic():
            organisations = _log_rows(run, user, organisations, via_territorial=True)
            if not organisations:
                continue
            lines = "\n".join(
                f"— {organisation.name}: {_month_text(organisation, month, today, reopened)}"
                for organisation in organisations
            )
            send_mail(
                _("News for %(month)s: primaries without an admin account") % {"month": month.strftime("%m.%Y")},
                _(
                    "Hello!\n\nThese primary organisations have sent no news for %(month)s and have no admin "
                    "account on the portal, so nobody there gets the reminder:\n\n%(lines)s\n\n"
                    "Please remind them yourself, or give them an admin account: %(url)s\n\n"
                    "You can switch these reminders off: %(settings_url)s"
                )
                % {
                    "month": month.strftime("%m.%Y"),
                    "lines": lines,
                    "url": _url("news:reminders"),
                    "settings_url": _url("news:preferences"),
                },
                None,
                [user.email],
            )
        sent += 1
    ReminderRun.objects.filter(pk=run.pk).update(sent=F("sent") + sent)
    return sent


def reminders_start(*, user, month: dt.date) -> ReminderRun:
    """«Remind now» for the user's scope: at most once a day per scope; the second press is refused."""
    paths = reminder_scope(user)
    if paths == []:
        raise ValidationError(_("You have no organisations to remind."))
    today = local_today()
    if month > today.replace(day=1):
        raise ValidationError(_("The month cannot be in the future."))
    scope_key = reminder_scope_key(paths)
    refusal = _("Reminders for your organisations were already sent today; you can send them again tomorrow.")
    if reminded_today(scope_key, today):
        raise ValidationError(refusal)
    try:
        with transaction.atomic():
            return ReminderRun.objects.create(month=month, scope_key=scope_key, day=today, started_by=user)
    except IntegrityError:
        raise ValidationError(refusal) from None


def reminders_run(*, run: ReminderRun) -> int:
    """Send a run started by a person, for the scope it was started with."""
    paths = None if run.scope_key == "*" else run.scope_key.split(",")
    return reminders_send(month=run.month, paths=paths, run=run)


def item_notice_send(*, item: NewsItem, kind: str) -> bool:
    """Tell the author that their item was returned or published. False when not sent."""
    author = item.author
    if author is None or not author.email or not author.is_active:
        return False
    if author.pk in _switched_off({author.pk}, kind):
        return False
    if kind == NoticeKind.RETURNED:
        subject = _("Your news «%(title)s» was returned for changes") % {"title": item.title}
        body = _("The reviewer's comment:\n\n%(comment)s\n\nEdit and submit again: %(url)s") % {
            "comment": item.review_comment,
            "url": _url("news:edit", item.pk),
        }
    else:
        subject = _("Your news «%(title)s» was published") % {"title": item.title}
        body = _("Your news was published: %(published)s\n\nThe item: %(url)s") % {
            "published": item.published_url,
            "url": _url("news:detail", item.pk),
        }
    footer = _("You can switch these notices off: %(url)s") % {"url": _url("news:preferences")}
    with transaction.atomic():
        Notice.objects.create(kind=kind, user=author, email=author.email, organisation=item.organisation, item=item)
        send_mail(subject, f"{body}\n\n{footer}", None, [author.email])
    return True


def digest_send() -> int:
    """Tell each territorial admin how many items wait for review in their subtree. Returns emails sent."""
    assignments = list(
        RoleAssignment.objects.filter(role=Role.TERRITORIAL_ADMIN, user__is_active=True, organisation__is_active=True)
        .exclude(user__email="")
        .select_related("user", "organisation")
    )
    off = _switched_off({a.user_id for a in assignments}, NoticeKind.DIGEST)
    waiting_paths = list(
        NewsItem.objects.filter(status=NewsStatus.SUBMITTED).values_list("organisation__path", flat=True)
    )
    counts: dict[int, tuple] = {}
    for assignment in assignments:
        if assignment.user_id in off:
            continue
        waiting = sum(1 for path in waiting_paths if path.startswith(assignment.organisation.path))
        if waiting:
            user, total = counts.get(assignment.user_id, (assignment.user, 0))
            counts[assignment.user_id] = (user, total + waiting)
    for user, waiting in counts.values():
        with transaction.atomic():
            Notice.objects.create(kind=NoticeKind.DIGEST, user=user, email=user.email)
            send_mail(
                _("News waiting for review: %(count)s") % {"count": waiting},
                _("%(count)s news items from your primary organisations wait for review: %(url)s")
                % {"count": waiting, "url": _url("news:review") + "?status=submitted"},
                None,
                [user.email],
            )
    return len(counts)


def forward_notice_send(*, item: NewsItem) -> int:
    """Tell the information officers over the item's organisation that it was forwarded to them.
    Returns the number of emails sent."""
    assignments = (
        RoleAssignment.objects.filter(
            role=Role.INFO_OFFICER,
            organisation__path__in=[*item.organisation.ancestor_paths, item.organisation.path],
            organisation__is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    users = {assignment.user_id: assignment.user for assignment in assignments}
    off = _switched_off(set(users), NoticeKind.FORWARDED)
    sent = 0
    for user in users.values():
        if user.pk in off:
            continue
        with transaction.atomic():
            Notice.objects.create(
                kind=NoticeKind.FORWARDED, user=user, email=user.email, organisation=item.organisation, item=item
            )
            send_mail(
                _("News forwarded to the union: «%(title)s»") % {"title": item.title},
                _(
                    "%(organisation)s's news «%(title)s» for %(month)s was forwarded to the information "
                    "department.\n\nThe item: %(url)s\n\nYou can switch these notices off: %(settings_url)s"
                )
                % {
                    "organisation": item.organisation.name,
                    "title": item.title,
                    "month": item.reporting_month.strftime("%m.%Y"),
                    "url": _url("news:detail", item.pk),
                    "settings_url": _url("news:preferences"),
                },
                None,
                [user.email],
            )
        sent += 1
    return sent
