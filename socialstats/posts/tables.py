"""django-tables2 tables of the posts reports (phone cards through the default template's data-label cells).

Rows are posts already annotated by the selectors (page and organisation joined), or plain dicts: a column
never queries.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from unionportal.lib.formatting import fmt_int, fmt_pct

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
EXCERPT_CHARS = 90


def _pct(value) -> str:
    return fmt_pct(value, signed=False) or "—"


def _int(value) -> str:
    return fmt_int(value) or "—"


def post_link(post) -> str:
    """The excerpt (cut) as a link to the post on the network; a deleted post is marked as such."""
    text = post.excerpt[:EXCERPT_CHARS] + ("…" if len(post.excerpt) > EXCERPT_CHARS else "")
    text = text or _("(no text)")
    link = format_html('<a href="{}" rel="noopener" target="_blank">{}</a>', post.url, text) if post.url else text
    if post.deleted_at:
        return format_html('{} <span class="badge warn">{}</span>', link, _("deleted"))
    return link


class PostTable(tables.Table):
    published_at = tables.Column(verbose_name=pgettext_lazy("post", "Published"), orderable=False)
    page = tables.Column(verbose_name=gettext_lazy("Page"), orderable=False)
    organisation = tables.Column(
        verbose_name=gettext_lazy("Organisation"), accessor="page__organisation", orderable=False
    )
    post = tables.Column(
        verbose_name=gettext_lazy("Post"),
        accessor="excerpt",
        orderable=False,
        attrs={"td": {"class": "post-excerpt card-wide"}, "th": {"class": "post-excerpt"}},
    )
    kind = tables.Column(verbose_name=gettext_lazy("Kind"), orderable=False)
    interactions = tables.Column(
        verbose_name=gettext_lazy("Reactions"), accessor="interactions_sum", orderable=False, attrs=NUM
    )
    views = tables.Column(verbose_name=gettext_lazy("Views"), orderable=False, attrs=NUM)
    subscribers = tables.Column(
        verbose_name=gettext_lazy("Subscribers"), accessor="subscribers_then", orderable=False, attrs=NUM
    )
    engagement = tables.Column(verbose_name=gettext_lazy("Engagement"), orderable=False, attrs=NUM)
    err = tables.Column(verbose_name=gettext_lazy("ERR"), orderable=False, attrs=NUM)

    class Meta:
        attrs = {"class": "table table-cards", "id": "posts-table"}
        empty_text = gettext_lazy("No posts in this period.")
        # The rates first after the post: at 1280 px they stay in view, the rest scrolls.
        sequence = (
            "published_at",
            "page",
            "post",
            "engagement",
            "err",
            "interactions",
            "views",
            "subscribers",
            "kind",
            "organisation",
        )

    def __init__(self, data, *, with_page: bool = True, **kwargs):
        super().__init__(data, exclude=() if with_page else ("page", "organisation"), **kwargs)

    def render_published_at(self, value):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")

    def render_page(self, value):
        url = reverse("socialstats:page_posts", args=[value.pk])
        return format_html(
            '<a href="{}">{}</a> <span class="muted">{}</span>', url, value.display_name, value.get_network_display()
        )

    def render_organisation(self, value):
        return value.display_name

    def render_post(self, record):
        return post_link(record)

    def render_kind(self, record):
        return record.get_kind_display()

    def render_interactions(self, record):
        return format_html(
            '{} <small class="muted breakdown">({} · {} · {})</small>',
            fmt_int(record.interactions_sum),
            _int(record.likes),
            _int(record.comments),
            _int(record.reposts),
        )

    def render_views(self, value):
        return _int(value)

    def render_subscribers(self, value):
        return _int(value)

    def render_engagement(self, value):
        return _pct(value)

    def render_err(self, value):
        return _pct(value)


class FrequencyTable(tables.Table):
    page = tables.Column(verbose_name=gettext_lazy("Page"), accessor="page_html", order_by=("title",))
    organisation = tables.Column(verbose_name=gettext_lazy("Organisation"))
    posts = tables.Column(verbose_name=gettext_lazy("Posts"), accessor="posts_text", order_by=("posts",), attrs=NUM)
    per_week = tables.Column(
        verbose_name=gettext_lazy("Posts per week"), accessor="per_week_text", order_by=("per_week",), attrs=NUM
    )
    previous = tables.Column(
        verbose_name=gettext_lazy("Previous period, per week"),
        accessor="previous_text",
        order_by=("previous",),
        attrs=NUM,
    )
    trend = tables.Column(
        verbose_name=gettext_lazy("Trend"), accessor="trend_text", order_by=("trend_sort",), attrs=NUM
    )

    class Meta:
        attrs = {"class": "table table-cards", "id": "frequency-table"}
        orderable = True
        empty_text = gettext_lazy("No pages in this scope.")
