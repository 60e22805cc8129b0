"""The report's workbook, attached to every email: the same figures as the email, one sheet per section."""

from __future__ import annotations

from dataclasses import replace

from socialstats.reports.exports import growth_sheet, silent_sheets
from unionportal.lib.export import Column, Sheet, to_xlsx

from .selectors import Report


def report_sheets(report: Report) -> list[Sheet]:
    news = Sheet(
        f"Новости {report.news_month:%m.%Y}",
        [
            Column("Территориальная организация", width=34),
            Column("Ожидалось ППО", "int", width=14),
            Column("Прислали", "int", width=12),
            Column("Вовремя", "int", width=12),
            Column("С опозданием", "int", width=14),
            Column("Не прислали", "int", width=13),
            Column("Доля приславших", "percent", width=16),
        ],
        [
            [line.label, line.expected, line.sent, line.on_time, line.late, line.missing, line.rate]
            for line in [*report.news, *([report.news_total] if report.news_total else [])]
        ],
    )
    contests = Sheet(
        "Конкурсы",
        [
            Column("Конкурс", width=40),
            Column("Организация", width=30),
            Column("Этап", width=16),
            Column("Период с", "date", width=12),
            Column("Период по", "date", width=12),
        ],
        [
            [
                contest.title,
                contest.scope.display_name,
                contest.get_status_display(),
                contest.period_start,
                contest.period_end,
            ]
            for contest in report.contests
        ],
    )
    top = Sheet(
        "Больше всех выросли",
        [
            Column("Страница", width=40),
            Column("Сеть", width=14),
            Column("Организация", width=30),
            Column("Подписчики", "int", width=13),
            Column("Прирост", "int", width=12),
            Column("Прирост, %", "percent", width=12),
        ],
        [[row.label, row.network, row.organisation, row.at_b, row.change, row.change_pct] for row in report.top_growth],
    )
    return [
        replace(growth_sheet(report.by_network), name="По сетям"),
        replace(growth_sheet(report.by_territorial), name="По организациям"),
        top,
        *silent_sheets(report.silent, report.failing),
        news,
        contests,
    ]


def report_xlsx(report: Report) -> bytes:
    return to_xlsx(report_sheets(report), title=f"Отчёт {report.scope_name} {report.period.label}")
