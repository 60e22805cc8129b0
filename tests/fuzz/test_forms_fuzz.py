"""Hypothesis over every form: random field values posted as the permitted user.

For each POST view of orgs, socialstats, news and contests: the answer is never a 500; a refusal is
either the form again with errors (each field in error shown with its Russian label) or a redirect with
a Russian error message; and a refused post leaves the row counts of the tables it writes unchanged.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.messages import ERROR
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contests import services as contest_services
from contests.models import Contest, Criterion, Entry, Juror, JuryScore
from news.models import NewsItem, NewsPhoto, NewsStatus
from orgs.models import Organisation
from socialstats.models import PrintPublication, Snapshot, SocialPage, Website, WebsiteStat
from tests.contests.conftest import fixed as fixed_contest

fixed = fixed_contest  # the contest being judged, a fixture of tests/contests

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CYRILLIC = re.compile("[А-Яа-яЁё]")

text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(["", " ", "\x00", "\x07bell", "\r\n", "<script>alert(1)</script>", "x" * 5000, "Ё" * 301]),
)
short_text = st.one_of(text, st.sampled_from(["Вестник", "Страница МГО"]))
numbers = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["", "0", "1 000", "2147483648", "1e5", "NaN", "Infinity", "-0", "3,5", "٣", "²"]),
    text,
)
dates = st.one_of(
    st.dates().map(lambda day: day.strftime("%d.%m.%Y")),
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["", "31.02.2018", "2018-13-01", "00.00.0000", "31/12/2017", "2017-12", "9999-12-31", "вчера"]),
    text,
)
links = st.one_of(
    st.sampled_from(
        [
            "https://vk.com/club77",
            "t.me/chan_x",
            "@name_y",
            "ok.ru/group/9",
            "vk.com/" + "a" * 300,
            "ok.ru/group/" + "1" * 300,
            "[",
            "http://[::1",
            "https://vk.com/wall-1_" + "1" * 600,
            "https://vk.com/\x00",
        ]
    ),
    text,
)
checkbox = st.sampled_from(["", "on", "1", "0", "false", "\x00"])


def counts(models) -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in models}


def _form_errors(form) -> list[tuple[str, list[str]]]:
    return [(name, list(errors)) for name, errors in form.errors.items()]


def assert_refusal_is_named(response, *, form_name: str = "form") -> None:
    """A 200 after a POST is a refusal: the form has errors, each field's label is on the page, in Russian."""
    html = response.content.decode()
    form = response.context[form_name]
    forms = list(form.forms) if hasattr(form, "forms") else [form]
    errors = [(f, name, messages) for f in forms for name, messages in _form_errors(f)]
    if hasattr(form, "non_form_errors"):
        errors += [(form, "__all__", list(form.non_form_errors()))]
    errors = [item for item in errors if item[2]]
    assert errors, "a refused form must say why"
    for owner, name, messages in errors:
        assert all(CYRILLIC.search(message) for message in messages), messages
        if name != "__all__" and not owner.fields[name].widget.is_hidden:
            assert escape(str(owner.fields[name].label)).lower() in html.lower(), name
        for message in messages:
            assert escape(message) in html, message


def post_checked(client, url: str, data: dict, models, *, form_name: str = "form", files=None):
    """Post, and check the rules; returns (response, refused)."""
    before = counts(models)
    response = client.post(url, {**data, **(files or {})})
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert_refusal_is_named(response, form_name=form_name)
        refused = True
    else:
        # Only the messages this request added (older ones may still wait in the session, unread).
        added = response.wsgi_request._messages._queued_messages
        errors = [message for message in added if message.level == ERROR]
        assert all(CYRILLIC.search(str(message)) for message in errors), errors
        refused = bool(errors)
    if refused:
        assert counts(models) == before
    return response, refused


# --- socialstats: the registry ------------------------------------------------------------------------

REGISTRY = (SocialPage, Snapshot, Website, WebsiteStat, PrintPublication)


@pytest.fixture
def info_client(client, cast):
    client.force_login(cast.info_officer)
    return client


@pytest.fixture
def page(tree):
    return SocialPage.objects.create(organisation=tree.vao, network="vk", url="https://vk.com/vao", handle="vao")


@example(url="ok.ru/group/" + "1" * 300, owner="organisation", title="", organisation="tree")
@example(url="[", owner="organisation", title="", organisation="tree")
@FUZZ
@given(
    url=links,
    owner=st.sampled_from(["organisation", "leader", "", "boss"]),
    title=short_text,
    organisation=st.one_of(st.sampled_from(["tree"]), numbers),
)
def test_page_add_form_never_fails_on_any_input(info_client, tree, url, owner, title, organisation):
    org = str(tree.vao_p1.pk) if organisation == "tree" else organisation
    data = {"organisation": org, "url": url, "owner": owner, "title": title}
    post_checked(info_client, reverse("socialstats:page_add"), data, REGISTRY)


