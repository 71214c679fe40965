"""What each source gave last time, so that a 304 Not Modified costs no re-parse.

One small JSON file per source under `LAMPLIGHTER_CACHE_DIR/items/`, named by a digest of
the source's settings: change a source's keys and it starts afresh. Safe to delete.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from datetime import datetime
from pathlib import Path

from .files import write_atomically
from .items import Item
from .settings import SourceConfig


class ItemStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.notes: list[str] = []  # a cache that cannot be written slows the next gather, nothing more

    def _path(self, source: SourceConfig) -> Path:
        identity = json.dumps([source.name, source.type, dict(source.options)], sort_keys=True, default=str)
        return self.folder / f"{hashlib.sha256(identity.encode()).hexdigest()[:24]}.json"

    def load(self, source: SourceConfig) -> list[Item] | None:
        try:
            rows = json.loads(self._path(source).read_text(encoding="utf-8"))
            return [_item(row) for row in rows]
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing or damaged: the source is simply parsed again

    def save(self, source: SourceConfig, items: list[Item]) -> None:
        rows = [{**asdict(item), "published": item.published.isoformat() if item.published else None} for item in items]
        try:
            write_atomically(self._path(source), json.dumps(rows, ensure_ascii=False))
        except OSError as error:
            note = f"The item cache in {self.folder} cannot be written ({error.strerror})."
            if note not in self.notes:
                self.notes.append(note)


_TUPLES = [f.name for f in fields(Item) if f.default == ()]


def _item(row: dict) -> Item:
    published = row.pop("published")
    return Item(**{**row, **{name: tuple(row.get(name, ())) for name in _TUPLES}},
                published=datetime.fromisoformat(published) if published else None)
