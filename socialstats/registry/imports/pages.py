"""Import of social pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from orgs.importing import OrganisationNames
from orgs.models import Organisation
from unionportal.lib.importing import RowError, import_finish

from ...models import (
    Network,
    PageOwner,
    PageStatus,
    SocialPage,
)
from ..links import LinkNotRecognised, PageLink, link_parse
from ..services import page_duplicate_message
from .common import (
    OWNER_ALIASES,
    PAGE_COLUMNS,
    Source,
    _choice,
    _network,
    _optional_date,
    _read,
    _yes_no,
)


@dataclass
class PagesImportReport:
    created: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # link-less pages that got their link
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.linked)


@transaction.atomic
def pages_import(
    *, source: Source, filename: str = "", dry_run: bool = False, mapping: Mapping[str, str] | None = None
) -> PagesImportReport:
    """Import pages (organisation, network, url[, owner, title, ...]) all or nothing; again changes nothing.

    A row with a network and no url registers a page whose link is not known yet (once per organisation
    and network). The optional status, official, added_on and archived_on apply to pages created.
    """
    table = _read(source, filename, PAGE_COLUMNS, mapping)
    names = OrganisationNames(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    parsed: list[tuple[int, Organisation, PageLink, str, str]] = []
    extras: dict[int, dict[str, object]] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = names.get(values.get("organisation", ""), number, row_errors)
        network = _network(values["network"], number, row_errors) if values.get("network") else None
        link: PageLink | None = None
        if not values.get("url") and network:
            # The link is unknown: an empty handle marks such a page (see SocialPage.url).
            link = PageLink(network=network, url="", handle="", external_id="")
            if organisation is not None:
                key = (network, f"org:{organisation.pk}")
                if key in seen:
                    row_errors.append(RowError(number, "network", _("repeats row %(row)s") % {"row": seen[key]}))
                seen.setdefault(key, number)
        else:
            try:
                link = link_parse(values.get("url", ""))
            except LinkNotRecognised as error:
                row_errors.append(RowError(number, "url", str(error)))
        extra = {
            "status": _choice(values, "status", PageStatus, number, row_errors),
            "is_official": _yes_no(values, "official", number, row_errors),
            "added_on": _optional_date(values, "added_on", number, row_errors),
            "archived_on": _optional_date(values, "archived_on", number, row_errors),
        }
        extras[number] = {key: value for key, value in extra.items() if value is not None}
        if link and network and link.network != network:
            row_errors.append(
                RowError(
                    number,
                    "network",
                    _("the link is on %(link)s, the column says %(column)s")
                    % {"link": Network(link.network).label, "column": Network(network).label},
                )
            )
        owner = OWNER_ALIASES.get(values.get("owner", "").strip().lower())
        if owner is None:
            row_errors.append(
                RowError(
                    number,
                    "owner",
                    _("unknown owner «%(value)s»; use %(choices)s")
                    % {"value": values["owner"], "choices": ", ".join(PageOwner.values)},
                )
            )
        if link and link.handle:
            key = (link.network, link.handle)
            if key in seen:
                row_errors.append(RowError(number, "url", _("repeats row %(row)s") % {"row": seen[key]}))
            seen.setdefault(key, number)
        if row_errors:
            errors.extend(row_errors)
            continue
        assert organisation and link and owner  # for the type checker: no errors means all parsed
        parsed.append((number, organisation, link, owner, values.get("title", "")))

    report = PagesImportReport()
    existing = {
        (page.network, page.handle): page
        for page in SocialPage.objects.select_related("organisation").filter(
            handle__in={link.handle for _n, _o, link, _ow, _t in parsed if link.handle}
        )
    }
    for number, organisation, link, owner, title in parsed:
        label = f"{organisation.display_name}: {link.url or Network(link.network).label}"
        if not link.handle:
            if SocialPage.objects.filter(organisation=organisation, network=link.network, handle="").exists():
                report.unchanged += 1
                continue
            SocialPage.objects.create(
                organisation=organisation, network=link.network, owner=owner, title=title, **extras[number]
            )
            report.created.append(label)
            continue
        page = existing.get((link.network, link.handle))
        if page is not None:
            if page.organisation_id != organisation.pk:
                errors.append(RowError(number, "url", page_duplicate_message(page)))
            else:
                report.unchanged += 1
            continue
        linkless = SocialPage.objects.filter(organisation=organisation, network=link.network, handle="").first()
        if linkless is not None:
            linkless.url, linkless.handle, linkless.external_id = link.url, link.handle, link.external_id
            linkless.title = linkless.title or title
            linkless.save(update_fields=["url", "handle", "external_id", "title", "updated_at"])
            report.linked.append(label)
            continue
        SocialPage.objects.create(
            organisation=organisation,
            network=link.network,
            url=link.url,
            handle=link.handle,
            external_id=link.external_id,
            owner=owner,
            title=title,
            **extras[number],
        )
        report.created.append(label)
    return import_finish(report, errors, dry_run=dry_run, unknown_names=names.unknown, headers=table.headers)


# --- import and export of snapshots ----------------------------------------------------------------
