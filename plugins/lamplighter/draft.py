"""The weekly draft: a Markdown file the editor owns, which gathering only ever adds to.

Each gathered item is one top-level list item whose first line holds `[title](url)`;
the editor's note goes in the item's indented lines below it. The draft is read as a
CommonMark renderer reads it (markdown-it-py's block parser, with its line ranges), so a
list in a comment, a fence, a quote or a table is the editor's text, not an item; only
the merge rule is ours. Merging never rewrites a line the editor has: it finds the keys
already present and inserts only new items, after the last item of their section (or in
a new section, placed in `KINDS` order), with the file's own line endings. Items the
editor deleted are remembered in the record beside the draft, so they stay out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

from .errors import StateError
from .items import KINDS, Item, is_web_link, item_key, reading_minutes, update_key
from .text import markdown_text, markdown_url, shorten
from .weeks import parse_week, week_days, week_label

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

SECTION_TITLES = {
    "update": "Updates", "paper": "Papers", "code": "Code", "model": "Models", "release": "Releases",
    "article": "Articles", "video": "Videos", "discussion": "Discussions",
}
SECTION_KINDS = {title.lower(): kind for kind, title in SECTION_TITLES.items()}
SUMMARY_LIMIT = 300
CARRIED_OVER = "Carried over"
# Ends the first line of an item the editor wants in next week's issue instead; it never
# reaches this week's page. Plain text, so the guide can name it inside its own comment.
LATER = re.compile(r"[ \t]+\[later\][ \t]*$", re.IGNORECASE)

HEADER_COMMENT = """\
<!-- lamplighter: how to edit this draft (this comment never reaches the site)
  - Each link is one list item: its first line holds [title](url), then a short description.
  - Write your note for an item under it, after a blank line, indented by four spaces.
  - Delete an item's list item to drop it: gathering again will not bring it back.
  - To keep an item for next week instead, end its first line with [later]: it stays
    off this issue's page and moves, with your note, to next week's draft.
  - Everything else you write (an introduction here, a closing at the end) is yours;
    gathering again only adds new items and never changes a line you wrote.
  - "Reading-time" is the estimate for every item here; gathering keeps it up to date.
  - To publish, change "Status: draft" to "Status: published".
