"""Pure rules on plain data: a post link's canonical key, and how much a post's text resembles a news item.

Both are meant to be explained to a person: the key says which post a link points to whatever way it was
copied (mobile site, with or without https/www, a trailing slash, a wall opened over a group page), and the
score is the share of the post's words that the news item also has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

# A suggestion is shown when at least this share of the post's words are in the item, at least MIN_COMMON
# words are shared (a two-word post would otherwise match anything) and one of them is in the item's title
# (two items that share only a boilerplate sentence are not each other's posts).
MATCH_THRESHOLD = 0.4
MIN_COMMON = 3
# A word's stem: the word without its last two letters, at least MIN_WORD and at most STEM letters. Russian
# endings change with the case and the number («школа», «школы», «школе» → «школ»; «субботник»,
# «субботника» → «суббот»), the beginning stays. Words shorter than MIN_WORD letters are left out.
STEM = 6
MIN_WORD = 4

_HOST_ALIASES = {
    "vk.ru": "vk.com",
    "vkontakte.ru": "vk.com",
    "telegram.me": "t.me",
    "telegram.dog": "t.me",
    "odnoklassniki.ru": "ok.ru",
}
_VK_WALL = re.compile(r"^wall(-?\d+_\d+)(?!\d)")
_OK_TOPIC = re.compile(r"/topic/(\d+)$")
_WORD = re.compile(r"[a-zа-я0-9]+")

# Words that say nothing about what a news item is about (prepositions, conjunctions, the union's own words).
STOP_WORDS = frozenset(
    (
        "этот",
        "этого",
        "этой",
        "этом",
        "эти",
        "этих",
        "также",
        "которые",
        "который",
        "которая",
        "которое",
        "было",
        "были",
        "будет",
        "будут",
        "если",
        "чтобы",
        "когда",
        "после",
        "перед",
        "более",
        "менее",
        "очень",
        "всех",
        "всего",
        "свой",
        "своей",
        "своих",
        "наши",
        "наша",
        "наше",
        "профсоюз",
        "профсоюза",
        "профсоюзная",
        "профсоюзной",
        "профсоюзный",
        "организация",
        "организации",
        "первичная",
        "первичной",
        "территориальная",
        "территориальной",
        "новость",
        "новости",
    )
)


def post_key(url: str) -> str:
    """The canonical key of a post link: the same post gives the same key whichever way the link was copied.

    vk.com/wall-1_2, m.vk.com/wall-1_2 and vk.com/club1?w=wall-1_2 → "vk:wall-1_2";
    t.me/chan/5, t.me/s/chan/5 → "tg:chan/5"; ok.ru/group/1/topic/2, ok.ru/name/topic/2 → "ok:topic/2";
    anything else → host (no www./m.) and path, lower-case, without the query, fragment or trailing slash.
    An empty or unreadable link gives "".
    """
    text = (url or "").strip()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    host = _HOST_ALIASES.get(host, host)
    if not host:
        return ""
    path = re.sub(r"/+", "/", parts.path).rstrip("/")
    if host == "vk.com":
        opened = parse_qs(parts.query).get("w", [""])[0]
        for candidate in (opened, path.lstrip("/")):
            found = _VK_WALL.match(candidate)
            if found:
                return f"vk:wall{found.group(1)}"
    if host == "t.me":
        segments = [segment for segment in path.split("/") if segment]
        if segments and segments[0] == "s":
            segments = segments[1:]
        if len(segments) == 2 and segments[1].isdigit():
            return f"tg:{segments[0].lower()}/{segments[1]}"
    if host == "ok.ru":
        found = _OK_TOPIC.search(path)
        if found:
            return f"ok:topic/{found.group(1)}"
    return f"{host}{path.lower()}"


def key_tail(key: str) -> str:
    """The post number at the end of a key: narrows the posts a link is compared with in the database."""
    found = re.search(r"(\d+)$", key)
    return found.group(1) if found else ""


def stem(word: str) -> str:
    return word[: min(STEM, max(MIN_WORD, len(word) - 2))]


_STOP_STEMS = frozenset(stem(word) for word in STOP_WORDS)


def words(text: str) -> set[str]:
    """Normalised words of a text: lower case, «ё» as «е», words of MIN_WORD letters or more, stemmed,
    without the STOP_WORDS."""
    found = _WORD.findall((text or "").lower().replace("ё", "е"))
    return {stem(word) for word in found if len(word) >= MIN_WORD} - _STOP_STEMS


@dataclass(frozen=True)
class Match:
    score: float  # share of the post's words found in the item, 0..1
    common: int  # how many words they share
    post_words: int  # how many words the post has
    title_common: int = 0  # how many of the shared words are in the item's title

    @property
    def is_suggestion(self) -> bool:
        return self.common >= MIN_COMMON and self.score >= MATCH_THRESHOLD and self.title_common > 0

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def similarity(item_words: set[str], post_text: str, title_words: set[str] | None = None) -> Match:
    """How much a post resembles an item: |words of the post ∩ words of the item| ÷ |words of the post|.
    `item_words` are the words of the title and the text; `title_words` those of the title alone."""
    post = words(post_text)
    shared = post & item_words
    title_common = len(shared & title_words) if title_words is not None else len(shared)
    return Match(len(shared) / len(post) if post else 0.0, len(shared), len(post), title_common)
