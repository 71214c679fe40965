"""The weekly draft: a Markdown file the editor owns, which gathering only ever adds to.

Each gathered item is one top-level list item whose first line holds `[title](url)`;
the editor's note goes in the item's indented lines below it. Merging never rewrites a
line the editor has: it finds the keys already present and inserts only new items,
after the last item of their section (or in a new section, placed in `KINDS` order).
Items the editor deleted are remembered in the record beside the draft, so they stay out.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .items import KINDS, Item, is_web_link, item_key, reading_minutes
from .text import markdown_text, markdown_url, shorten
from .weeks import parse_week, week_days, week_label

SECTION_TITLES = {
    "paper": "Papers", "code": "Code", "model": "Models", "release": "Releases",
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

_ITEM_START = re.compile(r"^[-*+][ \t]")
LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]+)")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_METADATA = re.compile(r"^([A-Za-z][\w-]*):[ \t]*(.*)$")


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
        return item_key(self.url)

    @property
    def kind(self) -> str | None:
        """The kind its section holds, if it sits under one of the sections gathering writes."""
        return SECTION_KINDS.get(self.section or "")


@dataclass(frozen=True)
class Draft:
    lines: list[str]
    metadata: dict[str, str]
    items: list[DraftItem]
    headings: dict[str, int]  # `##` heading text, lower-cased -> line index

    @cached_property
    def keys(self) -> set[str]:
        return {item.key for item in self.items}

    @property
    def is_draft(self) -> bool:
        return self.metadata.get("status", "").lower() == "draft"


def metadata_of(text: str) -> dict[str, str]:
    """The metadata block alone (names lower-cased), without parsing the items below it."""
    return _metadata_block(text.splitlines())[0]


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
    lines = text.splitlines()
    metadata, body = _metadata_block(lines)
    items: list[DraftItem] = []
    headings: dict[str, int] = {}
    section: str | None = None
    current: tuple[int, str | None, str, str] | None = None  # start, section, title, url
    last_text = previous = body - 1
    in_fence = False

    def close() -> None:
        if current:
            start, section_name, title, url = current
            first = lines[start]
            later = first.rstrip().endswith("]") and bool(LATER.search(first))
            items.append(DraftItem(start, last_text + 1, section_name, title, url, later))

    for index in range(body, len(lines)):
        line = lines[index]
        if ("```" in line or "~~~" in line) and _FENCE.match(line):
            in_fence = not in_fence
        starts_block = not in_fence and line.strip() and not line[0].isspace()
        # Most lines are an item's or a note's: test the patterns only where they can match.
        heading = _HEADING.match(line) if starts_block and line[0] == "#" else None
        item_start = starts_block and line[0] in "-*+" and _ITEM_START.match(line)
        # A line at column 0 ends the item, unless it continues the item's paragraph lazily.
        if current and starts_block and (previous != last_text or item_start or heading):
            close()
            current = None
        if heading:
            section = heading[2].lower()
            if len(heading[1]) == 2:
                headings.setdefault(section, index)
        elif item_start and (link := LINK.search(line)):
            current = (index, section, _unescaped(link[1]), link[2])
        if line.strip():
            last_text = index
        previous = index
    close()
    return Draft(lines, metadata, items, headings)


def facts(text: str) -> dict[str, object]:
    """What the site shows of an issue beyond its content: links, sections with counts, reading time, week."""
    parsed = parse(text)
    published = [item for item in parsed.items if not item.later]
    counts: dict[str, int] = {}
    for item in published:
        counts[item.section or ""] = counts.get(item.section or "", 0) + 1
    titles = [parsed.lines[index].lstrip("#").strip() for index in sorted(parsed.headings.values())]
    try:
        week = week_label(parse_week(parsed.metadata.get("week", "")))
    except ValueError:
        week = ""
    return {
        "item_count": len(published),
        "sections": [(title, counts[title.lower()]) for title in titles if counts.get(title.lower())],
        "reading_minutes": reading_minutes(item.kind for item in published),
        "week_label": week,
    }


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text) if "\\" in text else text


def render_item(item: Item) -> list[str]:
    """An item as the editor first sees it: the link and its sources, then what is known of it.

    Under the link, one paragraph: how the sources came to it (with a link to its code, when
    known), its authors and description, and for models what to know before using them.
    """
    lines = [f"- [{markdown_text(item.title)}]({markdown_url(item.url)}) · {markdown_text(item.source)}"]
    seen = [markdown_text(line) for line in item.provenance]
    if item.code_url and is_web_link(item.code_url):
        seen.append(f"[code]({markdown_url(item.code_url)})")
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
    """The draft with the new items added where they belong; every existing line is kept as it is."""
    draft = parse(text)
    by_kind: dict[str, list[Item]] = {}
    for item in items:
        by_kind.setdefault(item.kind if item.kind in SECTION_TITLES else "article", []).append(item)
    inserts: dict[int, list[str]] = {}
    for kind in KINDS:
        if kind in by_kind:
            position, block = _placement(draft, kind, by_kind[kind])
            inserts.setdefault(position, []).extend(block)
    lines = list(draft.lines)
    for position in sorted(inserts, reverse=True):
        block = inserts[position]
        if position < len(lines) and lines[position].strip():
            block = [*block, ""]
        lines[position:position] = block
    return "\n".join(lines) + "\n"


def with_metadata(text: str, name: str, value: str) -> str:
    """The draft with one metadata field set: replaced where it is, or added at the end of the block."""
    lines = text.splitlines()
    end = next((index for index, line in enumerate(lines) if not _METADATA.match(line)), len(lines))
    for index in range(end):
        if lines[index].lower().startswith(f"{name.lower()}:"):
            lines[index] = f"{name}: {value}"
            break
    else:
        lines.insert(end, f"{name}: {value}")
    return "\n".join(lines) + "\n"


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
            position, block = _trimmed_end(parsed.lines), ["", f"## {CARRIED_OVER}", *entries]
    lines = list(parsed.lines)
    lines[position:position] = block
    return "\n".join(lines) + "\n"


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
    return _trimmed_end(draft.lines), block


def _section_end(draft: Draft, section: str) -> int:
    """Where a section's new items go: after its last item, or right under its heading."""
    ends = [item.end for item in draft.items if item.section == section]
    return max(ends) if ends else draft.headings[section] + 1


def _trimmed_end(lines: list[str]) -> int:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return end


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, so an interrupted run never leaves half a draft."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