-->"""

LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]+)")
_METADATA = re.compile(r"^([A-Za-z][\w-]*):[ \t]*(.*)$")
STATUSES = ("draft", "published", "hidden")


@cache
def _markdown() -> MarkdownIt:
    """CommonMark, with the tables the site renders: the draft is read as a renderer reads it.

    Made when first asked: a site build reads most issues without it, and importing it takes
    about 10 ms of every build's start.
    """
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark").enable("table")
    # Every link is read, whatever its scheme, so that `check` can name a `javascript:` one.
    markdown.validateLink = lambda url: True
    return markdown


# Blocks whose lines are shown as they are, or not at all: nothing in them is an item or a marker.
LITERAL_BLOCKS = ("fence", "code_block", "html_block")
# A link at the start of a line, with nothing in its text or address that Markdown would read
# as more than plain characters (emphasis, code, escapes, entities, HTML, nested brackets).
_PLAIN_LINK = re.compile(r"\[([^\[\]\\`<>*_&!]*)\]\(([^()\s<>\\`&]+)\)")
# Where a line's first characters do not tell its block: fences, HTML, quotes, tables, tabs, a
# lone CR, setext underlines and rules, ordered or empty list items, markers and headings set in
# by one to three spaces, list items that start with code, headings that end in "#".
# Two searches, the second anchored on "\n", are several times faster than one with `^` alternatives.
_NOT_SIMPLE = re.compile(r"```|~~~|\t|\r|\|\s*:?-")
_NOT_SIMPLE_LINE = re.compile(r"\n(?: {0,3}(?:[<>|=]|[-*_](?: *[-*_]){1,} *(?=\n|$)|-+ *(?=\n|$)|\d+[.)]"
                              r"|[-*+] *(?=\n|$)|[-*+] {2,})| {1,3}[-*+#]|#[^\n]*#[ ]*(?=\n|$))")
_COMMENT_BLOCK = re.compile(r"^<!--(?:.|\n)*?-->.*", re.MULTILINE)
_SIMPLE_HEADING = re.compile(r"(#{1,6})(?:[ ]+(.*?))?[ ]*$")
_MARGIN_MARK = re.compile(r"^[#*+-].*", re.MULTILINE)  # a line starting with a heading's or an item's mark
# An item's first line: the marker, then a plain link, or text free of markup before it.
_SIMPLE_ITEM = re.compile(r"[-*+] [^\[`\\<&*_!]*" + _PLAIN_LINK.pattern)


@dataclass(frozen=True)
class Lines:
    """A text file as lines, each with its own ending, so that writing it back gives the same bytes.

    Only `\\n` and `\\r\\n` end a line, as in CommonMark: U+2028, a form feed or a lone `\\r`
    are characters inside a line. A byte-order mark is kept, outside the first line.
    """

    lines: list[str]
    endings: list[str]  # "\n", "\r\n", or "" for a last line without one
    bom: str = ""

    @classmethod
    def of(cls, text: str) -> Lines:
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        lines = text[len(bom):].split("\n")
        last = lines.pop()  # after the last "\n": empty, or a last line without an ending
        if "\r" in text:
            endings = ["\r\n" if line.endswith("\r") else "\n" for line in lines]
            lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        else:
            endings = ["\n"] * len(lines)
        if last:
            lines.append(last)
            endings.append("")
        return cls(lines, endings, bom)

    @property
    def newline(self) -> str:
        """The file's own line ending, for the lines gathering adds."""
        crlf = self.endings.count("\r\n")
        return "\r\n" if crlf > len(self.endings) - crlf else "\n"

    def text(self) -> str:
        return self.bom + "".join(line + ending for line, ending in zip(self.lines, self.endings))

    def inserted(self, inserts: dict[int, list[str]]) -> Lines:
        """New lines before the given positions (len(lines) appends); every existing line kept as it is."""
        lines, endings, newline = list(self.lines), list(self.endings), self.newline
        if endings and not endings[-1] and len(lines) in inserts:
            endings[-1] = newline  # the last line gets an end before lines go after it
        for position in sorted(inserts, reverse=True):
            block = inserts[position]
            lines[position:position] = block
            endings[position:position] = [newline] * len(block)
        return Lines(lines, endings, self.bom)

    def replaced(self, index: int, line: str) -> Lines:
        lines = list(self.lines)
        lines[index] = line
        return Lines(lines, list(self.endings), self.bom)


@dataclass(frozen=True)
class DraftItem:
    start: int  # first line
    end: int  # one past the last non-blank line
    section: str | None  # the heading above it, lower-cased
    title: str = ""  # the link's text
    url: str = ""
    later: bool = False  # the editor marked it [later]: it moves to next week's draft

    @property
    def key(self) -> str:
        """Worked out when asked: the site only counts items, and 75,000 keys cost a build a second."""
        return update_key(self.url) if self.kind == "update" else item_key(self.url)

    @property
    def kind(self) -> str | None:
        """The kind its section holds, if it sits under one of the sections gathering writes."""
        return SECTION_KINDS.get(self.section or "")


