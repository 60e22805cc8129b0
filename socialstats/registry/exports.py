"""The registry as files to hand on: sheets for unionportal/lib/export.py (Russian headers, typed cells).

The pages of the registry (as the list shows them, with its filters), every website and every print title
of the scope. The import-format file of the pages list is another thing: registry/views.py writes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from unionportal.lib.export import Column, Sheet

from ..models import PrintPublication, PublicationKind, SocialPage, Website, WebsiteCheck


def pages_sheet(pages: Iterable[SocialPage]) -> Sheet:
    """The registry list's rows: organisation, network, page, address, who runs it, status, latest figure."""
    yes, no = _("yes"), _("no")
    columns = [
        Column(_("Organisation"), width=34),
        Column(_("Network"), width=14),
        Column(_("Page"), width=34),
        Column(_("Address"), width=40),
        Column(_("Run by"), width=22),
        Column(_("Official"), width=10),
        Column(_("Status"), width=12),
        Column(_("Subscribers"), "int", width=13),
        Column(_("As of"), "date", width=12),
    ]
    rows = [
        [
            page.organisation.display_name,
            str(page.get_network_display()),
            page.display_name,
            page.url,
            str(page.get_owner_display()),
            yes if page.is_official else no,
            str(page.get_status_display()),
            page.latest_subscribers,
            page.latest_date,
        ]
        for page in pages
    ]
    return Sheet(_("Pages"), columns, rows)


def websites_sheet(websites: Iterable[Website]) -> Sheet:
    columns = [
        Column(_("Organisation"), width=34),
        Column(_("Website"), width=36),
        Column(_("Title"), width=30),
        Column(_("Active"), width=10),
        Column(_("Checklist items met"), "int", width=12),
        *(Column(str(label), width=12) for label in WebsiteCheck.labels),
        Column(_("Period from"), "date", width=12),
        Column(_("Period to"), "date", width=12),
        Column(_("Published materials"), "int", width=14),
        Column(_("Visitors"), "int", width=12),
        Column(_("Views"), "int", width=12),
    ]
    return Sheet(_("Websites"), columns, website_rows(websites))


def website_rows(websites: Iterable[Website]) -> list[list]:
    yes, no = _("yes"), _("no")
    return [
        [
            site.organisation.name,
            site.url or _("(address unknown)"),
            site.title,
            yes if site.is_active else no,
            site.checklist_score,
            *(yes if site.checklist.get(key) else no for key in WebsiteCheck.values),
            site.latest_start,
            site.latest_end,
            site.latest_materials,
            site.latest_visitors,
            site.latest_views,
        ]
        for site in websites
    ]


def publications_sheet(publications: Iterable[PrintPublication]) -> Sheet:
    columns = [
        Column(_("Level"), width=26),
        Column(_("Organisation"), width=34),
        Column(_("Title"), width=30),
        Column(_("Kind"), width=14),
        Column(_("Issues a year"), "int", width=12),
        Column(_("Print run"), "int", width=12),
        Column(_("Comes out"), width=10),
    ]
    return Sheet(_("Print"), columns, publication_rows(publications))


def publication_rows(publications: Iterable[PrintPublication]) -> list[list]:
    yes, no = _("yes"), _("no")
    kinds = dict(PublicationKind.choices)
    return [
        [
            str(item.organisation.get_kind_display()),
            item.organisation.name,
            item.title,
            str(kinds.get(item.kind, item.kind)),
            item.issues_per_year,
            item.print_run,
            yes if item.is_active else no,
        ]
        for item in publications
    ]
