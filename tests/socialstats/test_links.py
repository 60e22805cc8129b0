"""Recognising pages from what people paste: every usual form, and the reasons a link is refused."""

from __future__ import annotations

import pytest

from socialstats.registry.links import LinkNotRecognised, link_parse

RECOGNISED = [
    # (pasted text, network, handle, numeric id, canonical url)
    ("https://vk.com/club123", "vk", "club123", "123", "https://vk.com/club123"),
    ("vk.com/public123", "vk", "club123", "123", "https://vk.com/club123"),
    ("http://vk.com/event77", "vk", "club77", "77", "https://vk.com/club77"),
    ("vk.com/somename", "vk", "somename", "", "https://vk.com/somename"),
    ("https://vk.com/SomeName/", "vk", "somename", "", "https://vk.com/somename"),
    ("https://m.vk.com/mgo_union", "vk", "mgo_union", "", "https://vk.com/mgo_union"),
    ("https://www.vk.com/mgo.union", "vk", "mgo.union", "", "https://vk.com/mgo.union"),
    ("vk.ru/club5", "vk", "club5", "5", "https://vk.com/club5"),
    ("https://vk.com/club123?w=wall-123_5", "vk", "club123", "123", "https://vk.com/club123"),
    ("  https://vk.com/club0123  ", "vk", "club123", "123", "https://vk.com/club123"),
    ("https://t.me/name_chan", "telegram", "name_chan", "", "https://t.me/name_chan"),
    ("@Name_Chan", "telegram", "name_chan", "", "https://t.me/name_chan"),
    ("t.me/s/name_chan", "telegram", "name_chan", "", "https://t.me/name_chan"),
    ("https://telegram.me/name_chan", "telegram", "name_chan", "", "https://t.me/name_chan"),
    ("https://ok.ru/group/123", "ok", "group/123", "123", "https://ok.ru/group/123"),
    ("ok.ru/group/0054321/", "ok", "group/54321", "54321", "https://ok.ru/group/54321"),
    ("https://ok.ru/group55", "ok", "group/55", "55", "https://ok.ru/group/55"),
    ("ok.ru/mgoprofsouz", "ok", "mgoprofsouz", "", "https://ok.ru/mgoprofsouz"),
    ("https://m.ok.ru/MgoProfsouz", "ok", "mgoprofsouz", "", "https://ok.ru/mgoprofsouz"),
    ("https://www.facebook.com/mgoprof", "facebook", "mgoprof", "", "https://www.facebook.com/mgoprof"),
    ("fb.com/groups/MgoYouth", "facebook", "groups/mgoyouth", "", "https://www.facebook.com/groups/mgoyouth"),
    ("https://instagram.com/mgo.prof/", "instagram", "mgo.prof", "", "https://www.instagram.com/mgo.prof"),
    ("https://www.youtube.com/@MgoProf", "youtube", "@mgoprof", "", "https://www.youtube.com/@mgoprof"),
    ("youtube.com/@mgoprof/videos", "youtube", "@mgoprof", "", "https://www.youtube.com/@mgoprof"),
    (
        "https://www.youtube.com/channel/UC1234567890abcdefghijkl",
        "youtube",
        "channel/UC1234567890abcdefghijkl",
        "UC1234567890abcdefghijkl",
        "https://www.youtube.com/channel/UC1234567890abcdefghijkl",
    ),
    ("https://rutube.ru/channel/2345/", "rutube", "channel/2345", "2345", "https://rutube.ru/channel/2345/"),
    ("https://dzen.ru/mgoprof", "dzen", "mgoprof", "", "https://dzen.ru/mgoprof"),
    (
        "https://dzen.ru/id/5f1a2b3c4d5e6f7a8b9c0d1e",
        "dzen",
        "id/5f1a2b3c4d5e6f7a8b9c0d1e",
        "5f1a2b3c4d5e6f7a8b9c0d1e",
        "https://dzen.ru/id/5f1a2b3c4d5e6f7a8b9c0d1e",
    ),
    ("https://zen.yandex.ru/media/mgoprof", "dzen", "mgoprof", "", "https://dzen.ru/mgoprof"),
]


@pytest.mark.parametrize(("text", "network", "handle", "external_id", "url"), RECOGNISED)
def test_usual_forms_are_recognised_with_network_handle_id_and_canonical_url(text, network, handle, external_id, url):
    link = link_parse(text)
    assert (link.network, link.handle, link.external_id, link.url) == (network, handle, external_id, url)


def test_the_canonical_url_is_recognised_as_the_same_page():
    for text, *_rest, url in RECOGNISED:
        first = link_parse(text)
        assert link_parse(url) == first


REFUSED = [
    # (pasted text, a word the Russian message must contain)
    ("", "пуст"),
    ("   ", "пуст"),
    ("https://vk.com/id123", "профиль"),
    ("https://vk.com/wall-123_456", "пост"),
    ("https://vk.com/photo-1_2", "пост"),
    ("https://vk.com/", "не указана"),
    ("https://vk.com/club123/extra", "пост"),
    ("https://vk.com/feed", "служебн"),
    ("https://t.me/", "не указана"),
    ("@", "не указана"),
    ("https://t.me/name_chan/123", "пост"),
    ("https://t.me/+AbCdEf123", "приглашение"),
    ("https://t.me/joinchat/AbCdEf", "приглашение"),
    ("@ab", "недопустимое"),
    ("https://ok.ru/profile/123", "профиль"),
    ("https://ok.ru/group/", "не указана"),
    ("https://www.facebook.com/profile.php?id=1", "профиль"),
    ("https://www.facebook.com/mgoprof/posts/123", "пост"),
    ("https://www.instagram.com/p/Cabc123/", "пост"),
    ("https://www.youtube.com/watch?v=abc", "пост"),
    ("https://youtu.be/abc", "пост"),
    ("https://rutube.ru/video/abc/", "пост"),
    ("https://dzen.ru/a/ZmVk", "пост"),
    ("https://example.org/union", "не знает"),
    ("ftp://vk.com/club1", "http"),
    ("просто текст", "не ссылка"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_unrecognised_links_are_refused_with_a_russian_reason(text, reason):
    with pytest.raises(LinkNotRecognised) as error:
        link_parse(text)
    assert reason in str(error.value).lower()