@dataclass(frozen=True)
class Draft:
    source: Lines
    metadata: dict[str, str]
    items: list[DraftItem]
    headings: dict[str, int]  # `##` heading text, lower-cased -> its first line
    heading_ends: dict[str, int]  # the same heading -> one past its last line
    blocks: list[tuple[int, int]]  # every top-level block's lines, start and one past the end
    unlinked: list[int]  # first lines of top-level list items with no link on their first line
    literal: frozenset[int]  # lines of code, fenced code and HTML blocks (comments included), at any depth

    @property
    def lines(self) -> list[str]:
        return self.source.lines

    @cached_property
    def keys(self) -> set[str]:
        return {item.key for item in self.items}

    @property
    def is_draft(self) -> bool:
        return self.metadata.get("status", "").lower() == "draft"

    def metadata_line(self, name: str) -> int | None:
        """The 1-based line of a metadata field, if the block has it."""
        for index, line in enumerate(self.lines):
            match = _METADATA.match(line)
            if not match:
                return None
            if match[1].lower() == name:
                return index + 1
        return None

    def status_problem(self) -> tuple[int, str] | None:
        """Why gathering cannot tell whether this is a draft: (1-based line, what to fix), or None."""
        if not self.metadata:
            found = "a blank line" if self.lines and not self.lines[0].strip() else "no metadata"
            return 1, (f"the file starts with {found}: it must start with metadata lines such as "
                       "'Title: …' and 'Status: draft', with no blank line before them")
        status, size = self.metadata.get("status"), len(self.metadata)
        if status is None:
            return size + 1, (f"no 'Status:' line in the metadata block (lines 1–{size}): "
                              "add 'Status: draft' (or 'Status: published')")
        if status.lower() not in STATUSES:
            return self.metadata_line("status") or 1, f"Status {status!r} is not draft or published"
        return None


def metadata_of(text: str) -> dict[str, str]:
    """The metadata block alone (names lower-cased), without parsing the items below it."""
    return _metadata_block(Lines.of(text).lines)[0]


def _metadata_block(lines: list[str]) -> tuple[dict[str, str], int]:
    """The metadata, and the index of the first line after it."""
    metadata: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = _METADATA.match(line)
        if not match:
            return metadata, index
        metadata[match[1].lower()] = match[2].strip()
    return metadata, len(lines)


def parse(text: str) -> Draft:
    """The draft's items and sections as a CommonMark renderer sees them, with their line numbers.

    Items are the top-level bullet list items whose first line holds a link. A list in a
    quote, a table, a code block or an HTML comment is not one: it is the editor's text.
    """
    source = Lines.of(text)
    lines = source.lines
    metadata, body = _metadata_block(lines)
    env: dict = {}
    tokens: list = []
    # Only the line structure matters here: a lone "\r" would end a line for the parser, not for us.
    markdown = _markdown()
    markdown.block.parse("\n".join(lines[body:]).replace("\r", " "), markdown, env, tokens)
    items: list[DraftItem] = []
    headings: dict[str, int] = {}
    heading_ends: dict[str, int] = {}
    blocks, unlinked, literal = [], [], set()
    section: str | None = None
    in_bullet_list = False
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        start, end = token.map[0] + body, token.map[1] + body
        if token.type in LITERAL_BLOCKS:
            literal.update(range(start, end))
        if token.level == 0:
            blocks.append((start, end))
            in_bullet_list = token.type == "bullet_list_open"
            if token.type == "heading_open":
                section = tokens[index + 1].content.strip().lower()
                if token.tag == "h2":
                    headings.setdefault(section, start)
                    heading_ends.setdefault(section, end)
        elif token.type == "list_item_open" and token.level == 1 and in_bullet_list:
            link = _first_link(tokens, index, env)
            if link is None:
                unlinked.append(start)
                continue
            last = max((line for line in range(start, end) if lines[line].strip()), default=start)
            items.append(DraftItem(start, last + 1, section, link[0], link[1], _later(lines[start])))
    return Draft(source, metadata, items, headings, heading_ends, blocks, unlinked, frozenset(literal))


def _later(first_line: str) -> bool:
    return first_line.rstrip().endswith("]") and bool(LATER.search(first_line))  # the search is the slow part


