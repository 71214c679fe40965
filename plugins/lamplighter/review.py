"""How last week's published issue compared with what gathering offered it, for the draft's pull request.

Every week the editor sees whether the ranking is earning its place: of the items they
published, how many were in the draft as gathered, how many they promoted from
`.unselected.txt`, how many they added by hand, and where the published items stood in
that week's last ranking (recall@30, when the ranking is still in the cache).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import draft, files, unselected
from .items import item_key
from .record import ADDED, PROMOTED, Record

TOP = 30


@dataclass(frozen=True)
class Review:
    week: str
    published: int
    gathered: int  # in the draft as a gather put it there (or carried over)
    promoted: int  # moved in from `.unselected.txt`
    by_hand: int  # found by the editor
    recall_30: float | None  # None when that week's ranking is no longer kept

    def sentence(self) -> str:
        said = (f"Last week ({self.week}), {self.published} item(s) were published: {self.gathered} from the draft "
                f"as gathered, {self.promoted} promoted from the unselected list, {self.by_hand} added by hand.")
        if self.recall_30 is not None:
            said += f" Recall@{TOP} of that week's ranking: {self.recall_30:.2f}."
        return said


def last_week(issues_dir: Path, week: str, rankings_dir: Path) -> Review | None:
    """The latest published issue before `week`, compared with its record and its last ranking."""
    for path in sorted(issues_dir.glob("*.md"), reverse=True):
        if path.stem >= week:
            continue
        issue = draft.parse(files.read_text(path) or "")
        if issue.is_draft:
            continue
        published = [item.key for item in issue.items if not item.later]
        if not published:
            return None
        offered = Record.beside(path).offered
        waiting = unselected.keys(unselected.path_beside(path))
        how = [str(offered[key].get("source", "")) if key in offered else PROMOTED if key in waiting else ADDED
               for key in published]
        promoted, by_hand = how.count(PROMOTED), how.count(ADDED)
        return Review(path.stem, len(published), len(published) - promoted - by_hand, promoted, by_hand,
                      _recall(rankings_dir / f"{path.stem}.json", published))
    return None


def _recall(ranking: Path, published: list[str]) -> float | None:
    try:
        candidates = json.loads(ranking.read_text(encoding="utf-8"))["candidates"]
        eligible = [item_key(str(c["url"])) for c in candidates if not (c.get("muted_by") or c.get("repeat_of"))]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    top = set(eligible[:TOP])
    return round(sum(key in top for key in published) / len(published), 2)
