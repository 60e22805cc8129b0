"""News completeness: time and queries of the completeness report at two sizes of the union."""

from __future__ import annotations

import datetime as dt
import time

TITLE = "News completeness report"
PAGE = "/news/completeness/"
SIZES = [(10, 20), (20, 100)]  # (territorials, primaries per territorial)
MONTHS = 6


def _build(territorials: int, per_territory: int) -> None:
    from django.utils import timezone

    from news.models import NewsItem, NewsStatus
    from news.months import add_months, months_back
    from orgs.models import Organisation, OrgKind

    union = Organisation.add_root(kind=OrgKind.UNION, name=f"Союз {territorials}x{per_territory}")
    months = months_back(dt.date(2026, 10, 1), MONTHS)
    items = []
    for t in range(territorials):
        territorial = union.add_child(kind=OrgKind.TERRITORIAL, name=f"ТПО {t}")
        for p in range(per_territory):
            primary = territorial.add_child(kind=OrgKind.PRIMARY, name=f"ППО {t}-{p}")
            for index, month in enumerate(months):
                if (p + index) % 4 == 0:
                    continue  # missing
                day = 3 if (p + index) % 3 else 9  # on time or late
                sent = timezone.make_aware(dt.datetime.combine(add_months(month, 1).replace(day=day), dt.time(12)))
                items.append(
                    NewsItem(
                        organisation=primary,
                        title="Новость",
                        text="т",
                        reporting_month=month,
                        status=NewsStatus.SUBMITTED,
                        first_submitted_at=sent,
                        submitted_at=sent,
                    )
                )
    NewsItem.objects.bulk_create(items, batch_size=1000)


def main() -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from news.months import months_back
    from news.selectors import completeness

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user = get_user_model().objects.create(username="bench", is_superuser=True, is_active=True)
        rows = [
            "| primaries | items | queries | seconds | the page, seconds | the page, KB |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        client = Client()
        client.force_login(user)
        for territorials, per_territory in SIZES:
            from news.models import NewsItem
            from orgs.models import Organisation

            NewsItem.objects.all().delete()
            Organisation.objects.all().delete()
            _build(territorials, per_territory)
            months = months_back(dt.date(2026, 10, 1), MONTHS)
            reset_queries()  # the build filled the query log
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                report = completeness(user, months, today=dt.date(2026, 11, 20))
            elapsed = time.perf_counter() - started
            primaries = sum(len(block.rows) for block in report.territories)
            # The page as people open it (the months up to the current one, rendered).
            client.get(PAGE)
            started = time.perf_counter()
            response = client.get(PAGE)
            page_seconds = time.perf_counter() - started
            rows.append(
                f"| {primaries} | {NewsItem.objects.count()} | {len(queries)} | {elapsed:.3f} | {page_seconds:.3f} "
                f"| {len(response.content) // 1024} |"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    engine = connection.vendor
    return "\n".join(
        [
            f"## {TITLE}",
            "",
            f"`news.selectors.completeness` over {MONTHS} months, superuser scope, {engine}. "
            "The number of queries does not depend on the number of primaries. The page: `/news/completeness/` "
            "through the test client (server time; its grid and the «silent» list are built in one pass each, "
            "news/templatetags/news_completeness.py).",
            "",
            *rows,
        ]
    )