def _first_link(tokens: list, index: int, env: dict) -> tuple[str, str] | None:
    """The (text, address) of the first link on a list item's first line, as a renderer reads it."""
    item, paragraph, inline = tokens[index:index + 3]
    if paragraph.type != "paragraph_open" or inline.map[0] != item.map[0]:
        return None
    first_line = inline.content.split("\n", 1)[0]
    if "]" not in first_line:
        return None
    plain = _PLAIN_LINK.match(first_line)
    if plain:  # a gathered item's line: what the inline parser would find, without running it
        return plain[1], plain[2]
    children = _markdown().parseInline(first_line, env)[0].children or []
    for position, child in enumerate(children):
        if child.type == "link_open":
            text = []
            for inner in children[position + 1:]:
                if inner.type == "link_close":
                    break
                text.append(inner.content)
            return "".join(text), str(child.attrs["href"])
    return None


def outline(text: str) -> tuple[list[str], dict[str, str], list[DraftItem], dict[str, int]]:
    """The lines, metadata, items (their first lines, not their ends) and `##` headings: what the site counts.

    A build reads every issue, and the CommonMark parser takes about 20 ms for 250 links. In
    an issue that uses none of the constructs where a renderer could read a line other than
    by its first characters (fences, HTML, quotes, tables, tabs, setext headings, indented
    markers, links with markup), every line at the margin starting `- [title](url)` is an
    item and every `#` line a heading, as the parser finds them (`tests/test_draft.py`
    compares the two); any other issue is parsed.
    """
    lines = Lines.of(text).lines
    metadata, body = _metadata_block(lines)
    simple = _simple_outline(lines, body)
    if simple is None:
        parsed = parse(text)
        return lines, parsed.metadata, parsed.items, parsed.headings
    return (lines, metadata, *simple)


def _simple_outline(lines: list[str], body: int) -> tuple[list[DraftItem], dict[str, int]] | None:
    # A comment at the margin (the editing guide) runs to the line that closes it: blank it out.
    text = "\n".join(lines[body:])
    if "<!--" in text:
        text = _COMMENT_BLOCK.sub(lambda comment: "\n" * comment[0].count("\n"), text)
    if _NOT_SIMPLE.search(text) or _NOT_SIMPLE_LINE.search("\n" + text):
        return None
    items: list[DraftItem] = []
    headings: dict[str, int] = {}
    section: str | None = None
    index, counted = body, 0
    for found in _MARGIN_MARK.finditer(text):  # only the lines that can be headings or items, found in C
        index += text.count("\n", counted, found.start())
        counted, line = found.start(), found[0]
        if line[0] == "#":
            heading = _SIMPLE_HEADING.match(line)
            if heading is None:
                continue  # "#word" is a paragraph
            section = (heading[2] or "").strip().lower()  # a lone "#" is an empty heading
            if len(heading[1]) == 2:
                headings.setdefault(section, index)
        elif line[1:2] == " ":
            link = _SIMPLE_ITEM.match(line)
            if link is None:
                if "[" in line:
                    return None  # a link Markdown might read otherwise: let the parser decide
                continue
            items.append(DraftItem(index, index + 1, section, link[1], link[2], _later(line)))
    return items, headings


def facts(text: str) -> dict[str, object]:
    """What the site shows of an issue beyond its content: links, sections with counts, reading time, week."""
    lines, metadata, items, headings = outline(text)
    published = [item for item in items if not item.later]
    counts: dict[str, int] = {}
    for item in published:
        counts[item.section or ""] = counts.get(item.section or "", 0) + 1
    titles = [lines[index].lstrip("#").strip() for index in sorted(headings.values())]
    try:
        week = week_label(parse_week(metadata.get("week", "")))
    except ValueError:
        week = ""
    return {
        "item_count": len(published),
        "sections": [(title, counts[title.lower()]) for title in titles if counts.get(title.lower())],
        "reading_minutes": reading_minutes(item.kind for item in published),
        "week_label": week,
    }


