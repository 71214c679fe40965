"""What each source gave last time, so that a 304 Not Modified costs no re-parse, and when
it first offered each entry that has no date; with the validators (ETag, Last-Modified) of
the answers the items were read from, so that the next request is a conditional one.

One small JSON file per source under `LAMPLIGHTER_CACHE_DIR/items/`, named by a digest of
the source's settings: change a source's keys and it starts afresh. Safe to delete: the
items are parsed again, and undated entries still offered count as first seen again
(an earlier issue's items stay repeats, and the editor's drops stay dropped).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from .files import write_atomically
from .items import Item
from .settings import SourceConfig


@dataclass
class Stored:
    items: list[Item] | None = None  # None: nothing stored, or stored by another version
    first_seen: dict[str, datetime] = field(default_factory=dict)  # undated entries' keys: when first offered
    validators: dict[str, dict[str, str]] = field(default_factory=dict)  # by address: the ETag and Last-Modified


class ItemStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.notes: list[str] = []  # a cache that cannot be written slows the next gather, nothing more

    def _path(self, source: SourceConfig) -> Path:
        identity = json.dumps([source.name, source.type, dict(source.options)], sort_keys=True, default=str)
        return self.folder / f"{hashlib.sha256(identity.encode()).hexdigest()[:24]}.json"

    def load(self, source: SourceConfig) -> Stored:
        try:
            document = json.loads(self._path(source).read_text(encoding="utf-8"))
            first_seen = {key: datetime.fromisoformat(moment) for key, moment in document["first_seen"].items()}
            if any(moment.tzinfo is None for moment in first_seen.values()):
                raise ValueError("a moment without its time zone")
            validators = document.get("validators", {})
            if not all(isinstance(found, dict) and all(isinstance(v, str) for v in found.values())
                       for found in validators.values()):
                raise ValueError("validators that are not text")
            return Stored([_item(row) for row in document["items"]], first_seen, validators)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return Stored()  # missing or damaged: the source is simply parsed again

    def save(self, source: SourceConfig, stored: Stored) -> None:
        document = {
            "items": [{**{name: getattr(item, name) for name in _FIELDS},  # not asdict: it deep-copies every value
                       "published": item.published.isoformat() if item.published else None}
                      for item in stored.items or ()],
            "first_seen": {key: moment.isoformat() for key, moment in stored.first_seen.items()},
            "validators": stored.validators,
        }
        try:
            write_atomically(self._path(source), json.dumps(document, ensure_ascii=False))
        except OSError as error:
            note = f"The item cache in {self.folder} cannot be written ({error.strerror})."
            if note not in self.notes:
                self.notes.append(note)


_FIELDS = [f.name for f in fields(Item)]
_TUPLES = [f.name for f in fields(Item) if f.default == ()]


def _item(row: dict) -> Item:
    published = row.pop("published")
    for name in _TUPLES:  # JSON gave lists: the item's fields are tuples (of tuples, for pairs)
        value = row.get(name)
        if value is not None:
            row[name] = tuple(tuple(part) if isinstance(part, list) else part for part in value) if value else ()
    return Item(**row, published=datetime.fromisoformat(published) if published else None)
