"""A week's gather, start to end: sources → items → curation → the week's draft.

One function that every caller shares (the command, the tests, a backtest), as reader's
`update_feeds()` is: the command only parses its options and prints what this returns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from . import curate, history, issues, report, review
from .archive import Archive
from .buildrecord import CODE_DIGEST
from .files import write_atomically
from .gather import Gathering, SourceReport, gather
from .learn import Preferences
from .settings import Settings
from .weeks import Window


@dataclass
class WeekResult:
    gathering: Gathering
    candidates: list[curate.Candidate]
    update: issues.DraftUpdate | None  # None when nothing was gathered and there was no draft to change
    document: str  # the ranking as JSON, as `--json` prints it and `explain` reads it
    last_week: review.Review | None = None  # how the last published issue compared with what was offered


def gather_week(config: Settings, week: str, window: Window, *, today: date, write: bool,
                on_done: Callable[[SourceReport], None] | None = None,
                on_wait: Callable[[str], None] | None = None, now: datetime | None = None) -> WeekResult:
    """Gather every source, rank what they offer, and add the best to the week's draft (unless `write` is off).

    `now` is the moment of the gather (undated entries are dated by it), the clock's by default.
    """
    gathering = gather(config, window, on_done=on_done, now=now)
    issues_dir = issues.draft_path(config.content_path, week).parent
    last_week = review.last_week(issues_dir, week, ranking_path(config, week).parent)  # before this ranking is saved
    budget = curate.Budget(config.budget_minutes, config.section_caps)
    standing = _standing_ranking(config, week, window, today, gathering) if write else None
    if standing is not None:
        # The same candidates would add nothing to the draft as it is; anything else (last week's
        # [later] items, say) would, and then the whole way below is taken.
        update = issues.update(config.content_path, week, [], today=today, write=False, budget=budget,
                               lock_wait=config.lock_wait, on_wait=on_wait)
        if update.text is None:
            gathering.notes.append("Nothing changed since the last gather (every source answered 304; the settings, "
                                   "the archive and the draft are as it left them): its ranking stands.")
            return WeekResult(gathering, [], _shown(update), standing, last_week)
    archive = Archive.load(issues_dir, besides=week)
    focus = curate.Focus.of(config, Preferences.learn(issues_dir, before=week, cache_dir=config.cache_dir,
                                                      history_weeks=history.read(config.history) if config.history else ()))
    candidates = curate.rank(gathering.items, window, focus, archive)
    # Even with nothing new, last week's [later] items move into this week's draft.
    update = issues.update(config.content_path, week, candidates, today=today, write=write, budget=budget,
                           lock_wait=config.lock_wait, on_wait=on_wait)
    update = _shown(update)
    document = report.as_json(week, gathering.reports, candidates, update)
    try:
        write_atomically(ranking_path(config, week), document)
        # What it was made from, as things are now that the draft is written: the next gather may reuse it.
        write_atomically(_inputs_path(config, week), _inputs(config, week, window, today) if write else "")
    except OSError as error:
        gathering.notes.append(f"The ranking could not be saved for `lamplighter explain` "
                               f"({error.filename}: {error.strerror}); the draft is written.")
    return WeekResult(gathering, candidates, update, document, last_week)


def _shown(update: issues.DraftUpdate) -> issues.DraftUpdate | None:
    """The update, or None when there is nothing new and no draft to show for it."""
    return None if update.text is None and not update.published and not update.path.exists() else update


def _standing_ranking(config: Settings, week: str, window: Window, today: date, gathering: Gathering) -> str | None:
    """The last gather's ranking, when it still holds: every source unchanged (304), and nothing else either.

    Ranking a thousand feeds' 20,000 unchanged items again would give the same order; a
    gather that finds nothing new costs what the requests cost.
    """
    if not gathering.reports or any(r.status != "not_modified" for r in gathering.reports):
        return None
    try:
        if _inputs_path(config, week).read_text(encoding="utf-8") != _inputs(config, week, window, today):
            return None
        return ranking_path(config, week).read_text(encoding="utf-8")
    except OSError:
        return None


def _inputs(config: Settings, week: str, window: Window, today: date) -> str:
    """A digest of what a week's ranking and draft are made from, besides the sources' answers.

    The settings, the week and the day, the plugin's code; every file of the issues folder
    (other issues, records, the `.unselected.txt` lists) by size and time, and the draft by
    content; the stored items and the learned model by size and time.
    """
    digest = hashlib.sha256(repr((config, week, window, today, CODE_DIGEST)).encode())
    draft_file = issues.draft_path(config.content_path, week)
    folders = [draft_file.parent, config.cache_dir / "items"]
    extra = [config.cache_dir / "learned.pickle", *([config.history] if config.history else [])]
    for path in [*(path for folder in folders for path in sorted(folder.glob("*"))), *extra]:
        try:
            found = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{found.st_size}\0{found.st_mtime_ns}\n".encode())
    if draft_file.exists():
        digest.update(draft_file.read_bytes())
    return digest.hexdigest()


def _inputs_path(config: Settings, week: str) -> Path:
    return config.cache_dir / "rankings" / f"{week}.inputs"


def ranking_path(config: Settings, week: str) -> Path:
    """Where the last gather's ranking of a week is kept, for `lamplighter explain`."""
    return config.cache_dir / "rankings" / f"{week}.json"
