"""What gathering has offered to a week's draft, kept beside it as `YYYY-Www.gathered.json`.

The draft shows what the editor kept; this record shows what they were offered. The
difference is what they dropped, which must never come back into the same draft. It is
sorted, indented JSON so a pull request shows what a gather added, line by line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .draft import write_atomically
from .items import Item


@dataclass
class Record:
    path: Path
    offered: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> what was offered

    @classmethod
    def beside(cls, draft_path: Path) -> Record:
        path = draft_path.with_name(f"{draft_path.stem}.gathered.json")
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise ValueError(f"{path} is not valid JSON ({error}); fix it or delete it") from None
        return cls(path, dict(data.get("offered", {})))

    def offer(self, item: Item, day: date) -> None:
        self.offered.setdefault(item.key, {
            "url": item.url, "title": item.title, "source": item.source, "kind": item.kind,
            "first_offered": day.isoformat(),
        })

    def save(self) -> None:
        text = json.dumps({"offered": self.offered}, indent=2, sort_keys=True, ensure_ascii=False)
        write_atomically(self.path, text + "\n")