def render_item(item: Item) -> list[str]:
    """An item as the editor first sees it: the link and its sources, then what is known of it.

    Under the link, one paragraph: how the sources came to it (with a link to its code, when
    known), its authors and description, and for models what to know before using them.
    """
    if item.kind == "update" and len(item.follows) == 4:  # "Code released for [the paper](…) (in Issue 12)"
        week, issue, title, link = item.follows
        back = f" (in [{markdown_text(issue)}]({{filename}}{week}.md))" if issue else ""
        lines = [f"- [{markdown_text(item.title.removesuffix(f' for {title}'))}]({markdown_url(item.url)}) for "
                 f"[{markdown_text(title)}]({markdown_url(link)}){back} · {_sources(item)}"]
    else:
        lines = [f"- [{markdown_text(item.title)}]({markdown_url(item.url)}) · {_sources(item)}"]
    seen = [markdown_text(line) for line in item.provenance]
    parts = [(label, url) for label, url, _, _ in item.parts if is_web_link(url)]
    if item.code_url and is_web_link(item.code_url) and item_key(item.code_url) not in {item_key(u) for _, u in parts}:
        seen.append(f"[code]({markdown_url(item.code_url)})")
    seen += [f"[{markdown_text(label)}]({markdown_url(url)})" for label, url in parts]  # the story's other parts
    about = item.summary
    if item.authors and item.kind == "paper":
        names = ", ".join(item.authors[:3]) + (" et al." if len(item.authors) > 3 else "")
        about = f"{names.rstrip('.')}. {about}" if about else names
    about = shorten(about, SUMMARY_LIMIT)
    if about and not about.endswith((".", "!", "?", "…")):
        about += "."  # Markdown joins the lines: keep them sentences
    described = [" · ".join(seen) + "." if seen else "", markdown_text(about)]
    if item.cautions:
        described.append("Before using it: " + markdown_text("; ".join(item.cautions)) + ".")
    described = [text for text in described if text]
    # The dash keeps "· arXiv" and the description apart once Markdown joins the lines.
    lines += [("    — " if index == 0 else "    ") + text for index, text in enumerate(described)]
    return lines


def _sources(item: Item) -> str:
    """The sources' names, each linked to its own page on the story when it has one."""
    pages = [(name, url) for name, url in item.pages if is_web_link(url)]
    named = []
    for name in item.source.split(" · "):
        page = next((page for page in pages if page[0] == name), None)
        if page:
            pages.remove(page)
        named.append(f"[{markdown_text(name)}]({markdown_url(page[1])})" if page else markdown_text(name))
    named += [f"[{markdown_text(name)}]({markdown_url(url)})" for name, url in pages]
    return " · ".join(named)


def new_draft(week: str, number: int) -> str:
    """The skeleton of a week's draft: its metadata and the editing guide, no items yet."""
    sunday = week_days(week)[1]
    label = week_label(week)
    return (
        f"Title: Issue {number}: {label}\n"
        f"Date: {sunday.isoformat()}\n"
        "Status: draft\n"
        f"Issue: {number}\n"
        f"Week: {week}\n"
        f"Summary: Papers, code and models from the week of {label}.\n"
        f"\n{HEADER_COMMENT}\n"
    )


def merge(text: str, items: Iterable[Item]) -> str:
    """The draft with the new items added where they belong; every existing line is kept as it is.

    New items go after the last item of their section, or in a new section placed in `KINDS`
    order. The result is read again: an item that would not be a top-level list item (an
    unclosed comment or fence at the end of the draft, say) is an error, never a hidden item.
    """
    items = list(items)
    draft = parse(text)
    by_kind: dict[str, list[Item]] = {}
    for item in items:
        by_kind.setdefault(item.kind if item.kind in SECTION_TITLES else "article", []).append(item)
    inserts: dict[int, list[str]] = {}
    for kind in KINDS:
        if kind in by_kind:
            position, block = _placement(draft, kind, by_kind[kind])
            inserts.setdefault(position, []).extend(block)
    merged = _with_inserts(draft, inserts).text()
    _check_visible(merged, {item.key for item in items})
    return merged


