"""A week's issue on disk: `content/issues/YYYY-Www.md`, its record, and its running number."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

from . import draft, files, unselected
from .curate import Budget, Candidate
from .items import Item, item_key, reading_minutes
from .errors import DraftError, StateError
from .record import ADDED, PROMOTED, Record

ISSUES_DIR = "issues"
LOCK_FILE = ".lamplighter.lock"
SAVE_ATTEMPTS = 100  # merges started again because the editor saved meanwhile, before giving up
SAVE_PAUSE = 0.02  # seconds to let a save in progress finish


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
    offered: list[Item] = field(default_factory=list)  # what the record learns from this update
    text: str | None = None  # the draft to write, None when nothing changes
    recovered: bool = False  # a killed gather's record was settled first


def draft_path(content_path: Path, week: str) -> Path:
    return content_path / ISSUES_DIR / f"{week}.md"


def issue_numbers(issues_dir: Path, *, besides: str) -> dict[int, str]:
    """The `Issue:` number of every other week's file, to the (first) week that has it."""
    numbers: dict[int, str] = {}
    for path in sorted(issues_dir.glob("*.md")):
        if path.stem != besides:
            value = draft.metadata_of(files.read_text(path) or "").get("issue", "")
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
    return draft.later_blocks(files.read_text(earlier[-1]) or "") if earlier else []


def update(content_path: Path, week: str, candidates: Sequence[Candidate], *, today: date, write: bool,
           budget: Budget | None = None, lock_wait: float = 300.0,
           on_wait: Callable[[str], None] | None = None) -> DraftUpdate:
    """Add the best new candidates that fit the budget to the week's draft, keeping everything the editor did.

    One gather at a time writes a draft (a lock on the issues folder, waited for up to
    `lock_wait` seconds). The draft is replaced only if it is still what was read: if the editor saved
    meanwhile, the merge starts again from their text.
    """
    path = draft_path(content_path, week)
    with _locked(path, week, lock_wait, on_wait) if write else nullcontext():
        record = Record.beside(path)
        settled = record.settle(save=write)
        if write:
            for leftover in [*files.leftovers(path), *files.leftovers(record.path),
                             *files.leftovers(unselected.path_beside(path))]:
                leftover.unlink(missing_ok=True)  # a killed run's: no other gather is writing now
        problem: DraftError | None = None
        for _ in range(SAVE_ATTEMPTS):
            read = _steady(path)
            try:
                result = _planned(path, read, week, candidates, record, budget or Budget())
            except DraftError as error:
                if not _just_saved(path):
                    raise
                problem = error  # perhaps read half-way through a save: read it again once it is whole
                time.sleep(SAVE_PAUSE)
                continue
            result.recovered = settled
            if not write or result.published or result.text is None:
                return result
            if _replace(path, read, result, record, today):
                unselected.update(path, week, result.left_out, exclude=result.selected | result.dropped)
                result.written = True
                return result
    if problem:
        raise problem
    raise StateError(f"{path} changed {SAVE_ATTEMPTS} times while gathering into it; nothing was written. "
                     "Run the gather again when you have finished editing")


