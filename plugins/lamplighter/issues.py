"""A week's issue on disk: `content/issues/YYYY-Www.md`, its record, and its running number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import draft, unselected
from .curate import Budget, Candidate
from .items import Item, reading_minutes
from .record import Record

ISSUES_DIR = "issues"


@dataclass
class DraftUpdate:
    path: Path
    written: bool = False
    published: bool = False  # the week's issue is already out: nothing is changed
    added: list[Item] = field(default_factory=list)
    selected: set[str] = field(default_factory=set)  # keys in the draft after the update
    dropped: set[str] = field(default_factory=set)  # keys the editor deleted
    minutes: int = 0  # the draft's reading time after the update
    left_out: list[Candidate] = field(default_factory=list)  # eligible, but over the budget or a cap
    carried: list[Item] = field(default_factory=list)  # marked later in the last issue, now in this draft
    renumbered: tuple[int, int, str] | None = None  # (old, new, the earlier week that has the old number)


def draft_path(content_path: Path, week: str) -> Path:
    return content_path / ISSUES_DIR / f"{week}.md"


def issue_numbers(issues_dir: Path, *, besides: str) -> dict[int, str]:
    """The `Issue:` number of every other week's file, to the (first) week that has it."""
    numbers: dict[int, str] = {}
    for path in sorted(issues_dir.glob("*.md")):
        if path.stem != besides:
            value = draft.metadata_of(path.read_text(encoding="utf-8")).get("issue", "")
            if value.isdigit():
                numbers.setdefault(int(value), path.stem)
    return numbers


def next_issue_number(issues_dir: Path, week: str) -> int:
    """One more than the highest `Issue:` among the other weeks' files."""
    return max(issue_numbers(issues_dir, besides=week), default=0) + 1


def renumbered(text: str, issues_dir: Path, week: str) -> tuple[str, tuple[int, int, str] | None]:
    """The draft with a number of its own, if an earlier week's issue has taken its number.

    A draft is numbered when it is started, from the issues on main then. If last week's
    pull request is merged after this week's draft was started, both carry one number: the
    later draft takes the next one, in its `Issue:` line and in a title that still starts
    with "Issue N:". Nothing else the editor wrote changes.
    """
    metadata = draft.metadata_of(text)
    number, title = metadata.get("issue", ""), metadata.get("title", "")
    others = issue_numbers(issues_dir, besides=week)
    if not number.isdigit() or others.get(int(number), week) >= week:
        return text, None
    new = max(others) + 1
    text = draft.with_metadata(text, "Issue", str(new))
    if title.startswith(f"Issue {number}:"):
        text = draft.with_metadata(text, "Title", f"Issue {new}:{title[len(f'Issue {number}:'):]}")
    return text, (int(number), new, others[int(number)])


def _later_from_last_issue(path: Path) -> list[tuple[draft.DraftItem, list[str]]]:
    """The items marked later in the issue before this week's, whichever week that was."""
    earlier = sorted(other for other in path.parent.glob("*.md") if other.stem < path.stem)
    return draft.later_blocks(earlier[-1].read_text(encoding="utf-8")) if earlier else []


def update(content_path: Path, week: str, candidates: Sequence[Candidate], *, today: date, write: bool,
           budget: Budget | None = None) -> DraftUpdate:
    """Add the best new candidates that fit the budget to the week's draft, keeping everything the editor did."""
    path = draft_path(content_path, week)
    result = DraftUpdate(path)
    if path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = draft.new_draft(week, next_issue_number(path.parent, week))
    current = draft.parse(text)
    if not current.is_draft:
        result.published = True
        return result
    text, result.renumbered = renumbered(text, path.parent, week)
    record = Record.beside(path)
    result.dropped = set(record.offered) - current.keys
    carried = [(item, lines) for item, lines in _later_from_last_issue(path)
               if item.key not in current.keys | result.dropped]
    if carried:
        text = draft.carry_over(text, [lines for _, lines in carried])
        current = draft.parse(text)
        result.carried = [Item(url=item.url, title=item.title, source="carried over", kind=item.kind or "article")
                          for item, _ in carried]
    present = current.keys | result.dropped
    new = [c for c in candidates if c.item.key not in present]
    chosen = (budget or Budget()).select(new, present=[i.kind for i in current.items])
    result.added = [c.item for c in chosen]
    result.left_out = [c for c in new if c.eligible and c not in chosen]
    result.selected = current.keys | {item.key for item in result.added}
    result.minutes = reading_minutes([*(i.kind for i in current.items), *(item.kind for item in result.added)])
    if write:
        merged = draft.merge(text, result.added)
        draft.write_atomically(path, draft.with_metadata(merged, "Reading-time", f"{result.minutes} min"))
        for item in [*result.carried, *result.added]:
            record.offer(item, today)
        record.save()  # after the draft: a crash between the two can only forget a drop, never lose an item
        unselected.update(path, week, result.left_out, exclude=result.selected | result.dropped)
        result.written = True
    return result
