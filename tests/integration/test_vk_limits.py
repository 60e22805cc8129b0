"""VK against the second, documentation-only fake (tests/fakes/vk_doc_server.py), with the limit kept in Redis.

The acceptance run of issue 15: 1,200 communities registered from links in every form, one run: no
error 6, at most 3 requests in any second as the fake measures it, requests within 5 % of the documented
minimum; a second run the same day replaces the values and adds no row. Two collectors sharing one token
(two workers) keep the limit together.
"""

from __future__ import annotations

import datetime as dt
import math
import threading

import pytest
from django.utils import timezone

from socialstats.collection.collectors import collector_for
from socialstats.collection.collectors.base import PageRef
from socialstats.collection.services import collection_collect
from socialstats.models import RunStatus, Snapshot, SocialPage
from socialstats.registry.links import link_parse
from tests.factories import make_org
from tests.fakes.vk_doc_server import Community, VkDocServer, serve

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("integration_db")]
DAY = dt.date(2027, 3, 1)
TOKEN = "doc-user-token"
LINK_FORMS = [
    "https://vk.com/club{id}",
    "vk.com/public{id}",
    "https://m.vk.com/event{id}",
    "https://vk.com/{name}",
    "vk.ru/{name}",
    "https://www.vk.com/{name}/",
    "http://m.vk.com/{name}?from=groups",
]


def documented_minimum(pages: int, open_pages: int) -> int:
    """⌈pages ÷ 12,500⌉ execute calls for the counts + ⌈open pages ÷ 25⌉ for the walls."""
    return math.ceil(pages / 12_500) + math.ceil(open_pages / 25)


@pytest.fixture
def doc_vk(settings):
    state = VkDocServer(tokens={TOKEN: "user", "doc-service-token": "service"})
    server, url = serve(state)
    assert settings.RATE_LIMIT_REDIS_URL, "the integration stage shares the limit through Redis"
    settings.VK_API_URL, settings.VK_API_TOKEN, settings.VK_API_RPS = url, TOKEN, 3.0
    settings.VK_TOKEN_KIND = ""
    yield state
    server.shutdown()


def register(state: VkDocServer, count: int) -> None:
    organisation = make_org("ППО Проверка лимитов")
    pages = []
    for n in range(1, count + 1):
        community = state.add(Community(id=700_000 + n, screen_name=f"union_local_{n}", members=1000 + n))
        link = link_parse(LINK_FORMS[n % len(LINK_FORMS)].format(id=community.id, name=community.screen_name))
        assert link.network == "vk"
        pages.append(
            SocialPage(
                organisation=organisation,
                network=link.network,
                url=link.url,
                handle=link.handle,
                external_id=link.external_id,
            )
        )
    SocialPage.objects.bulk_create(pages)


def test_1200_communities_in_every_link_form_stay_within_three_a_second_and_the_minimum(doc_vk):
    register(doc_vk, 1200)
    bound = 1.05 * documented_minimum(1200, 1200)  # 1.05 × 49

    first = collection_collect(network="vk", for_date=DAY)

    assert first.status == RunStatus.DONE, first.message
    assert first.pages_collected == 1200
    assert doc_vk.count(error=6) == 0
    assert doc_vk.peak() <= 3
    assert first.http_requests == doc_vk.count() <= bound
    assert "execute" in first.message and "ключ пользователя" in first.message
    assert not SocialPage.objects.filter(external_id="").exists()  # screen names' ids were stored
    snapshot = Snapshot.objects.get(page__external_id="700007")
    assert snapshot.subscribers == 1007
    assert snapshot.posts_counted == 10

    for community in doc_vk.communities.values():
        community.members += 5
    doc_vk.clear_log()
    second = collection_collect(network="vk", for_date=DAY)

    assert second.status == RunStatus.DONE
    assert doc_vk.count(error=6) == 0
    assert doc_vk.peak() <= 3
    assert second.http_requests == doc_vk.count() <= bound
    assert Snapshot.objects.filter(date=DAY).count() == 1200  # replaced, no row added
    assert Snapshot.objects.get(page__external_id="700007").subscribers == 1012


def test_two_workers_with_one_token_keep_the_limit_together(doc_vk):
    for n in range(1, 601):
        doc_vk.add(Community(id=800_000 + n, screen_name=f"shared_{n}", members=n))
    halves = [
        [PageRef(id=n, handle=f"club{800_000 + n}") for n in range(1, 301)],
        [PageRef(id=n, handle=f"shared_{n}") for n in range(301, 601)],
    ]
    collected: list[int] = []

    def work(pages: list[PageRef]) -> None:
        collector = collector_for("vk")  # its own Redis client: the window is shared only through Redis
        results = [r for batch in collector.collect(pages, now=timezone.now()) for r in batch]
        collected.append(sum(1 for r in results if r.metrics is not None))

    threads = [threading.Thread(target=work, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert collected == [300, 300]
    assert doc_vk.count(error=6) == 0
    assert doc_vk.peak() <= 3
    assert doc_vk.count() == 2 * documented_minimum(300, 300)
