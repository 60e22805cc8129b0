"""A «best community» contest on the 002 document's data (demo/): organisations imported by the orgs
importer, pages and snapshots built from demo/mgo-2018-subscribers.csv by a small fixture (the snapshot
importer is another issue's work)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.conf import settings

from contests import selectors, services
from contests.demo import demo_load
from contests.models import Contest, ContestStatus, Criterion, Metric
from orgs.models import Organisation, OrgKind
from orgs.services import organisations_import

from .conftest import make_page, snap

DEMO = settings.BASE_DIR / "demo"
START = dt.date(2017, 12, 31)
END = dt.date(2018, 4, 20)


@pytest.fixture
def demo_data(db):
    organisations_import(source=DEMO / "mgo-2018-organisations.csv", filename="orgs.csv")
    pages: dict[tuple[str, str], object] = {}
    with open(DEMO / "mgo-2018-subscribers.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["organisation"], row["network"])
            if key not in pages:
                organisation = Organisation.objects.get(name=row["organisation"], kind=OrgKind.TERRITORIAL)
                pages[key] = make_page(organisation, network=row["network"], handle=f"{key[0]}-{key[1]}")
            snap(pages[key], dt.date.fromisoformat(row["date"]), int(row["subscribers"]))
    return Organisation.objects.get(name="МГО Профсоюза")


def test_best_community_contest_ranks_territories_by_the_automatic_criteria(demo_data):
    # By hand from the 002 table (Facebook + VK):
    #            31.12.2017  20.04.2018  gained   end/626×10  gained/578×10   total
    #   САО           0         578        578       9.233       10.000       19.233
    #   СВАО        297         626        329      10.000        5.692       15.692
    #   ЮЗАО          0         430        430       6.869        7.439       14.308
    #   СЗАО         52         452        400       7.220        6.920       14.141
    #   ВАО         279         568        289       9.073        5.000       14.073
    #   ЗАО         272         560        288       8.946        4.983       13.929
    #   ЮАО          89         443        354       7.077        6.125       13.202
    #   ЮВАО        181         489        308       7.812        5.329       13.140
    #   ЦАО         196         301        105       4.808        1.817        6.625
    #   УГСО          0          59         59       0.942        1.021        1.963
    #   ЗелАО         0          33         33       0.527        0.571        1.098
    contest = services.contest_create(template="best_community", scope=demo_data, period_start=START, period_end=END)
    contest.criteria.all().delete()
    Criterion.objects.create(contest=contest, name="Подписчики", source=Metric.SUBSCRIBERS_END, position=1)
    Criterion.objects.create(contest=contest, name="Прирост", source=Metric.SUBSCRIBERS_GAINED, position=2)
    services.contest_open(contest=contest)
    services.contest_start_judging(contest=contest)
    ranking = selectors.contest_ranking(contest)
    assert [row.title for row in ranking.rows] == [
        "САО", "СВАО", "ЮЗАО", "СЗАО", "ВАО", "ЗАО", "ЮАО", "ЮВАО", "ЦАО", "УГСО", "ЗелАО",
    ]  # fmt: skip
    assert round(ranking.rows[0].total, 3) == 19.233
    assert round(ranking.rows[-1].total, 3) == 1.098
    assert selectors.resolution_figures(contest, ranking).subscribers_gained == 3173


def test_the_full_template_on_the_demo_data_counts_pages_and_growth(demo_data):
    contest = services.contest_create(template="best_community", scope=demo_data, period_start=START, period_end=END)
    services.contest_open(contest=contest)
    services.contest_start_judging(contest=contest)
    ranking = selectors.contest_ranking(contest)
    by_source = {criterion.source: criterion for criterion in ranking.criteria}
    rows = {row.title: row for row in ranking.rows}
    growth = by_source[Metric.GROWTH_PCT].pk
    # СЗАО grew 52 → 452: +769.2 %, the best growth among territories with a starting figure.
    assert rows["СЗАО"].points[growth] == 10.0
    assert rows["САО"].values[growth] is None  # no page at the start: no growth percentage
    assert rows["ЦАО"].values[by_source[Metric.PAGES_USED].pk] == 2


def test_demo_contest_is_loaded_once_in_judging_with_the_demo_juror(db):
    from unionportal.demo import demo_load as project_demo_load

    project_demo_load()
    demo_load()
    contest = Contest.objects.get()
    assert contest.status == ContestStatus.JUDGING
    assert list(contest.jurors.values_list("user__username", flat=True)) == ["juror"]
    assert contest.entries.count() == Organisation.objects.filter(kind=OrgKind.TERRITORIAL).count()


def test_demo_contest_ranks_territories_on_the_demo_snapshots(db):
    from unionportal.demo import demo_load as project_demo_load

    project_demo_load()  # the socialstats demo (2018 table and demo pages) loads before the contests demo
    ranking = selectors.contest_ranking(Contest.objects.get())
    totals = [row.total for row in ranking.rows]
    assert totals[0] > 0
    assert totals == sorted(totals, reverse=True)
