"""What gathering has offered to a week's draft, kept beside it as `YYYY-Www.gathered.json`.

The draft shows what the editor kept; this record shows what they were offered (and
what they added or promoted themselves, once a gather has seen it in the draft). The
difference is what they dropped, which must never come back. It is sorted, indented JSON
so a pull request shows what a gather added, line by line.

The draft and its record are two files, and a process can die between their writes.
So a gather writes in this order: the new draft into a temporary file; the record, with
the new items as `pending` and the temporary file's name; the rename of the temporary
file over the draft; the record with `pending` moved into `offered`. The rename is the
moment the new items reach the editor, and `settle()` tells afterwards whether it
happened: if the temporary file is still there, it did not, and the pending items were
never seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import files
from .errors import StateError
from .items import Item, item_key

FIELDS = ("url", "title", "source", "kind", "first_offered")
# The source recorded for an item that no gather added: the editor's own find, or a line moved in from `.unselected.txt`.
ADDED, PROMOTED = "added by the editor", "promoted by the editor"


@dataclass
class Record:
    path: Path
    offered: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> what was offered
    pending: dict[str, dict[str, str]] = field(default_factory=dict)  # offered by a draft not yet in place
    staged: str = ""  # the name of that draft's temporary file

    @classmethod
    def beside(cls, draft_path: Path) -> Record:
        return cls.load(draft_path.with_name(f"{draft_path.stem}.gathered.json"))

    @classmethod
    def load(cls, path: Path) -> Record:
        text = files.read_text(path)
        if text is None:
            return cls(path)
        try:
            data = json.loads(text)
            return cls(path, _entries(data, "offered"), _entries(data, "pending"), str(data.get("staged", "")))
        except ValueError as error:
            raise StateError(f"{path} is damaged ({error}); restore it from git (`git checkout -- {path.name}`), "
                             "or delete it to forget which items were dropped from that week") from None

    def offer(self, item: Item, day: date) -> None:
        """Remember an item as offered once the draft that shows it is in place (see `commit`)."""
        if item.key not in self.offered:
            self.pending.setdefault(item.key, {
                "url": item.url, "title": item.title, "source": item.source, "kind": item.kind,
                "first_offered": day.isoformat(),
                **({"parts": sorted({item_key(part[1]) for part in item.parts})} if item.parts else {}),
            })

    def parts_of(self, keys: set[str]) -> set[str]:
        """The keys joined under these items' stories: kept, dropped or published with them."""
        return {part for key in keys for part in (self.offered.get(key) or self.pending.get(key) or {}).get("parts", [])}

    def settle(self, *, save: bool = True) -> bool:
        """Finish what a killed gather left: keep its items if its draft reached the editor. True if changed."""
        leftover = self.path.with_name(self.staged) if self.staged else None
        if not self.pending and leftover is None:
            return False
        never_shown = leftover is not None and leftover.exists()
        if never_shown:
            self.pending.clear()  # that draft never replaced the old one: its items were never seen
        self.commit(save=save)
        if never_shown and save:  # only now that the record no longer names it (killed before: it stays named)
            leftover.unlink()
        return True

    def stage(self, staged: Path) -> None:
        """Save the pending items with the temporary file that holds the draft which shows them."""
        self.staged = staged.name
        self.save()

    def commit(self, *, save: bool = True) -> None:
        """The draft that shows the pending items is in place: they are offered."""
        self.offered.update(self.pending)
        self.pending, self.staged = {}, ""
        if save:
            self.save()

    def unstage(self) -> None:
        self.pending, self.staged = {}, ""
        self.save()

    def save(self) -> None:
        data: dict[str, Any] = {"offered": self.offered}
        if self.pending:
            data |= {"pending": self.pending, "staged": self.staged}
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
        files.write_atomically(self.path, text + "\n", durable=True)


def _entries(data: Any, name: str) -> dict[str, dict[str, str]]:
    if not isinstance(data, dict):
        raise ValueError(f"it holds {type(data).__name__}, not an object with 'offered'")
    entries = data.get(name, {})
    if not isinstance(entries, dict):
        raise ValueError(f"'{name}' holds {type(entries).__name__}, not an object of links")
    for key, entry in entries.items():
        if not isinstance(entry, dict) or not all(isinstance(entry.get(f, ""), str) for f in FIELDS):
            raise ValueError(f"'{name}' has an entry {key!r} that is not an object of texts")
        if not isinstance(entry.get("parts", []), list) or not all(isinstance(part, str) for part in entry.get("parts", [])):
            raise ValueError(f"'{name}' has an entry {key!r} whose parts are not a list of links")
    if name == "offered" and "offered" not in data:
        raise ValueError("it has no 'offered'")
    return dict(entries)
