"""The report pages' tables as sheets for unionportal/lib/export.py: the same rows as the page, not paginated.

Each function takes what the page's selector returned and gives `Sheet`s with Russian headers and typed
values (numbers, per cents as the portal computes them, dates); the writer does the formats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from unionportal.lib.export import Column, Sheet, Typed
from unionportal.lib.formatting import fmt_date

from .audience import AudienceReport, TransitionReport, network_label
from .dashboard import Dashboard
from .growth import GrowthRow
from .lists import EngagementItem, SilentRow
from .selectors import GrowthReport, OrgEngagement, PrintedLayout, ReachRow, SilentGroup

ROW_HEADER = {
    "page": "Страница",
    "org": "Организация",
    "territorial": "Территориальная организация",
    "network": "Сеть",
}


def period_name(title: str, scope_name: str, a: dt.date, b: dt.date | None = None) -> str:
    """A file's name: «Прирост подписчиков ВАО 31.01.2024–31.03.2024»."""
    dates = fmt_date(a) + (f"–{fmt_date(b)}" if b else "")
    return " ".join(part for part in (title, scope_name, dates) if part)


def growth_sheet(report: GrowthReport) -> Sheet:
    """The growth table in its grouping, then the subtotals per network and the total."""
    a, b = fmt_date(report.a), fmt_date(report.b)
    columns = [
        Column(ROW_HEADER.get(report.grouping, "Строка"), width=40),
        Column("Сеть", width=14),
        Column("Организация", width=30),
        Column("Страниц", "int", width=10),
        Column("Новая", width=9),
        Column(f"Подписчики на {a}", "int", width=14),
        Column(f"Дата снимка к {a}", "date", width=13),
        Column(f"Подписчики на {b}", "int", width=14),
        Column(f"Дата снимка к {b}", "date", width=13),
        Column("Прирост", "int", width=12),
        Column("Прирост, %", "percent", width=12),
    ]
    return Sheet("Прирост", columns, [_growth_row(row) for row in [*report.rows, *report.subtotals, report.total]])


def _growth_row(row: GrowthRow) -> list:
    return [
        row.label,
        row.network,
        row.organisation,
        row.pages,
        "новая" if row.is_new else "",
        row.at_a,
        row.date_a,
        row.at_b,
        row.date_b,
        row.change,
        row.change_pct,
    ]


def printed_sheet(layout: PrintedLayout) -> Sheet:
    """The 002 document's table: per territorial organisation, per network the value at A, at B and the growth."""
    a, b = fmt_date(layout.a), fmt_date(layout.b)
    columns = [Column("Территориальная организация", width=34), Column("Первичных организаций", "int", width=13)]
    for _value, label in layout.networks:
        columns += [
            Column(f"{label}: на {a}", "int", width=14),
            Column(f"{label}: на {b}", "int", width=14),
            Column(f"{label}: прирост", "int", width=12),
        ]
    rows = []
    for row in layout.rows:
        cells = [row.label, row.primaries]
        for value, _label in layout.networks:
            cells += _printed_cells(row.cells.get(value))
        rows.append(cells)
    total = ["Итого", layout.primaries_total]
    for value, _label in layout.networks:
        total += _printed_cells(layout.totals.get(value))
    return Sheet("Подписчики", columns, [*rows, total])


def _printed_cells(row: GrowthRow | None) -> list:
    return [None, None, None] if row is None else [row.at_a, row.at_b, row.change]


def engagement_sheets(rows: Iterable[EngagementItem], averages: Iterable[OrgEngagement]) -> list[Sheet]:
    """The page's two tables: averages per organisation, then every page (sorted as on the page); rows are
    turned into lines as the file is written."""
    organisations = Sheet(
        "По организациям",
        [
            Column("Организация", width=34),
            Column("Страниц", "int", width=10),
            Column("Подписчики", "int", width=13),
            Column("Вовлечённость", "percent", width=14, decimals=2),
            Column("По просмотрам", "percent", width=14, decimals=2),
            Column("Постов за 30 дней", "float", width=12),
        ],
        (
            [item.label, item.pages, item.subscribers, item.engagement, item.engagement_by_views, item.posts_30d]
            for item in averages
        ),
    )
    pages = Sheet(
        "Страницы",
        [
            Column("Страница", width=34),
            Column("Сеть", width=14),
            Column("Организация", width=30),
            Column("Подписчики", "int", width=13),
            Column("Вовлечённость", "percent", width=14, decimals=2),
            Column("По просмотрам", "percent", width=14, decimals=2),
            Column("Постов за 30 дней", "int", width=12),
            Column("Последний пост", "date", width=14),
        ],
        (
            [
                row.label,
                row.network,
                row.organisation,
                row.subscribers,
                row.engagement,
                row.engagement_by_views,
                row.posts_30d,
                row.last_post_at,
            ]
            for row in rows
        ),
    )
    return [organisations, pages]


SILENT_COLUMNS = [
    Column("Территориальная организация", width=30),
    Column("Страница", width=34),
    Column("Организация", width=30),
    Column("Сеть", width=14),
    Column("Последний пост", "date", width=14),
    Column("Дней без постов", "int", width=12),
]


def silent_sheets(groups: Sequence[SilentGroup], failing: Sequence) -> list[Sheet]:
    """Silent pages with their territorial organisation, then the pages whose collection keeps failing."""
    silent = Sheet(
        "Без постов",
        SILENT_COLUMNS,
        [
            [
                group.label,
                item.page.display_name,
                item.page.organisation.display_name,
                str(item.page.get_network_display()),
                item.fact.last_post_at,
                item.days_silent,
            ]
            for group in groups
            for item in group.pages
        ],
    )
    return [silent, failing_sheet(failing)]


