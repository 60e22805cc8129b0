"""The documents' contests as ready sets of criteria (a person adjusts them after creating the contest).

Criteria names are Russian text stored in the database (they are the contest's content, like a title).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import ContestTemplate, Metric, ParticipantLevel, PointsRule


@dataclass(frozen=True)
class CriterionPreset:
    name: str
    source: str
    weight: float = 1
    max_points: float = 10
    rule: str = PointsRule.LINEAR


@dataclass(frozen=True)
class Preset:
    title: str
    level: str
    criteria: tuple[CriterionPreset, ...]


# The 003 document's social-network criteria: automatic where a metric exists, the jury for the rest.
SOCIAL_CRITERIA = (
    CriterionPreset("Используемые социальные сети (число страниц)", Metric.PAGES_USED),
    CriterionPreset("Количество подписчиков на конец периода", Metric.SUBSCRIBERS_END),
    CriterionPreset("Прирост подписчиков за период, %", Metric.GROWTH_PCT),
    CriterionPreset("Частота публикаций (постов в месяц)", Metric.POSTS_PER_MONTH),
    CriterionPreset("Оформление страниц", Metric.JURY),
    CriterionPreset("«Вечнозелёный» контент", Metric.JURY),
    CriterionPreset("Вовлечённость аудитории, %", Metric.ENGAGEMENT),
    CriterionPreset("Группа молодёжного совета", Metric.YOUTH_PAGE, max_points=5),
    CriterionPreset("Личные страницы профсоюзных лидеров", Metric.LEADER_PAGES, max_points=5),
)

PRESETS: dict[str, Preset] = {
    ContestTemplate.BEST_COMMUNITY: Preset(
        "Лучшее профсоюзное сообщество в социальных сетях", ParticipantLevel.TERRITORIAL, SOCIAL_CRITERIA
    ),
    ContestTemplate.INFO_ACTIVITY: Preset(
        "Смотр-конкурс на лучшую организацию информационной деятельности",
        ParticipantLevel.TERRITORIAL,
        (
            # The website checklist of the 003 document (socialstats.models.WebsiteCheck, 9 items).
            CriterionPreset(
                "Сайт: выборные органы, их решения, членские организации, материалы для актива, ссылка на сайт "
                "Федерации, виджет «Солидарность», кнопки «Поделиться», ссылки на свои соцсети, новости Федерации",
                Metric.WEBSITE_CHECKLIST,
                weight=2,
            ),
            *SOCIAL_CRITERIA,
            CriterionPreset("Печатные издания", Metric.PRINT_PUBLICATIONS, max_points=5),
        ),
    ),
    ContestTemplate.NEWS_OF_MONTH: Preset(
        "Лучшая новость месяца от первички",
        ParticipantLevel.NEWS,
        (
            CriterionPreset("Актуальность и значимость темы", Metric.JURY),
            CriterionPreset("Качество текста", Metric.JURY),
            CriterionPreset("Фотографии", Metric.JURY),
        ),
    ),
}
