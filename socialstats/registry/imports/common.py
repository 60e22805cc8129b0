"""What every registry import shares: the file reading, the aliases of networks and owners, cell parsers.

Every import is all or nothing: rows are checked first, every bad cell is reported by row and column,
and nothing is saved when any row is wrong. Importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionportal.lib.importing import (
    Column,
    ImportRejected,
    RowError,
    Table,
    TableError,
    read_table,
)
from unionportal.lib.importing import Source as Source
from unionportal.lib.parsing import parse_count, parse_date

from ...models import (
    SNAPSHOT_POST_FIELDS,
    Network,
    PageOwner,
    Website,
)
from ..services import website_url_normalise

NETWORK_ALIASES = {
    **{network.value: network.value for network in Network},
    **{str(network.label).lower(): network.value for network in Network},
    "вк": Network.VK,
    "вконтакте": Network.VK,
    "vkontakte": Network.VK,
    "телеграм": Network.TELEGRAM,
    "телеграмм": Network.TELEGRAM,
    "tg": Network.TELEGRAM,
    "макс": Network.MAX,
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

# The columns of each registry import: the field, its label and the headers people type (Russian, English,
# the seed documents' wording). Matched without regard to case, spaces, «ё» and punctuation.
ORGANISATION = Column(
    "organisation",
    _l("Organisation"),
    ("Организация", "Профсоюзная организация", "ТПО", "ППО", "Территориальная организация", "Первичная организация"),
    required=True,
)
NETWORK = Column("network", _l("Network"), ("Сеть", "Соцсеть", "Социальная сеть"))
PAGE_COLUMNS = (
    ORGANISATION,
    Column("network", _l("Network"), NETWORK.names, required=True),
    Column("url", _l("Link"), ("Ссылка", "Адрес", "Адрес страницы", "Страница")),
    Column("owner", _l("Whose page"), ("Чья страница", "Владелец")),
    Column("title", _l("Title"), ("Название", "Название страницы")),
    # status, official, added_on and archived_on are written by `export_all`: a full export imports back whole.
    Column("status", _l("Status"), ("Статус",)),
    Column("official", _l("Official"), ("Официальная",)),
    Column("added_on", _l("Added on"), ("Добавлена",)),
    Column("archived_on", _l("Archived on"), ("В архиве с",)),
)
SNAPSHOT_COUNT_COLUMNS = [name for name in SNAPSHOT_POST_FIELDS if name != "last_post_at"]
SNAPSHOT_COLUMNS = (
    ORGANISATION,
    Column("network", _l("Network"), NETWORK.names, required=True),
    Column("date", _l("Date"), ("Дата", "Дата замера", "На дату"), required=True),
    Column("subscribers", _l("Subscribers"), ("Подписчики", "Количество подписчиков", "Число подписчиков"), True),
    Column("page_url", _l("Page link"), ("Ссылка", "Ссылка на страницу", "Адрес страницы", "url")),
    Column("posts_30d", _l("Posts in 30 days"), ("Публикаций за 30 дней", "Количество публикаций")),
    Column("posts_counted", _l("Posts counted"), ("Учтено публикаций",)),
    Column("likes", _l("Likes"), ("Лайки", "Отметки «Нравится»", "Нравится")),
    Column("comments", _l("Comments"), ("Комментарии",)),
    Column("reposts", _l("Reposts"), ("Репосты",)),
    Column("views", _l("Views"), ("Просмотры", "Число просмотров")),
    Column("last_post_at", _l("Last post"), ("Последняя публикация",)),
    Column("source", _l("Source"), ("Источник",)),
    Column("taken_at", _l("Taken at"), ("Время замера",)),
)
WEBSITE_ADDRESS = Column("website", _l("Website"), ("Сайт", "Адрес сайта", "url", "Ссылка"))
WEBSITE_FIGURES = (
    Column("materials", _l("Published materials"), ("Количество опубликованных материалов", "Материалы", "Публикации")),
    Column("visitors", _l("Visitors"), ("Число посетителей", "Посетители", "Количество посетителей")),
    Column("views", _l("Views"), ("Число просмотров", "Просмотры", "Количество просмотров")),
)
WEBSITE_STAT_COLUMNS = (
    ORGANISATION,
    WEBSITE_ADDRESS,
    Column("period_start", _l("From"), ("С", "Начало периода", "Период с", "Дата начала")),
    Column("period_end", _l("To"), ("По", "Конец периода", "Период по", "Дата окончания")),
    *WEBSITE_FIGURES,
)
WEBSITE_COLUMNS = (
    ORGANISATION,
    Column("website", WEBSITE_ADDRESS.label, WEBSITE_ADDRESS.names, required=True),
    Column("title", _l("Title"), ("Название", "Название сайта")),
    Column("active", _l("Active"), ("Действует", "Активен")),
    Column("added_on", _l("Added on"), ("Добавлен",)),
    Column("checklist", _l("Checklist"), ("Чек-лист", "Критерии")),
)
PUBLICATION_COLUMNS = (
    ORGANISATION,
    Column("title", _l("Title"), ("Название", "Издание", "Название издания"), required=True),
    Column("kind", _l("Kind"), ("Вид", "Тип", "Вид издания"), required=True),
    Column("issues_per_year", _l("Issues a year"), ("Выпусков в год", "Периодичность")),
    Column("print_run", _l("Print run"), ("Тираж",)),
    Column("active", _l("Active"), ("Выходит", "Действует")),
)
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


def _read(source: Source, filename: str, columns, mapping: Mapping[str, str] | None = None) -> Table:
    try:
        return read_table(source, filename=filename, columns=columns, mapping=mapping)
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
