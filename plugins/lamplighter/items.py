"""The one record every stage passes on: sources make items, curation ranks them, the draft writes them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

# Sections of the draft, in the order they appear.
KINDS = ("paper", "code", "model", "release", "article", "video", "discussion")

# New-style ids (2403.03206) and old-style ones (astro-ph/0601001, math.GT/0309136).
ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})"
ARXIV_LINK = re.compile(
    rf"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/{ARXIV_ID}(?:v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True)
class Item:
    """One link a source offers for the issue. Every text field is plain text, never markup."""

    url: str
    title: str
    source: str
    kind: str = "article"
    published: datetime | None = None
    summary: str = ""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return item_key(self.url)


def item_key(url: str) -> str:
    """The identity of a link: a paper's arXiv id, otherwise its URL without the parts that vary."""
    paper = ARXIV_LINK.match(url.strip())
    if paper:
        return f"arxiv:{paper['id']}"
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    key = host + (parts.path.rstrip("/") or "")
    return f"{key}?{parts.query}" if parts.query else key


def is_web_link(url: str) -> bool:
    """Whether a link can go in an issue: http(s) to a named host, nothing else."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def guess_kind(url: str) -> str:
    """The medium a link points at, from its address alone; sources that know better say so."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if ARXIV_LINK.match(url) or host in ("huggingface.co", "hf.co") and "/papers/" in url:
        return "paper"
    if host in ("youtube.com", "youtu.be", "m.youtube.com", "vimeo.com"):
        return "video"
    if host in ("github.com", "gitlab.com", "codeberg.org"):
        return "release" if "/releases/" in url else "code"
    if host in ("reddit.com", "old.reddit.com", "news.ycombinator.com"):
        return "discussion"
    return "article"
