"""Emails about news: monthly reminders, notices to authors, the weekly digest. Each sent email is logged."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from orgs.models import Organisation, Role, RoleAssignment

from .models import NewsItem, NewsStatus, Notice, NoticeKind, NotificationPreference
from .months import deadline
from .selectors import missing_primaries

PREFERENCE_FIELD = {
    NoticeKind.REMINDER: "reminders",
    NoticeKind.RETURNED: "item_notices",
    NoticeKind.PUBLISHED: "item_notices",
    NoticeKind.DIGEST: "digest",
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


def reminders_send(*, month: dt.date) -> int:
    """Remind the admins of every primary that has sent nothing for `month`. Idempotent: once per user,
    organisation and month (a unique notice row). Returns the number of emails sent."""
    missing = {organisation.pk: organisation for organisation in missing_primaries(month)}
    assignments = list(
        RoleAssignment.objects.filter(role=Role.PRIMARY_ADMIN, organisation_id__in=missing, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    off = _switched_off({a.user_id for a in assignments}, NoticeKind.REMINDER)
    already = set(
        Notice.objects.filter(kind=NoticeKind.REMINDER, month=month).values_list("user_id", "organisation_id")
    )
    sent = 0
    for assignment in assignments:
        if assignment.user_id in off or (assignment.user_id, assignment.organisation_id) in already:
            continue
        organisation: Organisation = missing[assignment.organisation_id]
        try:
            with transaction.atomic():
                Notice.objects.create(
                    kind=NoticeKind.REMINDER,
                    user=assignment.user,
                    email=assignment.user.email,
                    organisation=organisation,
                    month=month,
                )
                send_mail(
                    _("News for %(month)s: nothing from %(organisation)s yet")
                    % {"month": month.strftime("%m.%Y"), "organisation": organisation.display_name},
                    _(
                        "Hello!\n\n%(organisation)s has not sent any news for %(month)s yet. "
                        "News for the month is on time until %(deadline)s.\n\nSend news: %(url)s\n\n"
                        "You can switch these reminders off: %(settings_url)s"
                    )
                    % {
                        "organisation": organisation.name,
                        "month": month.strftime("%m.%Y"),
                        "deadline": deadline(month).strftime("%d.%m.%Y"),
                        "url": _url("news:create"),
                        "settings_url": _url("news:preferences"),
                    },
                    None,
                    [assignment.user.email],
                )
        except IntegrityError:
            continue  # another run reminded this user meanwhile
        sent += 1
    return sent


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
