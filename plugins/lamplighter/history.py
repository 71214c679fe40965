"""An editor's past weeks, as `lamplighter backtest` replays them: what was offered, and what was kept.

Two places hold them. A history file: JSON Lines, one week a line (the format of
`shared/curation/`, see the README), plain or compressed (`.xz`, `.gz`). Or the project's
own archive: each published issue with its `.gathered.json` record, whose offered items
are the candidates and whose items still in the issue were kept.

A history file is untrusted input like any source: its text is cleaned as a source's is,
and a line that is not a week says which line and why.
"""

from __future__ import annotations

import gzip
import json
import lzma
import math
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import draft, files
from .errors import StateError
from .items import KINDS, Item, guess_kind, is_web_link, item_key
from .record import Record
from .text import plain_text
from .weeks import parse_week


@dataclass(frozen=True)
class Week:
    week: str
    candidates: list[Item]
    kept: list[str]  # the links the editor picked, as the history gives them
    noted: frozenset[str] = frozenset()  # the keys of picks the editor wrote a note under (the archive's weeks)

    @cached_property  # asked once per candidate
    def kept_keys(self) -> set[str]:
        return {item_key(url) for url in self.kept}


class HistoryError(StateError):
    """A history file that cannot be read; the message names the file and line."""


def read(path: Path) -> list[Week]:
    """The weeks of a history file, in order of their week."""
    opener = {".xz": lzma.open, ".gz": gzip.open}.get(path.suffix, open)
    weeks = []
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    try:
                        weeks.append(_week(json.loads(line)))
                    except (ValueError, TypeError, KeyError, AttributeError) as error:
                        raise HistoryError(f"{path}:{number}: not a week of the history format: {error}") from None
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError) as error:
        raise HistoryError(f"{path}: cannot be read: {getattr(error, 'strerror', None) or error}") from None
    if not weeks:
        raise HistoryError(f"{path}: holds no weeks")
    return sorted(weeks, key=lambda week: week.week)


def from_archive(issues_dir: Path, *, before: str | None = None) -> list[Week]:
    """The project's own weeks (before the week `before`): each published issue with its record of what was offered."""
    weeks = []
    for path in sorted(issues_dir.glob("*.md")):
        record = path.with_name(f"{path.stem}.gathered.json")
        if (before is not None and path.stem >= before) or not record.exists():
            continue
        issue = draft.parse(files.read_text(path) or "")
        if issue.is_draft:
            continue
        present = {item.key for item in issue.items}
        offered = Record.load(record).offered
        candidates = [Item(url=str(info.get("url") or key), title=str(info.get("title") or key),
                           source=str(info.get("source") or ""), kind=str(info.get("kind") or "article"))
                      for key, info in offered.items()]
        kept = [item.url for item in candidates if item.key in present]
        noted = frozenset(item.key for item in issue.items if _annotated(issue, item))
        weeks.append(Week(issue.metadata.get("week", path.stem), candidates, kept, noted))
    return weeks


def _annotated(issue: draft.Draft, item: draft.DraftItem) -> bool:
    """An item with a paragraph of the editor's own: a blank line, then more text, inside it."""
    block = issue.lines[item.start:item.end]
    return any(not line.strip() and later.strip() for line, later in zip(block, block[1:]))


def _week(line: Any) -> Week:
    week = parse_week(str(line["week"]))
    candidates = [_candidate(row, index) for index, row in enumerate(line["candidates"])]
    kept = line.get("kept", [])
    if not isinstance(kept, list) or not all(isinstance(url, str) for url in kept):
        raise ValueError("'kept' must be a list of links")
    return Week(week, candidates, kept)


def _candidate(row: dict[str, Any], index: int) -> Item:
    url = row["url"]
    if not isinstance(url, str) or not is_web_link(url):
        raise ValueError(f"candidate {index}: 'url' must be an http(s) link, not {url!r}")
    kind = row.get("kind") or guess_kind(url)
    if kind not in KINDS:
        raise ValueError(f"candidate {index}: 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    sources = row.get("sources", [])
    authors = row.get("authors", [])
    if not isinstance(sources, list) or not isinstance(authors, list):
        raise ValueError(f"candidate {index}: 'sources' and 'authors' must be lists")
    return Item(url=url, title=plain_text(str(row.get("title") or "")) or url,
                source=" · ".join(name for name in (plain_text(str(s)) for s in sources) if name) or "history",
                kind=kind, published=_moment(row.get("published"), index),
                summary=plain_text(str(row.get("summary") or "")),
                authors=tuple(name for name in (plain_text(str(a)) for a in authors) if name),
                signals=_signals(row.get("signals") or {}, index))


def _moment(value: Any, index: int) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"candidate {index}: 'published' must be a date like 2025-01-03, not {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _signals(signals: Any, index: int) -> dict[str, int]:
    if not isinstance(signals, dict):
        raise ValueError(f"candidate {index}: 'signals' must be an object of numbers")
    counted = {}
    for name, value in signals.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"candidate {index}: signal {name!r} must be a count, not {value!r}")
        counted[str(name)] = int(value)
    return counted
