"""django-tables2 tables of the registry (growth tables live in `tables.py`)."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Snapshot, SocialPage, WebsiteCheck


class PageTable(tables.Table):
    organisation = tables.Column(
        verbose_name=_("Organisation"), accessor="organisation__name", order_by=("organisation__path",)
    )
    network = tables.Column(verbose_name=_("Network"))
    handle = tables.Column(
        verbose_name=_("Page"),
        order_by=("handle",),
        attrs={"td": {"class": "card-head"}},  # the card's title on a phone
        empty_values=(),  # a page without a screen name still gets its link
    )
    owner = tables.Column(verbose_name=_("Run by"))
    is_official = tables.BooleanColumn(verbose_name=_("Official"))
    status = tables.Column(verbose_name=_("Status"))
    latest_subscribers = tables.Column(
        verbose_name=_("Subscribers"),
        attrs={"td": {"class": "num card-key"}},  # on a phone's card, right under the page's name
        default="—",
    )
    latest_date = tables.DateColumn(format="d.m.Y", verbose_name=_("As of"), attrs={"td": {"class": "card-key"}})

    class Meta:
        model = SocialPage
        fields = ("organisation", "network", "handle", "owner", "is_official", "status")
        sequence = ("organisation", "network", "handle", "owner", "is_official", "status", "latest_subscribers")
        order_by = ("organisation",)
        per_page = 50
        empty_text = _("No pages match.")
        attrs = {"class": "table table-cards"}  # a card per page on a phone

    # Cells built in Python (a template per cell cost a third of the registry's page: 150 renders for 50 rows).
    def render_handle(self, record) -> str:
        unknown = "" if record.url else format_html(' <span class="muted">({})</span>', gettext("link unknown"))
        url = reverse("socialstats:page_detail", args=[record.pk])
        return format_html('<a href="{}">{}{}</a>', url, record.display_name, unknown)

    def render_latest_subscribers(self, value) -> str:
        return intcomma(value)


class SnapshotTable(tables.Table):
    date = tables.DateColumn(format="d.m.Y", verbose_name=_("Date"))
    subscribers = tables.Column(verbose_name=_("Subscribers"), attrs={"td": {"class": "num"}})
    posts_30d = tables.Column(verbose_name=_("Posts in 30 days"), default="—")
    likes = tables.Column(verbose_name=_("Likes"), default="—")
    comments = tables.Column(verbose_name=_("Comments"), default="—")
    reposts = tables.Column(verbose_name=_("Reposts"), default="—")
    views = tables.Column(verbose_name=_("Views"), default="—")
    last_post_at = tables.DateTimeColumn(format="d.m.Y", verbose_name=_("Last post"), default="—")
    source = tables.Column(verbose_name=_("Source"))
    recorded_by = tables.Column(verbose_name=_("Recorded by"), default="—")
    taken_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name=_("Recorded at"))

    class Meta:
        model = Snapshot
        fields = ("date", "subscribers", "posts_30d", "likes", "comments", "reposts", "views", "last_post_at")
        sequence = ("date", "subscribers", "posts_30d", "likes", "comments", "reposts", "views", "last_post_at")
        order_by = ("-date",)
        per_page = 50
        empty_text = _("No snapshots yet.")

    def render_recorded_by(self, value) -> str:
        return value.get_full_name() or value.username

    def render_subscribers(self, value) -> str:
        return intcomma(value)


NUMBER = "{% load formatting %}{{ value|num }}"


class WebsiteRegistryTable(tables.Table):
    """Every website of the scope with its latest period (the 003 document's «Лидеры по количеству публикаций»)."""

    organisation = tables.Column(
        verbose_name=_("Organisation"), accessor="organisation__name", order_by=("organisation__path",)
    )
    url = tables.TemplateColumn(
        '{% load i18n %}{% if value %}<a href="{{ value }}" rel="noopener">{{ value }}</a>'
        "{% else %}<span class=\"muted\">{% translate '(address unknown)' %}</span>{% endif %}",
        verbose_name=_("Website"),
    )
    checklist = tables.TemplateColumn(
        "{{ record.checklist_score }} / {{ checklist_total }}",
        verbose_name=_("Checklist"),
        orderable=False,
        attrs={"td": {"class": "num"}},
        extra_context={"checklist_total": len(WebsiteCheck.values)},
    )
    latest_end = tables.TemplateColumn(
        "{% if record.latest_start %}{{ record.latest_start|date:'d.m.Y' }}–{{ value|date:'d.m.Y' }}"
        "{% else %}—{% endif %}",
        verbose_name=_("Period"),
    )
    latest_materials = tables.TemplateColumn(
        NUMBER, verbose_name=_("Published materials"), attrs={"td": {"class": "num"}}
    )
    latest_visitors = tables.TemplateColumn(NUMBER, verbose_name=_("Visitors"), attrs={"td": {"class": "num"}})
    latest_views = tables.TemplateColumn(NUMBER, verbose_name=_("Views"), attrs={"td": {"class": "num"}})

    class Meta:
        per_page = 100
        empty_text = _("No websites in the registry yet.")