def _just_saved(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime < 1.0
    except FileNotFoundError:
        return True


def _steady(path: Path) -> str | None:
    """The draft as two reads in a row agree on it: an editor that saves in place is not read mid-save."""
    text = files.read_text(path)
    for _ in range(SAVE_ATTEMPTS):
        again = files.read_text(path)
        if again == text:
            break
        text = again
        time.sleep(SAVE_PAUSE)
    return text


def _planned(path: Path, read: str | None, week: str, candidates: Sequence[Candidate], record: Record,
             budget: Budget) -> DraftUpdate:
    """What a gather would do to the draft as it was read, with the text it would write (None: nothing)."""
    result = DraftUpdate(path)
    text = read if read is not None else draft.new_draft(week, next_issue_number(path.parent, week))
    current = draft.parse(text)
    problem = current.status_problem()
    if problem:
        raise DraftError(path, *problem)
    if not current.is_draft:
        result.published = True
        return result
    text, result.renumbered = renumbered(text, path.parent, week)
    # A story's parts go with it: in the draft while it is, dropped when it is deleted.
    result.dropped = set(record.offered) - current.keys
    result.dropped |= record.parts_of(result.dropped) - current.keys
    carried = [(item, lines) for item, lines in _later_from_last_issue(path)
               if item.key not in current.keys | result.dropped]
    if carried:
        text = draft.carry_over(text, [lines for _, lines in carried])
        result.carried = [Item(url=item.url, title=item.title, source="carried over", kind=item.kind or "article")
                          for item, _ in carried]
    present = current.keys | record.parts_of(current.keys) | result.dropped | {item.key for item in result.carried}
    new = [c for c in candidates if c.item.key not in present]
    kinds = [*(i.kind for i in current.items if not i.later), *(item.kind for item in result.carried)]  # [later] is next week's
    chosen = budget.select(new, present=kinds)
    # A part already in the draft (gathered on its own before its story) stays where the editor has it.
    result.added = [replace(c.item, parts=tuple(part for part in c.item.parts if item_key(part[1]) not in present))
                    for c in chosen]
    taken = {id(c) for c in chosen}  # by identity: comparing candidates field by field cost a gather a tenth of its time
    result.left_out = [c for c in new if c.eligible and id(c) not in taken]
    result.selected = present - result.dropped | {item.key for item in result.added}
    result.minutes = reading_minutes([*kinds, *(item.kind for item in result.added)])
    # What the editor added or promoted by hand is remembered too: deleted later, it is dropped.
    by_hand = [i for i in current.items if i.key not in record.offered]
    waiting = unselected.keys(unselected.path_beside(path)) if by_hand else set()  # a long list to read: only if asked
    result.offered = [*(Item(url=i.url, title=i.title, source=PROMOTED if i.key in waiting else ADDED,
                             kind=i.kind or "article") for i in by_hand), *result.carried, *result.added]
    if read is None and not result.added and not result.carried:
        return result  # a quiet week with nothing to carry over: no draft yet
    text = draft.with_metadata(draft.merge(text, result.added), "Reading-time", f"{result.minutes} min")
    changed = text != read or any(item.key not in record.offered for item in result.offered)
    result.text = text if changed else None
    return result


def _replace(path: Path, read: str | None, result: DraftUpdate, record: Record, today: date) -> bool:
    """Put the new draft in place, with its record, unless the editor saved since it was read.

    The draft that was read stays open across the rename: a save that had opened it just
    before (and so wrote into the file being replaced, not the new one) is seen afterwards,
    put back in place, and merged again; it is never lost.
    """
    record.pending.clear()  # what an earlier attempt, from an older text, would have offered
    for item in result.offered:
        record.offer(item, today)
    expected = None if read is None else read.encode("utf-8")
    try:
        current = path.open("rb")
    except FileNotFoundError:
        current = None
    with current or nullcontext():
        if _content(current) != expected:
            return False
        staged = files.temporary_beside(path, result.text or "", durable=True)
        try:
            if record.pending:
                record.stage(staged)
            if _content(current) != expected:
                if record.pending:
                    record.unstage()
                staged.unlink()
                return False
            files.replace(staged, path, durable=True, new=current is None)
        except FileExistsError:  # the editor created the draft meanwhile
            record.unstage()
            staged.unlink()
            return False
        except BaseException:
            if staged.exists():  # not in place: forget its items; if even that fails, settle() will
                with suppress(OSError):
                    record.unstage()
                    staged.unlink()
            raise
        late = _content(current)
    if late != expected:
        record.unstage()
        files.write_atomically(path, late or b"", durable=True)  # the editor's bytes, as they saved them
        return False
    if record.pending:
        record.commit()
    return True


def _content(handle: BinaryIO | None) -> bytes | None:
    if handle is None:
        return None
    handle.seek(0)
    return handle.read()


@contextmanager
def _locked(path: Path, week: str, wait: float, on_wait: Callable[[str], None] | None) -> Iterator[None]:
    """The lock on the issues folder, held from reading the week's draft to writing its record.

    One hidden file (`.lamplighter.lock`, ignored by git and Pelican) for every week: gathers
    of two weeks wait for each other too, for the second or so a draft's update takes.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(path.with_name(LOCK_FILE))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait:
                on_wait(f"Another gather of {week} is writing its draft; waiting up to {wait:g} s for it to finish.")
            lock.acquire(timeout=wait)
    except Timeout:
        raise StateError(f"another gather of {week} has held {lock.lock_file} for over {wait:g} s; "
                         "run again once it has finished") from None
    except OSError as error:
        raise StateError(f"cannot lock {week}'s draft in {path.parent}: {error.strerror}") from None
    try:
        yield
    finally:
        lock.release()
