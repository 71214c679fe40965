"""Plain text out of untrusted markup, and Markdown that cannot turn back into markup.

Sources hand us HTML from the internet. Nothing of it reaches the draft as markup:
it is reduced to plain text here, and written into Markdown with every character that
could open a tag, a link, an attribute list or a block escaped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote

import nh3

_SPACE = re.compile(r"\s+")
# Block boundaries become spaces, so "<h2>New</h2><p>This" reads "New This", not "NewThis".
_BLOCK_TAG = re.compile(r"<(?:br|/?(?:p|div|h[1-6]|li|ul|ol|tr|td|th|blockquote|pre|section|article))\b[^>]*>", re.I)
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
# Characters that start a block (heading, quote, list, rule, definition, table) at a line's start.
_LINE_START = re.compile(r"^([#>+\-*_=:|~]|\d+[.)])")
# Characters that, anywhere in a line, make links, images, attribute lists or raw HTML.
_INLINE = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]", "{": "\\{", "}": "\\}",
                         "`": "\\`", "<": "&lt;", ">": "&gt;"})


def plain_text(markup: str) -> str:
    """The readable text of an HTML fragment: tags, scripts and styles gone, entities decoded, one line."""
    if not markup:
        return ""
    cleaned = nh3.clean(_BLOCK_TAG.sub(" ", markup), tags=set())
    return _SPACE.sub(" ", html.unescape(cleaned)).strip()


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def markdown_text(text: str) -> str:
    """Plain text made safe to write into a Markdown line: it renders as the same text, nothing more.

    Line breaks become spaces: a second line could start a heading, a list or a quote.
    """
    escaped = _ENTITY_LIKE.sub("&amp;", _SPACE.sub(" ", text).strip()).translate(_INLINE)
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    mark = match[0]
    if mark[0].isdigit():
        return f"{mark[:-1]}\\{mark[-1]}"  # "1\." is text, "1." starts a list
    if mark in "=:|~":
        return f"&#{ord(mark)};"  # no backslash escape exists for these
    return f"\\{mark}"


def inert(text: str, *, limit: int = 300, in_table: bool = False) -> str:
    """A server's words for a pull request's body, shown exactly and doing nothing: a code span.

    GitHub links nothing inside code (no autolinks, @mentions or #references), and no run of
    backticks in the text can close the span, which is longer than any. Control and format
    characters (bidirectional overrides among them) go, white space is folded, and the text
    is cut to `limit`. In a table, `|` is escaped, which GitHub undoes inside the span.
    """
    text = "".join(char for char in " ".join(text.split()) if unicodedata.category(char) not in ("Cc", "Cf"))
    text = shorten(text, limit)
    if not text:
        return ""
    if in_table:
        text = text.replace("|", "\\|")
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def markdown_url(url: str) -> str:
    """A URL percent-encoded so it cannot end a Markdown link or break out of an attribute."""
    return quote(url, safe=":/?#@!$&*+,;=%~-._[]")