@FUZZ
@given(url=links, owner=st.sampled_from(["organisation", "youth_council", "", "x"]), title=short_text)
def test_page_edit_form_never_fails_on_any_input(info_client, page, url, owner, title):
    before = SocialPage.objects.values_list("url", "owner", "title").get(pk=page.pk)
    _response, refused = post_checked(
        info_client,
        reverse("socialstats:page_edit", args=[page.pk]),
        {"url": url, "owner": owner, "title": title},
        REGISTRY,
    )
    if refused:
        assert SocialPage.objects.values_list("url", "owner", "title").get(pk=page.pk) == before


@FUZZ
@given(official=text)
def test_page_official_and_archive_accept_any_post(info_client, page, official):
    post_checked(info_client, reverse("socialstats:page_official", args=[page.pk]), {"official": official}, REGISTRY)
    post_checked(info_client, reverse("socialstats:page_archive", args=[page.pk]), {"x": official}, REGISTRY)


@FUZZ
@given(date=dates, subscribers=numbers, posts=numbers, likes=numbers, views=numbers, last_post=dates)
def test_manual_snapshot_form_never_fails_on_any_input(
    info_client, page, date, subscribers, posts, likes, views, last_post
):
    data = {
        "date": date,
        "subscribers": subscribers,
        "posts_30d": posts,
        "likes": likes,
        "comments": "",
        "reposts": "",
        "views": views,
        "last_post_date": last_post,
    }
    post_checked(info_client, reverse("socialstats:snapshot_add", args=[page.pk]), data, REGISTRY)


@FUZZ
@given(
    url=st.one_of(links, st.sampled_from(["mgo.example.org", "https://site.ru/" + "p" * 490])),
    title=short_text,
    active=checkbox,
    check=checkbox,
)
def test_website_form_never_fails_on_any_input(info_client, tree, url, title, active, check):
    data = {"url": url, "title": title, "is_active": active, "check_decisions": check}
    post_checked(info_client, reverse("socialstats:website_add", args=[tree.vao.pk]), data, REGISTRY)


@FUZZ
@given(start=dates, end=dates, materials=numbers, visitors=numbers, views=numbers)
def test_website_figures_form_never_fails_on_any_input(info_client, tree, start, end, materials, visitors, views):
    website = Website.objects.get_or_create(organisation=tree.vao, url="https://vao.example.org")[0]
    data = {"period_start": start, "period_end": end, "materials": materials, "visitors": visitors, "views": views}
    post_checked(info_client, reverse("socialstats:website_stat_add", args=[tree.vao.pk, website.pk]), data, REGISTRY)


@FUZZ
@given(
    title=short_text,
    kind=st.sampled_from(["newspaper", "bulletin", "", "poster"]),
    issues=numbers,
    run=numbers,
    active=checkbox,
)
def test_publication_form_never_fails_on_any_input(info_client, tree, title, kind, issues, run, active):
    data = {"title": title, "kind": kind, "issues_per_year": issues, "print_run": run, "is_active": active}
    post_checked(info_client, reverse("socialstats:publication_add", args=[tree.vao.pk]), data, REGISTRY)


UPLOAD_VIEWS = [
    "orgs:import",
    "socialstats:pages_import",
    "socialstats:snapshots_import",
    "socialstats:website_stats_import",
]


@FUZZ
@given(
    view=st.sampled_from(UPLOAD_VIEWS),
    raw=st.binary(max_size=300),
    name=st.sampled_from(["x.csv", "x.xlsx", "x.exe", "x"]),
    token=text,
)
def test_upload_pages_never_fail_on_random_bytes_or_tokens(info_client, view, raw, name, token):
    models = (Organisation, *REGISTRY)
    before = counts(models)
    response = info_client.post(reverse(view), {"file": SimpleUploadedFile(name, raw)})
    assert response.status_code == 200
    context = response.context
    if "preview" not in context:
        # A refusal names its reasons; headers nobody recognises lead to the mapping step, which says why.
        assert context.get("errors") or context["form"].errors or context.get("mapping_message")
        shown = (
            context.get("errors")
            or [context.get("mapping_message")] * bool(context.get("mapping_message"))
            or [m for errors in context["form"].errors.values() for m in errors]
        )
        assert all(CYRILLIC.search(message) for message in shown), shown
    assert counts(models) == before  # the upload step only previews
    response = info_client.post(reverse(view), {"token": token, "create_missing": "on"})
    assert response.status_code in (200, 302)
    assert counts(models) == before


