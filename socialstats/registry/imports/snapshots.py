"""Import of snapshots (subscriber history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.importing import OrganisationNames
from orgs.models import Organisation
from unionportal.lib.importing import ImportRejected, RowError
from unionportal.lib.parsing import parse_count, parse_date

from ...analytics.services import analytics_update
from ...models import (
    SNAPSHOT_POST_FIELDS,
    Network,
    Snapshot,
    SnapshotSource,
    SocialPage,
)
from ..links import LinkNotRecognised, PageLink, link_parse
from ..services import page_duplicate_message
from .common import (
    SNAPSHOT_COLUMNS,
    SNAPSHOT_COUNT_COLUMNS,
    Source,
    _choice,
    _network,
    _optional_count,
    _optional_moment,
    _read,
)


@dataclass
class SnapshotImportReport:
    pages_created: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.pages_created or self.created or self.updated)


@dataclass
class _SnapshotRow:
    row: int
    organisation: Organisation
    network: str
    date: dt.date
    subscribers: int
    link: PageLink | None
    # The optional columns present in the file (posts_30d, likes, ..., source, taken_at), parsed.
    extra: dict[str, object] = field(default_factory=dict)


def _parse_snapshot_rows(table, names: OrganisationNames) -> tuple[list[_SnapshotRow], list[RowError]]:
    errors: list[RowError] = []
    rows: list[_SnapshotRow] = []
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = names.get(values.get("organisation", ""), number, row_errors)
        network = _network(values.get("network", ""), number, row_errors)
        date = subscribers = None
        try:
            date = parse_date(values.get("date", ""))
        except ValueError as error:
            row_errors.append(RowError(number, "date", str(error)))
        try:
            subscribers = parse_count(values.get("subscribers", ""))
        except ValueError as error:
            row_errors.append(RowError(number, "subscribers", str(error)))
        link = None
        if values.get("page_url"):
            try:
                link = link_parse(values["page_url"])
            except LinkNotRecognised as error:
                row_errors.append(RowError(number, "page_url", str(error)))
            if link and network and link.network != network:
                row_errors.append(
                    RowError(
                        number,
                        "page_url",
                        _("the link is on %(link)s, the network column says %(column)s")
                        % {"link": Network(link.network).label, "column": Network(network).label},
                    )
                )
        extra: dict[str, object] = {}
        for column in SNAPSHOT_COUNT_COLUMNS:
            if column in table.columns:
                extra[column] = _optional_count(values, column, number, row_errors)
        if "last_post_at" in table.columns:
            extra["last_post_at"] = _optional_moment(values, "last_post_at", number, row_errors)
        if values.get("taken_at"):
            extra["taken_at"] = _optional_moment(values, "taken_at", number, row_errors)
        if values.get("source"):
            extra["source"] = _choice(values, "source", SnapshotSource, number, row_errors)
        if row_errors:
            errors.extend(row_errors)
            continue
        assert organisation and network and date and subscribers is not None
        rows.append(_SnapshotRow(number, organisation, network, date, subscribers, link, extra))
    return rows, errors


class _PageResolver:
    """Find (or, when allowed, create) the page each row is about: two queries for the whole file."""

    def __init__(self, rows: list[_SnapshotRow], *, create_pages: bool, report: SnapshotImportReport):
        self.create_pages = create_pages
        self.report = report
        self.cache: dict[tuple, SocialPage | RowError] = {}
        handles = {item.link.handle for item in rows if item.link}
        self.by_link = {
            (page.network, page.handle): page
            for page in SocialPage.objects.select_related("organisation").filter(handle__in=handles)
        }
        self.by_org: dict[tuple[int, str], list[SocialPage]] = {}
        organisation_ids = {item.organisation.pk for item in rows if not item.link}
        for page in SocialPage.objects.filter(organisation__in=organisation_ids).order_by("pk"):
            self.by_org.setdefault((page.organisation_id, page.network), []).append(page)

    def page_for(self, item: _SnapshotRow) -> SocialPage | RowError:
        key = (
            ("link", item.link.network, item.link.handle) if item.link else ("org", item.organisation.pk, item.network)
        )
        if key not in self.cache:
            self.cache[key] = self._resolve(item)
        result = self.cache[key]
        if isinstance(result, RowError):
            return RowError(item.row, result.column, result.message)
        return result

    def _resolve(self, item: _SnapshotRow) -> SocialPage | RowError:
        if item.link:
            page = self.by_link.get((item.link.network, item.link.handle))
            if page is not None:
                if page.organisation_id != item.organisation.pk:
                    return RowError(item.row, "page_url", page_duplicate_message(page))
                return page
            return self._create(item, item.link)
        pages = self.by_org.get((item.organisation.pk, item.network), [])
        if len(pages) == 1:
            return pages[0]
        if len(pages) > 1:
            return RowError(
                item.row,
                "network",
                _("%(org)s has several %(network)s pages (%(list)s); add a page_url column to say which")
                % {
                    "org": item.organisation.display_name,
                    "network": Network(item.network).label,
                    "list": ", ".join(page.url or page.title or str(page.pk) for page in pages),
                },
            )
        return self._create(item, None)

    def _create(self, item: _SnapshotRow, link: PageLink | None) -> SocialPage | RowError:
        if not self.create_pages:
            return RowError(
                item.row,
                "page_url" if link else "network",
                _("%(org)s has no %(network)s page in the portal; register it or allow creating pages")
                % {"org": item.organisation.display_name, "network": Network(item.network).label},
            )
        page = SocialPage.objects.create(
            organisation=item.organisation,
            network=item.network,
            url=link.url if link else "",
            handle=link.handle if link else "",
            external_id=link.external_id if link else "",
        )
        self.report.pages_created.append(
            f"{item.organisation.display_name}: {Network(item.network).label}"
            + (f" {link.url}" if link else " " + _("(link unknown)"))
        )
        return page


@transaction.atomic
def snapshots_import(
    *,
    source: Source,
    filename: str = "",
    create_pages: bool = False,
    dry_run: bool = False,
    mapping: Mapping[str, str] | None = None,
    user=None,
) -> SnapshotImportReport:
    """Import historical snapshots (organisation, network, date, subscribers[, page_url]) all or nothing.

    A snapshot that already holds the same number is left alone, so importing a file again changes nothing.
    New and changed days are written as one bulk upsert on the (page, date) key: the same rule as
    `snapshot_record`, without a round trip per row.
    """
    table = _read(source, filename, SNAPSHOT_COLUMNS, mapping)
    names = OrganisationNames(values.get("organisation", "") for _row, values in table.rows)
    rows, errors = _parse_snapshot_rows(table, names)
    report = SnapshotImportReport()
    resolver = _PageResolver(rows, create_pages=create_pages, report=report)
    resolved: list[tuple[_SnapshotRow, SocialPage]] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for item in rows:
        page = resolver.page_for(item)
        if isinstance(page, RowError):
            errors.append(page)
            continue
        key = (page.pk, item.date)
        if key in seen:
            errors.append(RowError(item.row, "date", _("the same page and date as row %(row)s") % {"row": seen[key]}))
            continue
        seen[key] = item.row
        resolved.append((item, page))
    if errors:
        transaction.set_rollback(True)
        raise ImportRejected(
            sorted(errors, key=lambda error: error.row), unknown_names=names.unknown, headers=table.headers
        )
    if not resolved:
        return report

    dates = [item.date for item, _page in resolved]
    compared = ["subscribers", *(name for name in SNAPSHOT_POST_FIELDS if name in table.columns)]
    current = {
        (values[0], values[1]): dict(zip(compared, values[2:], strict=True))
        for values in Snapshot.objects.filter(
            page__in={page.pk for _item, page in resolved}, date__gte=min(dates), date__lte=max(dates)
        ).values_list("page_id", "date", *compared)
    }
    now = timezone.now()
    writes: list[Snapshot] = []
    for item, page in resolved:
        old = current.get((page.pk, item.date))
        new = {"subscribers": item.subscribers, **{name: item.extra.get(name) for name in compared[1:]}}
        if old == new:
            report.unchanged += 1
            continue
        if old is None:
            report.created += 1
        else:
            report.updated += 1
        writes.append(
            Snapshot(
                page=page,
                date=item.date,
                **new,
                source=item.extra.get("source") or SnapshotSource.IMPORT,
                recorded_by=user,
                taken_at=item.extra.get("taken_at") or now,
            )
        )
    # An imported day replaces the whole snapshot (like snapshot_record): the API-only figures are cleared.
    Snapshot.objects.bulk_create(
        writes,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["page", "date"],
        update_fields=["subscribers", *SNAPSHOT_POST_FIELDS, "source", "recorded_by", "taken_at"],
    )
    if dry_run:
        transaction.set_rollback(True)
    elif writes:
        analytics_update(page_ids={write.page_id for write in writes}, since=min(write.date for write in writes))
    return report
