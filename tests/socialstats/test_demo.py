"""The demo: the 2018 table plus demo pages with two months of snapshots; loading it twice adds nothing."""

from __future__ import annotations

from socialstats.models import PrintPublication, Snapshot, SocialPage, Website
from unionportal.demo import demo_load


def test_the_demo_loads_and_a_second_run_adds_nothing(db):
    demo_load()
    counts = (SocialPage.objects.count(), Snapshot.objects.count(), Website.objects.count())
    demo_load()
    assert (SocialPage.objects.count(), Snapshot.objects.count(), Website.objects.count()) == counts
    assert SocialPage.objects.filter(title__startswith="Демо").count() >= 5
    assert Snapshot.objects.filter(page__title__startswith="Демо", likes__isnull=False).count() > 100
    assert Snapshot.objects.filter(page__title="").count() == 33  # the 2018 table
    assert PrintPublication.objects.count() == 1


def test_demo_posts_have_the_subscribers_of_their_day_and_an_engagement_of_a_few_percent(db):
    """Issue 16: the demo news posts had no subscribers and fixed reactions (816 % on a page of six)."""
    import statistics

    from django.utils import timezone

    from socialstats.models import Post
    from socialstats.posts.engagement import post_interactions

    demo_load()
    news_posts = list(Post.objects.filter(external_id__startswith="demo-news-").select_related("page"))
    assert news_posts
    for post in news_posts:
        moscow = timezone.localtime(post.published_at)
        latest = post.page.snapshots.filter(date__lte=moscow.date()).order_by("-date").first()
        assert post.subscribers == latest.subscribers
        assert (post.weekday, post.hour) == (moscow.isoweekday(), moscow.hour)
    rates = [
        post_interactions(post.likes, post.comments, post.reposts) * 100 / post.subscribers
        for post in Post.objects.exclude(likes=None)
    ]
    assert len(rates) == Post.objects.exclude(likes=None).count() > 200  # every post has its subscribers
    assert 1 <= statistics.median(rates) <= 5
    assert max(rates) < 20
