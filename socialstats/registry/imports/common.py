"""What every registry import shares: the file reading, the aliases of networks and owners, cell parsers.

Every import is all or nothing: rows are checked first, every bad cell is reported by row and column,
and nothing is saved when any row is wrong. Importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from orgs.models import Organisation
from orgs.services import ImportRejected
from unionportal.lib.parsing import parse_count, parse_date
from unionportal.lib.tabular import RowError, TableError, read_table

from ...models import (
    SNAPSHOT_POST_FIELDS,
    Network,
    PageOwner,
    Website,
)
from ..services import website_url_normalise

Source = bytes | IO[bytes] | Path | str

NETWORK_ALIASES = {
    **{network.value: network.value for network in Network},
    **{str(network.label).lower(): network.value for network in Network},
    "вк": Network.VK,
    "вконтакте": Network.VK,
    "vkontakte": Network.VK,
    "телеграм": Network.TELEGRAM,
    "телеграмм": Network.TELEGRAM,
    "tg": Network.TELEGRAM,
    "одноклассники": Network.OK,
    "ок": Network.OK,
    "odnoklassniki": Network.OK,
    "фейсбук": Network.FACEBOOK,
    "fb": Network.FACEBOOK,
    "инстаграм": Network.INSTAGRAM,
    "ютуб": Network.YOUTUBE,
    "рутуб": Network.RUTUBE,
    "дзен": Network.DZEN,
}

OWNER_ALIASES = {
    **{owner.value: owner.value for owner in PageOwner},
    "": PageOwner.ORGANISATION,
    "организация": PageOwner.ORGANISATION,
    "молодежный совет": PageOwner.YOUTH_COUNCIL,
    "молодёжный совет": PageOwner.YOUTH_COUNCIL,
    "youth": PageOwner.YOUTH_COUNCIL,
    "руководитель": PageOwner.LEADER,
    "председатель": PageOwner.LEADER,
}

PAGE_COLUMNS = ["organisation", "network", "url"]
# status, official, added_on and archived_on are written by `export_all`: a full export imports back whole.
PAGE_OPTIONAL_COLUMNS = ["owner", "title", "status", "official", "added_on", "archived_on"]
SNAPSHOT_COLUMNS = ["organisation", "network", "date", "subscribers"]
SNAPSHOT_COUNT_COLUMNS = [name for name in SNAPSHOT_POST_FIELDS if name != "last_post_at"]
SNAPSHOT_OPTIONAL_COLUMNS = ["page_url", *SNAPSHOT_COUNT_COLUMNS, "last_post_at", "source", "taken_at"]
WEBSITE_STAT_COLUMNS = ["organisation", "website", "period_start", "period_end"]
WEBSITE_STAT_OPTIONAL_COLUMNS = ["materials", "visitors", "views"]
YES_NO = {
    "": None,
    **dict.fromkeys(("1", "yes", "true", "да", "+"), True),
    **dict.fromkeys(("0", "no", "false", "нет", "-"), False),
}


def _yes_no(values: dict[str, str], column: str, row: int, errors: list[RowError]) -> bool | None:
    value = values.get(column, "").strip().lower()
    if value not in YES_NO:
        errors.append(RowError(row, column, _("«%(value)s» is neither yes nor no") % {"value": values[column]}))
        return None
    return YES_NO[value]


def _optional_date(values: dict[str, str], column: str, row: int, errors: list[RowError]) -> dt.date | None:
    if not values.get(column):
        return None
    try:
        return parse_date(values[column])
    except ValueError as error:
        errors.append(RowError(row, column, str(error)))
        return None


def _optional_count(values: dict[str, str], column: str, row: int, errors: list[RowError]) -> int | None:
    if not values.get(column):
        return None
    try:
        return parse_count(values[column])
    except ValueError as error:
        errors.append(RowError(row, column, str(error)))
        return None


def _optional_moment(values: dict[str, str], column: str, row: int, errors: list[RowError]) -> dt.datetime | None:
    """A date and time (`2024-05-01T12:30:00+03:00`; without an offset, Moscow time) or a bare date."""
    text = values.get(column, "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        try:
            day = parse_date(text)
        except ValueError:
            errors.append(
                RowError(
                    row,
                    column,
                    _("«%(value)s» is not a date and time; write 2017-12-31T18:30:00+03:00") % {"value": text},
                )
            )
            return None
        moment = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _choice(values: dict[str, str], column: str, choices, row: int, errors: list[RowError]) -> str | None:
    value = values.get(column, "").strip().lower()
    if not value:
        return None
    if value not in choices.values:
        errors.append(
            RowError(
                row,
                column,
                _("unknown value «%(value)s»; use %(choices)s")
                % {"value": values[column], "choices": ", ".join(choices.values)},
            )
        )
        return None
    return value


def _import_finish(report, errors: list[RowError], *, dry_run: bool):
    """End an all-or-nothing import: roll back and name every bad row, or roll back a dry run."""
    if errors:
        transaction.set_rollback(True)
        raise ImportRejected(sorted(errors, key=lambda error: error.row))
    if dry_run:
        transaction.set_rollback(True)
    return report


def _read(source: Source, filename: str, required: list[str], optional: list[str]):
    try:
        return read_table(source, filename=filename, required=required, optional=optional)
    except TableError as error:
        raise ImportRejected([str(error)]) from error


def _network(value: str, row: int, errors: list[RowError]) -> str | None:
    network = NETWORK_ALIASES.get(value.strip().lower())
    if network is None:
        errors.append(
            RowError(
                row,
                "network",
                _("unknown network «%(value)s»; use %(choices)s")
                % {"value": value, "choices": ", ".join(Network.values)},
            )
        )
    return network


def _organisation(
    name: str, row: int, found: dict[str, list[Organisation]], errors: list[RowError]
) -> Organisation | None:
    if not name:
        errors.append(RowError(row, "organisation", _("the organisation name is empty")))
        return None
    matches = found.get(name, [])
    if not matches:
        errors.append(RowError(row, "organisation", _("no organisation «%(name)s» in the portal") % {"name": name}))
        return None
    if len(matches) > 1:
        errors.append(
            RowError(
                row,
                "organisation",
                _("«%(name)s» matches several organisations: %(list)s")
                % {"name": name, "list": "; ".join(org.name for org in matches)},
            )
        )
        return None
    return matches[0]


# --- websites ---------------------------------------------------------------------------------------


def _website_url(value: str, row: int, errors: list[RowError]) -> str:
    """The normalised address of a website column, or "" with the reason added to `errors`."""
    url = website_url_normalise(value)
    if not url:
        errors.append(RowError(row, "website", _("the website address is empty")))
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors.append(RowError(row, "website", _("«%(value)s» is not a website address") % {"value": value}))
        return ""
    if len(url) > Website._meta.get_field("url").max_length:
        errors.append(RowError(row, "website", _("the website address is too long")))
        return ""
    return url
