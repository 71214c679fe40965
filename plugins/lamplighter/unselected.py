"""What gathering found for a week but left out of its draft, kept beside it to promote by hand.

`content/issues/YYYY-Www.unselected.txt` holds one line per candidate that was eligible
but did not fit the budget or a section's cap, as the first line of a draft item, best
first (`--json` has the scores). To promote one, move its line into the draft. Gathering daily
accumulates here too: a line stays until its link is in the draft, is dropped by the
editor, or the week is published. It is a `.txt` so that Pelican never reads it as an issue.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .curate import Candidate
from . import files
from .draft import DraftItem, parse, render_item

HEADER = ("# Gathered for {week} but not selected (over the budget or a section's cap), best first.\n"
          "# To promote an item, move its line into the draft; this file is rewritten by every gather.\n")


def path_beside(draft_path: Path) -> Path:
    return draft_path.with_name(f"{draft_path.stem}.unselected.txt")


def update(draft_path: Path, week: str, left_out: Sequence[Candidate], *, exclude: set[str]) -> Path:
    """Rewrite the file: this gather's left-out candidates, then earlier ones not seen again, minus `exclude`."""
    path = path_beside(draft_path)
    lines: dict[str, str] = {}
    for candidate in left_out:  # the draft's own first line, so a promoted item reads like the others
        lines.setdefault(candidate.item.key, render_item(candidate.item)[0])
    for key, line in _previous(path).items():
        lines.setdefault(key, line)
    kept = [line for key, line in lines.items() if key not in exclude]
    if kept or path.exists():
        files.write_atomically(path, HEADER.format(week=week) + "".join(f"{line}\n" for line in kept))
    return path


def keys(path: Path) -> set[str]:
    """The links waiting in the file, by key: a draft item with one of them was promoted."""
    return set(_previous(path))


def _previous(path: Path) -> dict[str, str]:
    """The file's lines by their link's key, read as the draft reads an item's first line."""
    text = files.read_text(path) or ""
    lines = [line for line in text.split("\n") if line.startswith("- ")]
    return {item.key: lines[index] for index, item in _items_by_line(lines)}


def _items_by_line(lines: list[str]) -> list[tuple[int, DraftItem]]:
    # Blank lines between them make each line a list item of its own, whatever comes after it.
    parsed = parse("\n\n".join(lines))
    return [(item.start // 2, item) for item in parsed.items]