def silent_rows_sheets(rows: Iterable[SilentRow], failing: Sequence) -> list[Sheet]:
    """The silent-pages page's export: its rows (reports/lists.py, in the page's order) as they come."""
    silent = Sheet(
        "Без постов",
        SILENT_COLUMNS,
        ([row.territory, row.label, row.organisation, row.network, row.last_post_at, row.days] for row in rows),
    )
    return [silent, failing_sheet(failing)]


def failing_sheet(failing: Sequence) -> Sheet:
    return Sheet(
        "Сбор не удаётся",
        [
            Column("Страница", width=34),
            Column("Сеть", width=14),
            Column("Организация", width=30),
            Column("Неудач подряд", "int", width=12),
            Column("Последняя ошибка", width=60),
            Column("Дата ошибки", "date", width=13),
        ],
        [
            [
                page.display_name,
                str(page.get_network_display()),
                page.organisation.display_name,
                page.consecutive_failures,
                page.last_error,
                page.last_error_at,
            ]
            for page in failing
        ],
    )


def reach_sheet(rows: Sequence[ReachRow], total: ReachRow, *, on: dt.date) -> Sheet:
    return Sheet(
        "Охват",
        [
            Column("Организация", width=40),
            Column(f"Подписчики на {fmt_date(on)}", "int", width=16),
            Column("Члены профсоюза", "int", width=16),
            Column("Охват", "percent", width=10),
        ],
        [[row.label, row.subscribers, row.members, row.reach] for row in [*rows, total]],
    )


def dashboard_sheets(
    summary: Dashboard, *, series: Sequence[tuple[dt.date, int]], history_networks: str
) -> list[Sheet]:
    """The overview's figures, its leaders and the numbers behind its two charts."""
    d = summary
    counted = "с учётом" if d.include_history else "без учёта"
    figures = [
        ("На дату", Typed(d.today, "date")),
        (f"Страниц ({counted} сетей, ставших историей: {history_networks})", d.pages),
        ("Подписчики", d.subscribers),
        ("Подписчиков в среднем на страницу", Typed(d.average, "float")),
        (f"Прирост в этом месяце (с {fmt_date(d.month_start)})", d.month_change),
        ("Страниц в приросте этого месяца", d.month_counted_pages),
        ("Самое раннее начальное значение прироста", Typed(d.month_from, "date")),
        ("Организации хотя бы с одной страницей", Typed(d.share_with_pages, "percent")),
        ("Организаций со страницами", d.organisations_with_pages),
        ("Организаций всего", d.organisations_total),
        ("Страниц территориальных организаций", d.territorial_pages),
        ("Территориальных организаций", d.territorial_orgs),
        ("Страниц первичных организаций", d.primary_pages),
        ("Первичных организаций", d.primary_orgs),
        ("Страниц молодёжных советов", d.youth_pages),
        ("Цель: подписчиков на территориальную страницу", d.target),
        ("Территориальных страниц, достигших цели", d.territorial_pages_at_target),
        ("Подписчиков в среднем на территориальную страницу", Typed(d.territorial_page_average, "float")),
        ("Дата достижения цели при тренде 90 дней", Typed(d.target_date, "date")),
        ("Страниц без постов", d.silent),
        ("Страниц, сбор которых не удаётся", d.failing),
    ]
    leaders = [
        [board, place, item.label, item.organisation, item.network, Typed(item.value, kind)]
        for board, kind, items in (
            ("Больше всего подписчиков", "int", d.leaders_subscribers),
            ("Наибольший прирост в этом месяце", "int", d.leaders_growth),
            ("Самая высокая вовлечённость", "percent", d.leaders_engagement),
        )
        for place, item in enumerate(items, start=1)
    ]
    return [
        Sheet("Показатели", [Column("Показатель", width=60), Column("Значение", "int", width=14)], figures),
        Sheet(
            "Лидеры",
            [
                Column("Список", width=32),
                Column("Место", "int", width=8),
                Column("Страница", width=34),
                Column("Организация", width=24),
                Column("Сеть", width=14),
                Column("Значение", "int", width=12),
            ],
            leaders,
        ),
        Sheet(
            "Подписчики по месяцам",
            [Column("Дата", "date", width=12), Column("Подписчики", "int", width=14)],
            [[day, value] for day, value in series],
        ),
        Sheet(
            "Средняя за 90 дней",
            [Column("Дата", "date", width=12), Column("Подписчиков на территориальную страницу", "float", width=24)],
            [[day, value] for day, value in d.trend_points],
        ),
    ]


def transition_sheet(report: TransitionReport) -> Sheet:
    """The growth table's «move» view: each organisation's change per network from A to B, then the total."""
    columns = [
        Column("Организация", width=40),
        *(Column(f"{network_label(network)}: изменение", "int", width=14) for network in report.networks),
        Column("Итого: изменение", "int", width=14),
    ]
    rows = [
        [row.label, *(row.change(network) for network in report.networks), row.change()]
        for row in [*report.rows, report.total]
    ]
    return Sheet("Переход", columns, rows)


def audience_sheet(report: AudienceReport) -> Sheet:
    """Subscribers by network at each date, then the change from the first date to the last."""
    columns = [
        Column("Дата", "date", width=12),
        *(Column(network_label(network), "int", width=14) for network in report.networks),
        Column("Итого", "int", width=14),
    ]
    rows = [
        [day, *(report.values[network][index] for network in report.networks), report.totals[index]]
        for index, day in enumerate(report.dates)
    ]
    rows.append([Typed("Изменение", "text"), *(report.change(network) for network in report.networks), report.change()])
    return Sheet("Аудитория", columns, rows)
