"""The archive as memory: every link and title of the published issues in `content/issues/`,
and every item the editor dropped from any week's draft.

There is no second database to keep in sync: what was published is what the Markdown
files say, and what was dropped is what a week's record (`YYYY-Www.gathered.json`) says
was offered and its draft no longer has. A link that an earlier issue already carried is
a repeat, over the whole archive (This Week in Rust's link checker looks back 25 issues;
a newsletter's readers remember longer); a link the editor deleted stays deleted in every
later week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import draft, files
from .record import Record


@dataclass
class Archive:
    weeks_by_key: dict[str, str] = field(default_factory=dict)  # item key -> the first week that linked it
    titles: dict[str, str] = field(default_factory=dict)  # an item's title -> its week
    dropped_in: dict[str, str] = field(default_factory=dict)  # item key -> the week the editor deleted it from
    stories: dict[str, tuple[str, str]] = field(default_factory=dict)  # a published item's key -> (title, link)
    issues: dict[str, str] = field(default_factory=dict)  # week -> "Issue 12", for an update's link back

    @classmethod
    def load(cls, issues_dir: Path, *, besides: str) -> Archive:
        """Every issue in the folder but the week `besides` (the one being gathered)."""
        archive = cls()
        for path in sorted(issues_dir.glob("*.md")):
            if path.stem == besides:
                continue
            _, metadata, items, _ = draft.outline(files.read_text(path) or "")
            week = metadata.get("week", path.stem)
            record = Record.beside(path)
            keys = {item.key for item in items}
            gone = {key for key in [*record.offered, *record.pending] if key not in keys}
            for key in gone | (record.parts_of(gone) - keys):  # a deleted story's parts go with it
                archive.dropped_in.setdefault(key, week)
            if metadata.get("status", "").lower() == "draft":
                continue
            archive.issues.setdefault(week, f"Issue {metadata['issue']}" if metadata.get("issue") else week)
            for item in items:
                if not item.later:  # an item kept for a later issue was not published in this one
                    for key in [item.key, *sorted(record.parts_of({item.key}))]:
                        archive.weeks_by_key.setdefault(key, week)
                        archive.stories.setdefault(key, (item.title, item.url))
                    if item.section != "updates":  # "Code released" is news of a story, not a story's title
                        archive.titles.setdefault(item.title, week)
        return archive
