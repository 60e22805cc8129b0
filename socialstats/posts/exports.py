"""The posts reports as sheets for unionportal/lib/export.py: the same numbers as the pages, all rows."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from unionportal.lib.export import Column, Sheet

from .selectors import FrequencyRow, HeatMap, KindRow

WEEKDAYS = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье")


def posts_sheet(posts: Sequence, *, title: str = "Публикации", with_page: bool = True) -> Sheet:
    """Posts with their reactions and rates (top posts, or a page's posts)."""
    columns = [Column("Опубликовано", "date", width=13), Column("Время", width=7)]
    if with_page:
        columns += [Column("Страница", width=34), Column("Сеть", width=12), Column("Организация", width=30)]
    columns += [
        Column("Текст", width=50),
        Column("Ссылка", width=36),
        Column("Вид", width=10),
        Column("Лайки", "int", width=9),
        Column("Комментарии", "int", width=12),
        Column("Репосты", "int", width=9),
        Column("Просмотры", "int", width=11),
        Column("Подписчики в тот день", "int", width=14),
        Column("Вовлечённость", "percent", width=13, decimals=2),
        Column("ERR", "percent", width=9),
        Column("Удалена", width=9),
    ]
    rows = []
    for post in posts:
        row: list = [post.published_at, f"{timezone.localtime(post.published_at):%H:%M}"]
        if with_page:
            row += [post.page.display_name, post.page.get_network_display(), post.page.organisation.display_name]
        row += [
            post.excerpt,
            post.url,
            post.get_kind_display(),
            post.likes,
            post.comments,
            post.reposts,
            post.views,
            post.subscribers_then,
            post.engagement,
            post.err,
            "да" if post.deleted_at else "",
        ]
        rows.append(row)
    return Sheet(title, columns, rows)


def heat_map_sheets(heat: HeatMap) -> list[Sheet]:
    """Two grids, weekday × hour (Moscow time): the number of posts and the mean engagement."""
    hours = [Column(f"{hour:02d}", "int", width=6) for hour in range(24)]
    rates = [Column(f"{hour:02d}", "percent", width=7, decimals=2) for hour in range(24)]
    return [
        Sheet(
            "Число публикаций",
            [Column("День недели", width=14), *hours],
            [[day, *heat.posts[index]] for index, day in enumerate(WEEKDAYS)],
        ),
        Sheet(
            "Средняя вовлечённость",
            [Column("День недели", width=14), *rates],
            [[day, *heat.engagement[index]] for index, day in enumerate(WEEKDAYS)],
        ),
    ]


def frequency_sheet(rows: Sequence[FrequencyRow]) -> Sheet:
    columns = [
        Column("Страница", width=34),
        Column("Сеть", width=12),
        Column("Организация", width=30),
        Column("Публикаций", "int", width=11),
        Column("В неделю", "float", width=10),
        Column("Публикаций в прошлом периоде", "int", width=14),
        Column("В неделю в прошлом периоде", "float", width=14),
        Column("Тренд", "percent", width=10),
    ]
    return Sheet(
        "Частота публикаций",
        columns,
        [
            [
                row.page.display_name,
                row.page.get_network_display(),
                row.page.organisation.display_name,
                row.posts,
                row.per_week,
                row.previous_posts,
                row.previous_per_week,
                row.trend,
            ]
            for row in rows
        ],
    )


def kinds_sheet(rows: Sequence[KindRow]) -> Sheet:
    columns = [
        Column("Вид", width=14),
        Column("Публикаций", "int", width=11),
        Column("Доля публикаций", "percent", width=12),
        Column("Средняя вовлечённость", "percent", width=14, decimals=2),
    ]
    return Sheet("Виды публикаций", columns, [[row.label, row.posts, row.share, row.engagement] for row in rows])
