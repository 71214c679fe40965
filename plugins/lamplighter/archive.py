"""The archive as memory: every link and title of the published issues in `content/issues/`.

There is no second database to keep in sync: what was published is what the Markdown
files say. A link that an earlier issue already carried is a repeat, over the whole
archive (This Week in Rust's link checker looks back 25 issues; a newsletter's readers
remember longer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import draft


@dataclass
class Archive:
    weeks_by_key: dict[str, str] = field(default_factory=dict)  # item key -> the first week that linked it
    titles: dict[str, str] = field(default_factory=dict)  # an item's title -> its week

    @classmethod
    def load(cls, issues_dir: Path, *, besides: str) -> Archive:
        """Every published issue in the folder but the week `besides` (the one being gathered)."""
        archive = cls()
        for path in sorted(issues_dir.glob("*.md")):
            issue = draft.parse(path.read_text(encoding="utf-8"))
            if path.stem == besides or issue.is_draft:
                continue
            week = issue.metadata.get("week", path.stem)
            for item in issue.items:
                if not item.later:  # an item kept for a later issue was not published in this one
                    archive.weeks_by_key.setdefault(item.key, week)
                    archive.titles.setdefault(item.title, week)
        return archive
