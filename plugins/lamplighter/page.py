"""What an issue's page shows readers, made from its rendered HTML once, when the issue is read.

The editing guide goes; items the editor kept for later leave (and a section they
emptied); each item's sources and signals become a quieter line under its title; TeX
becomes Unicode. Done by the reader, so Pelican's content cache keeps the result and an
unchanged rebuild does none of it again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pelican.settings import DEFAULT_CONFIG

from . import draft
from .text import math_in_html

if TYPE_CHECKING:
    from bs4 import Tag

# An item's first line, "[title](url) · sources", and the "— provenance" line under it when a description follows.
# "Text of a line up to </a>" is written [^<\n]*(?:<(?!/a>)[^<\n]*)*, not ((?!</a>)[^\n])*: the same
# text, without a lookahead at every character (several times faster on a 250-link issue).
_UNTIL_A, _UNTIL_P = r"[^<\n]*(?:<(?!/a>)[^<\n]*)*", r"[^<\n]*(?:<(?!/p>)[^<\n]*)*"
_ITEM_HEAD = re.compile(rf'(<li>\s*(?:<p>)?<a href="[^"]*">{_UNTIL_A}</a>) · ({_UNTIL_P})'
                        rf'(\n[ \t]*— {_UNTIL_P}(?=\n))?(\n[ \t]*— )?')  # Python-Markdown keeps the indent
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
# The editing guide in a draft is for the editor only: it never reaches a page or a feed.
_EDITING_GUIDE = re.compile(r"<!-- lamplighter:.*?-->\s*", re.DOTALL)
_LATER_MARK = re.compile(r"\[later\]", re.IGNORECASE)
_SITE_LINK = DEFAULT_CONFIG["INTRASITE_LINK_REGEX"]  # "{filename}…", "|filename|…"


def for_readers(html: str) -> str:
    """An issue's rendered HTML as its page, email and feeds show it."""
    return math_in_html(_with_quiet_sources(_without_later_items(_EDITING_GUIDE.sub("", html))))


def _without_later_items(html: str) -> str:
    """Items the editor kept for next week leave this issue's page, and a section they emptied goes too."""
    if not _LATER_MARK.search(html):  # rather than lower-casing the whole page
        return html
    from bs4 import BeautifulSoup  # here, not above: most builds have no such item, and bs4 costs each one 50 ms

    page = BeautifulSoup(html, "html.parser")
    for listing in page.find_all(["ul", "ol"], recursive=False):
        for item in listing.find_all("li", recursive=False):
            if draft.LATER.search(item.get_text().strip().split("\n", 1)[0]):
                item.decompose()
        if not listing.find("li"):
            heading = listing.find_previous_sibling()
            listing.decompose()
            if heading is not None and heading.name == "h2" and _is_empty_section(heading):
                heading.decompose()
    return str(page)


def _is_empty_section(heading: Tag) -> bool:
    after = heading.find_next_sibling()
    return after is None or after.name in ("h1", "h2")


def _with_quiet_sources(html: str) -> str:
    """An item's sources and signals become a quieter line of their own, between its title and its description.

    Only where the editor left the shape gathering wrote: text whose tags do not close
    within it is left as it is.
    """
    def quiet(match: re.Match[str]) -> str:
        said = match[2] + (match[3] or "")
        # Line breaks, not styles, so that feed readers and mail clients show the same three lines; the
        # dash that kept the description apart from the sources on one line is not needed on its own line.
        after = "<br>" if match[3] else "<br>\n" if match[4] else ""
        return f"{match[1]}<br>\n<small>{said}</small>{after}" if _balanced(said) else match[0]

    return _ITEM_HEAD.sub(quiet, html)


def _balanced(html: str) -> bool:
    if "<" not in html:
        return True
    open_tags: list[str] = []
    for closing, name, self_closing in _TAG_NAME.findall(html):
        if closing:
            if not open_tags or open_tags.pop() != name.lower():
                return False
        elif not self_closing and name.lower() not in ("br", "img", "wbr"):
            open_tags.append(name.lower())
    return not open_tags


def links_within_site(text: str, settings: dict) -> bool:
    """Whether `text` may hold a link Pelican resolves, such as `{filename}2026-W45.md`.

    Pelican's pattern for them (INTRASITE_LINK_REGEX, as Pelican reads it) finds none on
    most issues, yet takes a tenth of a millisecond to say so; its default one needs a `{`
    or a `|`, which `in` rules out a hundred times faster.
    """
    pattern = settings["INTRASITE_LINK_REGEX"]
    if pattern == _SITE_LINK and "{" not in text and "|" not in text:
        return False
    return re.search(pattern, text, re.X) is not None
