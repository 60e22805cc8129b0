"""Demo data: one «best community» contest over the demo union, being judged, with the demo juror.

Idempotent: the contest is found by its title and template; running again adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from orgs.models import Organisation, OrgKind

from . import services
from .models import AutoScore, Contest, ContestStatus, ContestTemplate

DEMO_TITLE = "Лучшее профсоюзное сообщество в социальных сетях — 2018"


def demo_load() -> Contest | None:
    union = Organisation.objects.filter(kind=OrgKind.UNION, name="МГО Профсоюза").first()
    if union is None:
        return None
    contest = Contest.objects.filter(title=DEMO_TITLE, template=ContestTemplate.BEST_COMMUNITY).first()
    if contest is None:
        contest = services.contest_create(
            template=ContestTemplate.BEST_COMMUNITY,
            title=DEMO_TITLE,
            scope=union,
            period_start=dt.date(2017, 12, 31),
            period_end=dt.date(2018, 4, 20),
        )
    juror = get_user_model().objects.filter(username="juror").first()
    if juror is not None:
        services.juror_assign(contest=contest, user=juror)
    if contest.status == ContestStatus.DRAFT:
        services.contest_open(contest=contest)
    if contest.status == ContestStatus.OPEN:
        services.contest_start_judging(contest=contest)
    elif (
        contest.status == ContestStatus.JUDGING
        and not AutoScore.objects.filter(entry__contest=contest, points__gt=0).exists()
    ):
        # Demo only: the contest was frozen before any demo snapshots existed (another app's demo step
        # loaded them later); freeze again so the demo shows figures. Real contests never re-freeze.
        services.auto_scores_freeze(contest=contest)
    return contest
