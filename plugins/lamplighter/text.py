"""Plain text out of untrusted markup, and Markdown that cannot turn back into markup.

Sources hand us HTML from the internet. Nothing of it reaches the draft as markup:
it is reduced to plain text here, and written into Markdown with every character that
could open a tag, a link, an attribute list or a block escaped.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote

import nh3

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

_SPACE = re.compile(r"\s+")
# Where a block ends, the text goes on after a space: "<p>New</p><p>This" reads "New This".
_BLOCK_TAG = re.compile(r"<(?:br|/?(?:p|div|ul|ol|table|blockquote|pre|section|article))\b[^>]*>", re.I)
# Headings and list items are sentences of their own: "<h2>New pipelines</h2>This release" reads
# "New pipelines. This release", not "New pipelines This release".
_SENTENCE_TAG = re.compile(r"</?(?:h[1-6]|li|dt|dd|tr|caption|summary)\b[^>]*>", re.I)
_SENTENCE_BREAK = "\x1e"  # a control character: a source's own would only end a sentence
_CONTROL = re.compile(r"[\x00-\x1d\x1f\x7f-\x9f]")
_SENTENCE_END = ".!?:;…"
# Characters that change the direction of the text around them: a title could reorder what follows it.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = str.maketrans(dict.fromkeys(map(ord, _BIDI_CONTROLS + "\ufeff\u200b\u00ad"), None))
# TeX math as arXiv titles and abstracts write it, by pandoc's rule for `$`: the opening `$` is
# followed by a non-space, the closing one follows a non-space and no digit follows it, so
# "$20 and $30" is money, not math. `\(…\)` is math too.
# Bounded, so that a hostile text of a million "\\(" costs no more than reading it.
_MATH = re.compile(r"\$(?=\S)(?P<dollar>(?:[^$\\]|\\.){1,300}?)(?<=\S)\$(?!\d)|\\\((?P<paren>.{1,300}?)\\\)", re.S)
# Outside math, only LaTeX that cannot be anything else: text macros with braces ("\\emph{…}")
# and accents ("Schr\\"odinger", "{\\'e}").
_TEXT_MACRO = re.compile(r"\\(?:[a-zA-Z]{1,30}\{[^{}$]{0,300}\}|['\"^`~=.][a-zA-Z]|['\"^`~=.]\{[a-zA-Z]\})|\{\\['\"^`~=.][a-zA-Z]\}")
_SCRIPT = re.compile(r"(?P<mark>[_^])(?:\{(?P<group>[^{}]*)\}|(?P<one>[A-Za-z0-9+\-=()]))")
_SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SUPERSCRIPTS = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
                         "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ"))
# An HTML text's pieces: code and preformatted blocks whole, tags, and the text between them.
_HTML_PIECE = re.compile(r"(?P<code><(code|pre)\b.*?</(?:code|pre)>)|(?P<tag><[^>]*>)|(?P<text>[^<]+)", re.S | re.I)
MAX_TEX = 200  # TeX pieces converted in one text: an abstract has a few dozen, a hostile one a million
logging.getLogger("pylatexenc").setLevel(logging.ERROR)  # it warns of a macro it cannot expand; we keep the text
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
# Characters that start a block (heading, quote, list, rule, definition, table) at a line's start.
_LINE_START = re.compile(r"^([#>+\-*_=:|~]|\d+[.)])")
# Characters that, anywhere in a line, make links, images, attribute lists or raw HTML.
_INLINE = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]", "{": "\\{", "}": "\\}",
                         "`": "\\`", "<": "&lt;", ">": "&gt;"})


def plain_text(markup: str) -> str:
    """The readable text of what a source sent, in one line; the one place source text is cleaned.

    In this order: entities are decoded (so escaped markup is markup, never shown as
    `<a href…>`); markup goes, scripts and styles with their content, headings and list
    items ending as sentences; control characters and those that reorder text go; TeX
    becomes Unicode ("PixArt-$\\alpha$" reads "PixArt-α"); white space is folded.
    """
    if not markup:
        return ""
    text = _MATH.sub(lambda math: html.escape(math[0], quote=False), html.unescape(markup))  # "$k<n$" is no tag
    text = _SENTENCE_TAG.sub(_SENTENCE_BREAK, _BLOCK_TAG.sub(" ", text))
    text = html.unescape(nh3.clean(text, tags=set()))  # nh3 escapes the text it keeps: undo that, once
    text = _sentences(_CONTROL.sub(" ", text).translate(_INVISIBLE))
    return _SPACE.sub(" ", _without_tex(text)).strip()


def _sentences(text: str) -> str:
    parts = [part.strip() for part in text.split(_SENTENCE_BREAK)]
    parts = [part for part in parts if part]
    return " ".join(part if index == len(parts) - 1 or part[-1] in _SENTENCE_END else f"{part}."
                    for index, part in enumerate(parts))


def math_in_html(markup: str) -> str:
    """An HTML page's TeX ("PixArt-$\\alpha$" an editor typed) as the Unicode a reader would write; code stays TeX."""
    if "$" not in markup and "\\" not in markup:
        return markup
    return _HTML_PIECE.sub(lambda piece: html.escape(_without_tex(html.unescape(piece[0])), quote=False)
                           if piece.lastgroup == "text" else piece[0], markup)


def _without_tex(text: str) -> str:
    """TeX math and LaTeX text macros as the Unicode a reader would write; other text as it is."""
    if "$" not in text and "\\" not in text:
        return text
    text = _MATH.sub(lambda math: _tex_to_text(math["dollar"] or math["paren"]), text, count=MAX_TEX)
    return _TEXT_MACRO.sub(lambda macro: _tex_to_text(macro[0]), text, count=MAX_TEX)


@cache
def _latex() -> LatexNodes2Text:
    """The converter, made when first asked: most issues hold no TeX, and the import slows every build's start."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def _tex_to_text(tex: str) -> str:
    try:
        text = _latex().latex_to_text(_SCRIPT.sub(_script, tex))
    except Exception:  # pylatexenc is lenient, but a converter must never cost the title
        return tex
    return " ".join(text.split()) or tex


def _script(match: re.Match[str]) -> str:
    """"x_t" as "xₜ" and "n^2" as "n²" where Unicode has every character; "x_{t-1}" as "x_(t-1)" where not."""
    body = match["group"] if match["group"] is not None else match["one"]
    table = _SUBSCRIPTS if match["mark"] == "_" else _SUPERSCRIPTS
    if body and all(char in table for char in body):
        return "".join(table[char] for char in body)
    return f"{match['mark']}({body})" if len(body) > 1 else f"{match['mark']}{body}"


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
