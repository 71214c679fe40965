"""`feed`: any RSS 0.9x, 1.0 or 2.0, or Atom feed — lab blogs, arXiv listings, Reddit, YouTube channels.

Parsed with feedparser from the bytes we fetched (so our limits apply, not its own
fetcher). Links resolve against the feed's final URL; an entry without an http(s) link
comes with none (gathering counts and skips it), and each item's kind is the source's
`kind` or guessed from its link.
The GitHub types read their Atom feeds through `read` and `entry_item` here.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ..errors import SourceError
from ..items import KINDS, Item, cited_once, guess_kind, is_web_link, item_key
from ..settings import SourceConfig
from ..text import plain_text
from . import rebased

if TYPE_CHECKING:
    from ..fetch import Fetcher, Response

TYPE = "feed"
REQUIRED = {"url": str}
OPTIONAL = {"kind": str, "base_url": str}

# An element's own base for the links inside it (`xml:base="…"`, or feedparser's `base="…"`).
_BASE = re.compile(rb"[\s:]base\s*=", re.I)
# arXiv's listings start each description with "arXiv:2311.15127v1 Announce Type: new Abstract:".
_ARXIV_PREAMBLE = re.compile(r"^arXiv:\S+\s+Announce Type:\s*\S+\s+Abstract:\s*", re.I)


def check(options: dict[str, Any]) -> None:
    if urlsplit(options["url"]).scheme not in ("http", "https", "file"):
        raise ValueError(f"'url' must be an http(s) address, not {options['url']!r}")
    if "kind" in options and options["kind"] not in KINDS:
        raise ValueError(f"'kind' must be one of {', '.join(KINDS)}, not {options['kind']!r}")


def links(options: dict[str, Any]) -> tuple[str | None, str]:
    """The feed a reader can subscribe to, and the page to visit: a YouTube channel, or the feed's site."""
    url = options["url"]
    channel = re.search(r"youtube\.com/feeds/videos\.xml\?channel_id=([\w-]+)", url)
    if channel:
        return url, f"https://www.youtube.com/channel/{channel[1]}"
    parts = urlsplit(url)
    return url, f"{parts.scheme}://{parts.netloc}/"


def gather(source: SourceConfig, fetcher: Fetcher) -> list[Item]:
    parsed, base = fetch(fetcher, source.options["url"], source.options)
    return [entry_item(entry, base=base, source=source) for entry in parsed.entries]


def fetch(fetcher: Fetcher, public_url: str, options: dict[str, Any], *, allow_empty: bool = False) -> tuple[Any, str]:
    """A feed asked at its mirror when the source has a `base_url`, its links resolving as on the public site."""
    base_url = options.get("base_url")
    return read(fetcher.get(rebased(public_url, base_url)), allow_empty=allow_empty,
                public_url=public_url if base_url else None)


def read(response: Response, *, allow_empty: bool = False, public_url: str | None = None) -> tuple[Any, str]:
    """The parsed feed, and the address its relative links resolve against; SourceError if it is no feed.

    Links resolve against `public_url` when given: a feed read from a mirror links to the original site.
    """
    import feedparser  # here, not above: a site build lists the sources without reading a feed

    fetched_over_http = response.url.startswith(("http:", "https:"))
    location = public_url or (response.url if fetched_over_http else "")
    try:
        # Every text a feed gives becomes plain text (`plain_text`), so feedparser's HTML
        # sanitizing and link rewriting inside that HTML would be a third of its work for nothing.
        # Nor is it told the feed's address unless the feed sets an `xml:base`: it would join
        # the address with itself at every element (a tenth of a gather's time), and links
        # resolve against it in `entry_item` anyway.
        declared = _BASE.search(response.body) is not None
        parsed = feedparser.parse(
            response.body, sanitize_html=False, resolve_relative_uris=False,
            response_headers={"content-location": location if declared else "",
                              "content-type": response.headers.get("content-type", "")},
        )
    except ValueError as error:  # feedparser lets some broken declarations through (an encoding named "\0")
        raise SourceError(f"not a feed: {error}") from None
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        raise SourceError(f"not a feed: {_what_came_instead(response.body, parsed)}")
    if not parsed.entries and not allow_empty:
        raise SourceError("the feed has no entries")
    # A local copy of a feed resolves its relative links like the original, from its self link.
    return parsed, location or _self_link(parsed.feed) or response.url


def _what_came_instead(body: bytes, parsed: Any) -> str:
    """A short answer in plain words is quoted (arXiv answers 200 with "Rate exceeded.")."""
    text = plain_text(body[:300].decode("utf-8", "replace"))
    if text and len(body) < 300 and not body.lstrip().startswith(b"<"):
        return f"the server said {text[:120]!r}"
    # The parser's words are plain text: "<unknown>:8:15: undefined entity" keeps its place in the file.
    return " ".join(str(parsed.get("bozo_exception") or "no RSS or Atom in the response").split())[:120]


def _self_link(feed: Any) -> str:
    return next((link.get("href", "") for link in feed.get("links", []) if link.get("rel") == "self"), "")


def entry_item(entry: Any, *, base: str, source: SourceConfig, kind: str | None = None) -> Item:
    """An entry as an item; its url is empty when it has no web link (never the feed's own address)."""
    url = _web_link(entry.get("link", ""), base)
    declared = kind or source.options.get("kind")
    text = " ".join([str(entry.get("summary", "")), *(str(part.get("value", "")) for part in entry.get("content", []))])
    return Item(
        url=url,
        title=plain_text(entry.get("title", "")) or url,
        source=source.name,
        kind=declared or (guess_kind(url) if url else "article"),
        published=entry_date(entry),
        summary=_ARXIV_PREAMBLE.sub("", plain_text(entry.get("summary", ""))),
        authors=_authors(entry),
        tags=tuple(term for t in entry.get("tags", []) if (term := plain_text(t.get("term") or ""))),
        links_to=() if item_key(url).startswith("arxiv:") else cited_once(
            text, f"cites it in {'its release notes' if declared == 'release' else 'the entry'}"),
    )


def _web_link(link: str, base: str) -> str:
    link = link.strip()
    if not link:
        return ""  # urljoin would make it the feed's own address
    try:
        url = urljoin(base, link)
    except ValueError:  # a link Python cannot even parse ("https://[") is no web link
        return ""
    return url if is_web_link(url) else ""


def _authors(entry: Any) -> tuple[str, ...]:
    names = [name for author in entry.get("authors", []) if (name := plain_text(author.get("name", "")))]
    # arXiv (and other dc:creator feeds) put every author in one "A, B, C and D" string.
    if len(names) == 1 and names[0].count(",") >= 2:
        names = [name.strip() for name in re.split(r",\s*(?:and\s+)?|\s+and\s+", names[0]) if name.strip()]
    return tuple(names)


def entry_date(entry: Any, *, revised: bool = False) -> datetime | None:
    """When the entry was published, or when it was last revised (arXiv's `updated` of a paper's newest version)."""
    # Read the dict itself: feedparser's get() maps a missing `published` to `updated` with a warning.
    fields = ("updated_parsed", "published_parsed") if revised else ("published_parsed", "updated_parsed")
    parsed = dict.get(entry, fields[0]) or dict.get(entry, fields[1])
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc) if parsed else None