# --- news ---------------------------------------------------------------------------------------------

NEWS = (NewsItem, NewsPhoto)


@pytest.fixture
def author_client(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(cast.primary_admin)
    return client


def _month_choice(response) -> str:
    return response.context["form"].fields["reporting_month"].choices[0][0]


@FUZZ
@given(
    title=short_text,
    body=text,
    event_date=dates,
    links=st.one_of(text, st.just("https://vk.com/wall-1_2\nftp://x")),
    photo=st.one_of(st.none(), st.binary(max_size=200)),
    month=st.one_of(st.none(), text),
    submit=st.booleans(),
)
def test_news_form_never_fails_and_refuses_random_bytes_as_a_photo(
    author_client, title, body, event_date, links, photo, month, submit
):
    url = reverse("news:create")
    data = {
        "title": title,
        "text": body,
        "event_date": event_date,
        "links": links,
        "reporting_month": month if month is not None else _month_choice(author_client.get(url)),
    }
    if submit:
        data["submit"] = "1"
    files = {"photos": SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")} if photo else None
    response, refused = post_checked(author_client, url, data, NEWS, files=files)
    if photo:
        assert response.status_code == 200 and refused
        assert "photos" in response.context["form"].errors


@FUZZ
@given(title=short_text, body=text, event_date=dates)
def test_news_edit_form_never_fails_on_any_input(author_client, tree, cast, title, body, event_date):
    item = NewsItem.objects.filter(title="Правка").first() or NewsItem.objects.create(
        organisation=tree.vao_p1,
        author=cast.primary_admin,
        title="Правка",
        text="Текст",
        reporting_month=timezone.localdate().replace(day=1),
        status=NewsStatus.DRAFT,
    )
    url = reverse("news:edit", args=[item.pk])
    month = _month_choice(author_client.get(url))
    data = {"title": title, "text": body, "event_date": event_date, "reporting_month": month, "links": ""}
    before = NewsItem.objects.values_list("title", "text").get(pk=item.pk)
    _response, refused = post_checked(author_client, url, data, NEWS)
    if refused:
        assert NewsItem.objects.values_list("title", "text").get(pk=item.pk) == before


@example(comment="\x00", url="https://vk.com/\x00")  # PostgreSQL refuses NUL in text
@example(comment="Исправьте", url="https://vk.com/wall-1_" + "1" * 600)  # longer than the column
@FUZZ
@given(comment=text, url=links)
def test_news_review_actions_never_fail_on_any_input(client, tree, cast, comment, url):
    client.force_login(cast.territorial_admin)
    item = NewsItem.objects.create(
        organisation=tree.vao_p1,
        title="На проверке",
        text="Текст",
        reporting_month=dt.date(2024, 5, 1),
        status=NewsStatus.SUBMITTED,
    )
    post_checked(client, reverse("news:return", args=[item.pk]), {"comment": comment}, NEWS)
    item.status = NewsStatus.ACCEPTED
    item.save(update_fields=["status"])
    before = NewsItem.objects.values_list("status", "published_url").get(pk=item.pk)
    _response, refused = post_checked(client, reverse("news:publish", args=[item.pk]), {"url": url}, NEWS)
    if refused:
        assert NewsItem.objects.values_list("status", "published_url").get(pk=item.pk) == before


@FUZZ
@given(organisation=numbers, month=st.one_of(dates, st.sampled_from(["2024-05", "2024-13", "0000-01"])))
def test_month_reopen_form_never_fails_on_any_input(client, cast, organisation, month):
    client.force_login(cast.territorial_admin)
    post_checked(client, reverse("news:reopen"), {"organisation": organisation, "month": month}, NEWS)


@FUZZ
@given(reminders=checkbox, notices=checkbox, digest=checkbox)
def test_preferences_form_accepts_any_checkbox_values(author_client, reminders, notices, digest):
    post_checked(
        author_client,
        reverse("news:preferences"),
        {"reminders": reminders, "item_notices": notices, "digest": digest},
        NEWS,
    )


# --- contests -----------------------------------------------------------------------------------------

CONTESTS = (Contest, Criterion, Entry, Juror, JuryScore)


@pytest.fixture
def draft(tree, cast):
    return contest_services.contest_create(
        title="Черновик",
        scope=tree.union,
        level="territorial",
        period_start=dt.date(2018, 1, 1),
        period_end=dt.date(2018, 12, 31),
    )


@FUZZ
@given(
    template=st.sampled_from(["custom", "social_rating", "", "zzz"]),
    title=short_text,
    scope=st.one_of(st.just("union"), numbers),
    level=st.sampled_from(["", "territorial", "primary", "x"]),
    start=dates,
    end=dates,
    normalise=checkbox,
)
def test_contest_create_form_never_fails_on_any_input(
    info_client, tree, template, title, scope, level, start, end, normalise
):
    data = {
        "template": template,
        "title": title,
        "scope": str(tree.union.pk) if scope == "union" else scope,
        "level": level,
        "period_start": start,
        "period_end": end,
        "normalise_jury": normalise,
    }
    post_checked(info_client, reverse("contests:create"), data, CONTESTS)


@FUZZ
@given(title=short_text, start=dates, end=dates, nominations=text, normalise=checkbox)
def test_contest_edit_form_never_fails_on_any_input(info_client, draft, title, start, end, nominations, normalise):
    before = Contest.objects.values_list("title", "period_start", "period_end").get(pk=draft.pk)
    data = {
        "title": title,
        "period_start": start,
        "period_end": end,
        "nominations": nominations,
        "normalise_jury": normalise,
    }
    _response, refused = post_checked(info_client, reverse("contests:edit", args=[draft.pk]), data, CONTESTS)
    if refused:
        assert Contest.objects.values_list("title", "period_start", "period_end").get(pk=draft.pk) == before


@FUZZ
@given(
    rows=st.lists(
        st.tuples(
            numbers,
            short_text,
            st.sampled_from(["jury", "subscribers_end", "", "??"]),
            st.sampled_from(["linear", "rank", "", "?"]),
            numbers,
            numbers,
            checkbox,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_criteria_formset_never_fails_on_any_input(info_client, draft, rows):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    prefix = info_client.get(reverse("contests:criteria", args=[draft.pk])).context["formset"].prefix
    data = {key.replace("criteria", prefix): value for key, value in data.items()}
    for index, (position, name, source, rule, weight, max_points, delete) in enumerate(rows):
        data.update(
            {
                f"{prefix}-{index}-position": position,
                f"{prefix}-{index}-name": name,
                f"{prefix}-{index}-source": source,
                f"{prefix}-{index}-rule": rule,
                f"{prefix}-{index}-weight": weight,
                f"{prefix}-{index}-max_points": max_points,
            }
        )
        if delete:
            data[f"{prefix}-{index}-DELETE"] = delete
    post_checked(info_client, reverse("contests:criteria", args=[draft.pk]), data, CONTESTS, form_name="formset")


@FUZZ
@given(organisation=numbers, user=numbers)
def test_entry_and_juror_forms_never_fail_on_any_input(info_client, draft, organisation, user):
    post_checked(info_client, reverse("contests:entry_add", args=[draft.pk]), {"organisation": organisation}, CONTESTS)
    post_checked(info_client, reverse("contests:juror_add", args=[draft.pk]), {"user": user}, CONTESTS)


@FUZZ
@given(preamble=text, decisions=text)
def test_resolution_form_never_fails_on_any_input(info_client, draft, preamble, decisions):
    post_checked(
        info_client,
        reverse("contests:resolution", args=[draft.pk]),
        {"preamble": preamble, "decisions": decisions},
        CONTESTS,
    )


@example(points="5", other_points="1", abstain="", comment="\x00", stray_key="comment_x")
@example(points="5", other_points="NaN", abstain="", comment="", stray_key="points_²")
@FUZZ
@given(
    points=numbers,
    other_points=numbers,
    abstain=checkbox,
    comment=text,
    stray_key=st.sampled_from(["points_²", "points_99999999999999999999999", "comment_x", "abstain_-1"]),
)
def test_jury_scores_never_fail_and_are_all_or_nothing(
    client,
    fixed,
    points,
    other_points,
    abstain,
    comment,
    stray_key,
):
    juror = fixed.jurors["juror"]
    client.force_login(fixed.users["juror"])
    second = Criterion.objects.create(contest=fixed.contest, name="Второй", source="jury", max_points=5, position=3)
    entry = fixed.entries["ЗАО"]
    data = {
        f"points_{fixed.design.pk}": points,
        f"points_{second.pk}": other_points,
        f"abstain_{second.pk}": abstain,
        f"comment_{fixed.design.pk}": comment,
        stray_key: "1",
    }
    before = sorted(JuryScore.objects.filter(juror=juror).values_list("criterion_id", "points", "abstained", "comment"))
    _response, refused = post_checked(
        client, reverse("contests:jury_score", args=[fixed.contest.pk, entry.pk]), data, CONTESTS
    )
    if refused:
        after = JuryScore.objects.filter(juror=juror).values_list("criterion_id", "points", "abstained", "comment")
        assert sorted(after) == before
    second.delete()
