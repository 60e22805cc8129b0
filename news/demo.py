"""Demo news for the demo primaries («Демо-ППО …»): a few items in every state over the last three months."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

from orgs.models import Organisation
from socialstats.models import COLLECTED_NETWORKS, PageStatus, Post, SocialPage

from .models import NewsItem, NewsPostLink, NewsStatus, PostLinkHow
from .months import add_months, local_today, month_start
from .photos import photo_check
from .services import news_create

DEMO_PREFIX = "Демо-ППО"
TITLES = [
    "Субботник во дворе школы",
    "Профсоюзный урок для молодых педагогов",
    "Турнир по волейболу среди учителей",
    "Встреча с ветеранами педагогического труда",
]
# (months back, status, days after the month's end when it was sent or None)
PLAN = [
    (2, NewsStatus.PUBLISHED, 2),
    (2, NewsStatus.ACCEPTED, 9),
    (1, NewsStatus.RETURNED, 3),
    (1, NewsStatus.SUBMITTED, 1),
    (0, NewsStatus.DRAFT, None),
]


def _photo(colour: tuple[int, int, int], label: str):
    image = Image.new("RGB", (640, 420), colour)
    ImageDraw.Draw(image).text((24, 24), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return photo_check(SimpleUploadedFile("demo.jpg", buffer.getvalue(), content_type="image/jpeg"))


def demo_load() -> None:
    primaries = list(Organisation.objects.filter(name__startswith=DEMO_PREFIX).order_by("name")[:6])
    if not primaries or NewsItem.objects.filter(organisation__in=primaries).exists():
        return  # nothing to decorate, or already loaded
    author = get_user_model().objects.filter(username="ppo_vao").first()
    reviewer = get_user_model().objects.filter(username="tpo_vao").first()
    current = month_start(local_today())
    for index, primary in enumerate(primaries):
        for step, (back, status, sent_after) in enumerate(PLAN):
            if (index + step) % 3 == 2:
                continue  # leave gaps, so completeness shows missing and silent primaries
            month = add_months(current, -back)
            item = news_create(
                author=author,
                organisation=primary,
                title=TITLES[(index + step) % len(TITLES)],
                text="Коллектив первичной профсоюзной организации провёл мероприятие.\nФото прилагаются.",
                event_date=month + dt.timedelta(days=10),
                reporting_month=month,
                links="",
                photos=[_photo((40 + 30 * step, 90, 160 - 20 * index), primary.display_name)],
            )
            if status == NewsStatus.DRAFT:
                continue
            sent_on = add_months(month, 1) + dt.timedelta(days=sent_after - 1)
            sent_at = timezone.make_aware(dt.datetime.combine(min(sent_on, local_today()), dt.time(12)))
            NewsItem.objects.filter(pk=item.pk).update(
                status=status,
                submitted_at=sent_at,
                first_submitted_at=sent_at,
                reviewed_by=reviewer if status != NewsStatus.SUBMITTED else None,
                review_comment="Добавьте, пожалуйста, фото участников." if status == NewsStatus.RETURNED else "",
                published_url="https://vk.com/wall-1_1" if status == NewsStatus.PUBLISHED else "",
                updated_at=F("updated_at"),
            )
    _demo_posts(primaries)


def _demo_posts(primaries: list[Organisation]) -> None:
    """Each published demo item appears in a post on a page above its primary: every other one linked, the
    rest left as suggestions for the review queue («Подтвердить» / «Отклонить»)."""
    items = NewsItem.objects.filter(organisation__in=primaries, status=NewsStatus.PUBLISHED).select_related(
        "organisation"
    )
    for index, item in enumerate(items.order_by("pk")):
        chain = item.organisation.ancestor_paths
        page = (
            SocialPage.objects.filter(
                organisation__path__in=chain, network__in=COLLECTED_NETWORKS, status=PageStatus.ACTIVE
            )
            .order_by("-organisation__depth", "pk")
            .first()
        )
        if page is None:
            continue
        published_at = item.first_submitted_at + dt.timedelta(days=2)
        moscow = timezone.localtime(published_at)
        # As the collection stores a post: the page's subscribers of its day (its latest snapshot by then), the
        # Moscow weekday and hour. Reactions and views follow the subscribers, so the post's engagement is a few %
        # (the 003 document's range) and its ERR a few tens of %, whatever the page's size.
        subscribers = (
            page.snapshots.filter(date__lte=moscow.date())
            .order_by("-date")
            .values_list("subscribers", flat=True)
            .first()
        )
        audience = subscribers or 0
        post, _created = Post.objects.get_or_create(
            page=page,
            external_id=f"demo-news-{item.pk}",
            defaults={
                "url": f"{page.url.rstrip('/') or 'https://vk.com/club1'}?w=wall-1_{900 + item.pk}",
                "published_at": published_at,
                "excerpt": f"{item.title}. {item.text}"[:500],
                "likes": round(audience * (0.015 + 0.005 * (index % 4))),
                "comments": round(audience * 0.004),
                "reposts": round(audience * 0.002),
                "views": round(audience * (0.25 + 0.05 * (index % 5))),
                "subscribers": subscribers,
                "weekday": moscow.isoweekday(),
                "hour": moscow.hour,
            },
        )
        if index % 2 == 0:
            NewsPostLink.objects.get_or_create(item=item, post=post, defaults={"how": PostLinkHow.ENTERED_LINK})