def _with_inserts(draft: Draft, inserts: dict[int, list[str]]) -> Lines:
    for position, block in inserts.items():
        if position < len(draft.lines) and draft.lines[position].strip():
            block.append("")  # a blank line before the editor's next block
    return draft.source.inserted(inserts)


def _check_visible(text: str, keys: set[str]) -> None:
    hidden = keys - parse(text).keys
    if hidden:
        raise StateError(f"new items would not show as list items in the draft ({', '.join(sorted(hidden))}); "
                         "it was left as it was. This is a bug: please report it with the draft")


def with_metadata(text: str, name: str, value: str) -> str:
    """The draft with one metadata field set: replaced where it is, or added at the end of the block."""
    source = Lines.of(text)
    metadata, end = _metadata_block(source.lines)
    for index in range(end):
        if source.lines[index].lower().startswith(f"{name.lower()}:"):
            return source.replaced(index, f"{name}: {value}").text()
    return source.inserted({end: [f"{name}: {value}"]}).text()


def later_blocks(text: str) -> list[tuple[DraftItem, list[str]]]:
    """The items marked later, each with its lines (the marker taken out): what the next draft carries over."""
    parsed = parse(text)
    return [(item, [LATER.sub("", parsed.lines[item.start]), *parsed.lines[item.start + 1:item.end]])
            for item in parsed.items if item.later]


def carry_over(text: str, blocks: Sequence[list[str]]) -> str:
    """The draft with items from last week in its "Carried over" section, placed before every other section."""
    if not blocks:
        return text
    parsed = parse(text)
    entries = [line for block in blocks for line in ["", *block]]
    heading = CARRIED_OVER.lower()
    if heading in parsed.headings:
        position, block = _section_end(parsed, heading), entries
    else:
        sections = [index for title, index in parsed.headings.items() if title in SECTION_KINDS]
        if sections:  # before the first section, its blank line kept between them
            position, block = min(sections), [f"## {CARRIED_OVER}", *entries, ""]
        else:
            position, block = _document_end(parsed), ["", f"## {CARRIED_OVER}", *entries]
    return _with_inserts(parsed, {position: block}).text()


def _placement(draft: Draft, kind: str, items: Sequence[Item]) -> tuple[int, list[str]]:
    entries = [line for item in items for line in ["", *render_item(item)]]
    title = SECTION_TITLES[kind]
    if title.lower() in draft.headings:
        return _section_end(draft, title.lower()), entries
    block = ["", f"## {title}", *entries]
    later = [draft.headings[SECTION_TITLES[k].lower()] for k in KINDS[KINDS.index(kind) + 1:]
             if SECTION_TITLES[k].lower() in draft.headings]
    if later:
        return min(later), [*block[1:], ""]
    earlier = [SECTION_TITLES[k].lower() for k in KINDS[: KINDS.index(kind)] if SECTION_TITLES[k].lower() in draft.headings]
    if earlier:
        return max(_section_end(draft, section) for section in earlier), block
    return _document_end(draft), block


def _section_end(draft: Draft, section: str) -> int:
    """Where a section's new items go: after its last item, or right under its heading."""
    ends = [item.end for item in draft.items if item.section == section]
    return max(ends) if ends else draft.heading_ends[section]


def _document_end(draft: Draft) -> int:
    """Where a new section goes at the end: after the last line of text, unless that line is inside
    a block left open to the end of the file (a fence or a comment never closed): then before it."""
    end = len(draft.lines)
    while end and not draft.lines[end - 1].strip():
        end -= 1
    if draft.blocks and draft.blocks[-1][1] >= end and end - 1 in draft.literal:
        probe = _with_inserts(draft, {end: ["", "- [probe](https://lamplighter.invalid/)"]}).text()
        if "lamplighter.invalid" not in parse(probe).keys:
            return draft.blocks[-1][0]
    return end


