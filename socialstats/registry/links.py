"""Recognise a social page from whatever a person pastes: network, handle, numeric id, canonical link.

`link_parse("vk.com/public123")` → `PageLink(network="vk", handle="club123", external_id="123",
url="https://vk.com/club123")`. A link that is not a page of an organisation (a personal profile, a post,
an invitation, an unknown site) raises `LinkNotRecognised` with a message saying why.

The handle is the canonical path after the host, lower-cased where the network ignores case; together with
the network it is what makes a page unique in the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _

from ..models import Network


class LinkNotRecognised(ValueError):
    """The text is not a link to a page the registry can hold; the message says why."""


@dataclass(frozen=True)
class PageLink:
    network: str
    handle: str
    url: str
    external_id: str = ""


HOSTS = {
    "vk.com": Network.VK,
    "vk.ru": Network.VK,
    "vkontakte.ru": Network.VK,
    "t.me": Network.TELEGRAM,
    "telegram.me": Network.TELEGRAM,
    "telegram.dog": Network.TELEGRAM,
    "ok.ru": Network.OK,
    "odnoklassniki.ru": Network.OK,
    "facebook.com": Network.FACEBOOK,
    "fb.com": Network.FACEBOOK,
    "instagram.com": Network.INSTAGRAM,
    "youtube.com": Network.YOUTUBE,
    "youtu.be": Network.YOUTUBE,
    "rutube.ru": Network.RUTUBE,
    "dzen.ru": Network.DZEN,
    "zen.yandex.ru": Network.DZEN,
}
_HOST_PREFIXES = ("www.", "m.", "mobile.", "new.")

_VK_NAME = re.compile(r"^[a-z0-9_.]{2,100}$")
_VK_COMMUNITY_ID = re.compile(r"^(club|public|event)(\d+)$")
_VK_CONTENT = re.compile(r"^(wall|photo|video|clip|topic|album|board|market|story|doc|note|poll|podcast)-?\d+(_\d+)?$")
_VK_RESERVED = {
    "feed", "im", "friends", "groups", "search", "video", "audio", "music", "photos", "apps", "games",
    "settings", "login", "away.php", "docs", "market", "services", "support", "id", "wall", "write",
}  # fmt: skip
_TG_NAME = re.compile(r"^[a-z][a-z0-9_]{3,31}$")
_TG_RESERVED = {"joinchat", "addstickers", "share", "proxy", "socks", "c", "iv", "login", "setlanguage"}
_OK_NAME = re.compile(r"^[a-z0-9_.\-]{2,100}$")
_OK_RESERVED = {"feed", "video", "music", "games", "profile", "messages", "friends", "groups", "search", "dk"}
_FB_NAME = re.compile(r"^[a-z0-9_.\-]{2,100}$")
_FB_CONTENT = {"posts", "photos", "videos", "permalink.php", "photo.php", "story.php", "watch", "events", "reel"}
_FB_RESERVED = {"profile.php", "people", "login", "home.php", "search", "sharer", "sharer.php", "share"} | _FB_CONTENT
_IG_NAME = re.compile(r"^[a-z0-9_.]{1,30}$")
_IG_CONTENT = {"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct"}
_YT_TABS = {"videos", "featured", "streams", "shorts", "about", "playlists", "community", "podcasts", "live"}
_YT_CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_\-]{22}$")
_YT_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
_RUTUBE_NAME = re.compile(r"^[a-z0-9_\-]{1,100}$")
_DZEN_NAME = re.compile(r"^[a-z0-9_.\-]{2,100}$")
_DZEN_ID = re.compile(r"^[0-9a-f]{24}$")


def _refuse(message: str) -> LinkNotRecognised:
    return LinkNotRecognised(message)


def _post_link() -> LinkNotRecognised:
    return _refuse(_("This is a link to a post or a video, not to the page itself; paste the page's address."))


def _empty_handle(network_label: str) -> LinkNotRecognised:
    return _refuse(
        _("The link leads to %(network)s but names no page; paste the address of the page.")
        % {"network": network_label}
    )


def _bad_name(name: str) -> LinkNotRecognised:
    return _refuse(_("«%(name)s» is not a valid page name on this network.") % {"name": name})


# The lengths of SocialPage.url, .handle and .external_id: a longer link is no page address.
MAX_URL, MAX_HANDLE, MAX_EXTERNAL_ID = 500, 200, 64


def link_parse(text: str) -> PageLink:
    """Recognise the network and the page; raise LinkNotRecognised with the reason when it cannot."""
    link = _link_parse(text)
    if len(link.url) > MAX_URL or len(link.handle) > MAX_HANDLE or len(link.external_id) > MAX_EXTERNAL_ID:
        raise _refuse(_("The link is too long to be a page's address."))
    return link


def _link_parse(text: str) -> PageLink:
    raw = (text or "").strip()
    if not raw:
        raise _refuse(_("The link is empty."))
    if raw.startswith("@"):
        return _telegram([raw[1:]])
    if re.match(r"^[a-z][a-z0-9+.\-]*://", raw, flags=re.IGNORECASE) is None:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError as error:  # "Invalid IPv6 URL" for a stray "[", and the like
        raise _refuse(_("«%(text)s» is not a link.") % {"text": text.strip()}) from error
    if parts.scheme.lower() not in ("http", "https"):
        raise _refuse(_("Only web links (http or https) can be recognised."))
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    network = HOSTS.get(host)
    if network is None:
        if not host or "." not in host:
            raise _refuse(_("«%(text)s» is not a link.") % {"text": text.strip()})
        raise _refuse(
            _(
                "The site %(host)s is not a social network the portal knows "
                "(VK, Telegram, OK, Facebook, Instagram, YouTube, Rutube, Dzen)."
            )
            % {"host": host}
        )
    segments = [segment for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    if host == "youtu.be":
        raise _post_link()
    parse = {
        Network.VK: _vk,
        Network.TELEGRAM: _telegram,
        Network.OK: _ok,
        Network.FACEBOOK: lambda segs: _facebook(segs, query),
        Network.INSTAGRAM: _instagram,
        Network.YOUTUBE: _youtube,
        Network.RUTUBE: _rutube,
        Network.DZEN: _dzen,
    }[network]
    return parse(segments)


def _vk(segments: list[str]) -> PageLink:
    if not segments:
        raise _empty_handle(Network.VK.label)
    name = segments[0].lower()
    if len(segments) > 1 or _VK_CONTENT.match(name):
        raise _post_link()
    if re.match(r"^id\d+$", name):
        raise _refuse(
            _("«%(name)s» is a person's VK profile, not a community; paste the address of the group or public page.")
            % {"name": name}
        )
    matched = _VK_COMMUNITY_ID.match(name)
    if matched:
        group_id = str(int(matched.group(2)))
        if group_id == "0":
            raise _bad_name(name)
        return PageLink(Network.VK, f"club{group_id}", f"https://vk.com/club{group_id}", group_id)
    if name in _VK_RESERVED or name.endswith(".php"):
        raise _refuse(_("«%(name)s» is a VK service page, not a community.") % {"name": name})
    if not _VK_NAME.match(name):
        raise _bad_name(segments[0])
    return PageLink(Network.VK, name, f"https://vk.com/{name}")


def _telegram(segments: list[str]) -> PageLink:
    if segments and segments[0].lower() == "s":
        segments = segments[1:]
    if not segments or not segments[0]:
        raise _empty_handle(Network.TELEGRAM.label)
    name = segments[0].lower()
    if name.startswith("+") or name in ("joinchat",):
        raise _refuse(
            _("This is an invitation to a private chat; the portal counts only public channels with a @name.")
        )
    if name in _TG_RESERVED:
        raise _refuse(_("«%(name)s» is a Telegram service link, not a channel.") % {"name": name})
    if len(segments) > 1:
        raise _post_link()
    if not _TG_NAME.match(name):
        raise _bad_name(segments[0])
    return PageLink(Network.TELEGRAM, name, f"https://t.me/{name}")


def _ok(segments: list[str]) -> PageLink:
    if not segments:
        raise _empty_handle(Network.OK.label)
    first = segments[0].lower()
    if first == "group":
        if len(segments) < 2 or not segments[1].isdigit():
            raise _empty_handle(Network.OK.label)
        if len(segments) > 2:
            raise _post_link()
        group_id = str(int(segments[1]))
        return PageLink(Network.OK, f"group/{group_id}", f"https://ok.ru/group/{group_id}", group_id)
    if first == "profile":
        raise _refuse(_("This is a person's OK profile, not a group; paste the address of the group."))
    if first in _OK_RESERVED:
        raise _refuse(_("«%(name)s» is an OK service page, not a group.") % {"name": first})
    if re.match(r"^group\d+$", first):
        group_id = first[len("group") :]
        return PageLink(Network.OK, f"group/{group_id}", f"https://ok.ru/group/{group_id}", group_id)
    if len(segments) > 1:
        raise _post_link()
    if not _OK_NAME.match(first):
        raise _bad_name(segments[0])
    return PageLink(Network.OK, first, f"https://ok.ru/{first}")


def _facebook(segments: list[str], query: dict[str, list[str]]) -> PageLink:
    if not segments:
        raise _empty_handle(Network.FACEBOOK.label)
    first = segments[0].lower()
    if first == "profile.php":
        raise _refuse(_("This is a person's Facebook profile, not a page or a group."))
    if first == "groups":
        if len(segments) < 2:
            raise _empty_handle(Network.FACEBOOK.label)
        if len(segments) > 2:
            raise _post_link()
        name = segments[1].lower()
        if not _FB_NAME.match(name):
            raise _bad_name(segments[1])
        return PageLink(Network.FACEBOOK, f"groups/{name}", f"https://www.facebook.com/groups/{name}")
    if first in _FB_RESERVED:
        raise _post_link() if first in _FB_CONTENT else _refuse(_("This is not a Facebook page or group."))
    if len(segments) > 1:
        raise _post_link()
    if not _FB_NAME.match(first):
        raise _bad_name(segments[0])
    return PageLink(Network.FACEBOOK, first, f"https://www.facebook.com/{first}")


def _instagram(segments: list[str]) -> PageLink:
    if not segments:
        raise _empty_handle(Network.INSTAGRAM.label)
    first = segments[0].lower()
    if first in _IG_CONTENT or len(segments) > 1:
        raise _post_link()
    if not _IG_NAME.match(first):
        raise _bad_name(segments[0])
    return PageLink(Network.INSTAGRAM, first, f"https://www.instagram.com/{first}")


def _youtube(segments: list[str]) -> PageLink:
    if not segments:
        raise _empty_handle(Network.YOUTUBE.label)
    first = segments[0]
    rest = segments[1:]
    if first.startswith("@"):
        name = first[1:].lower()
        if not name or not _YT_NAME.match(name):
            raise _empty_handle(Network.YOUTUBE.label) if not name else _bad_name(first)
        if rest and rest[0].lower() not in _YT_TABS:
            raise _post_link()
        return PageLink(Network.YOUTUBE, f"@{name}", f"https://www.youtube.com/@{name}")
    kind = first.lower()
    if kind in ("channel", "c", "user"):
        if not rest:
            raise _empty_handle(Network.YOUTUBE.label)
        name = rest[0]
        if len(rest) > 1 and rest[1].lower() not in _YT_TABS:
            raise _post_link()
        if kind == "channel":
            if not _YT_CHANNEL_ID.match(name):
                raise _bad_name(name)
            return PageLink(Network.YOUTUBE, f"channel/{name}", f"https://www.youtube.com/channel/{name}", name)
        if not _YT_NAME.match(name):
            raise _bad_name(name)
        name = name.lower()
        return PageLink(Network.YOUTUBE, f"{kind}/{name}", f"https://www.youtube.com/{kind}/{name}")
    if kind in ("watch", "shorts", "playlist", "live", "embed", "results", "feed"):
        raise _post_link()
    raise _refuse(_("Paste the address of the YouTube channel: youtube.com/@name or youtube.com/channel/…"))


def _rutube(segments: list[str]) -> PageLink:
    if not segments:
        raise _empty_handle(Network.RUTUBE.label)
    kind = segments[0].lower()
    if kind == "channel":
        if len(segments) < 2 or not segments[1].isdigit():
            raise _empty_handle(Network.RUTUBE.label)
        if len(segments) > 2 and segments[2].lower() not in _YT_TABS:
            raise _post_link()
        channel_id = str(int(segments[1]))
        return PageLink(Network.RUTUBE, f"channel/{channel_id}", f"https://rutube.ru/channel/{channel_id}/", channel_id)
    if kind == "u":
        if len(segments) < 2:
            raise _empty_handle(Network.RUTUBE.label)
        name = segments[1].lower()
        if not _RUTUBE_NAME.match(name):
            raise _bad_name(segments[1])
        return PageLink(Network.RUTUBE, f"u/{name}", f"https://rutube.ru/u/{name}/")
    if kind in ("video", "shorts", "play", "live"):
        raise _post_link()
    raise _refuse(_("Paste the address of the Rutube channel: rutube.ru/channel/123 or rutube.ru/u/name"))


def _dzen(segments: list[str]) -> PageLink:
    if segments and segments[0].lower() == "media":
        segments = segments[1:]
    if not segments:
        raise _empty_handle(Network.DZEN.label)
    first = segments[0].lower()
    if first in ("a", "b", "video", "shorts", "news", "articles"):
        raise _post_link()
    if first == "id":
        if len(segments) < 2 or not _DZEN_ID.match(segments[1].lower()):
            raise _empty_handle(Network.DZEN.label)
        if len(segments) > 2:
            raise _post_link()
        channel_id = segments[1].lower()
        return PageLink(Network.DZEN, f"id/{channel_id}", f"https://dzen.ru/id/{channel_id}", channel_id)
    if len(segments) > 1:
        raise _post_link()
    if not _DZEN_NAME.match(first):
        raise _bad_name(segments[0])
    return PageLink(Network.DZEN, first, f"https://dzen.ru/{first}")
