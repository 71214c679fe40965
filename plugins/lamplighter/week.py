"""A week's gather, start to end: sources → items → curation → the week's draft.

One function that every caller shares (the command, the tests, a backtest), as reader's
`update_feeds()` is: the command only parses its options and prints what this returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from . import curate, history, issues, report, review
from .archive import Archive
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
    last_week = review.last_week(issues_dir, week, ranking_path(config, week).parent)
    archive = Archive.load(issues_dir, besides=week)
    focus = curate.Focus.of(config, Preferences.learn(issues_dir, before=week, cache_dir=config.cache_dir,
                                                      history_weeks=history.read(config.history) if config.history else ()))
    candidates = curate.rank(gathering.items, window, focus, archive)
    budget = curate.Budget(config.budget_minutes, config.section_caps)
    # Even with nothing new, last week's [later] items move into this week's draft.
    update = issues.update(config.content_path, week, candidates, today=today, write=write, budget=budget,
                           lock_wait=config.lock_wait, on_wait=on_wait)
    if update.text is None and not update.published and not update.path.exists():
        update = None  # nothing new, and no draft to show for it
    document = report.as_json(week, gathering.reports, candidates, update)
    try:
        write_atomically(ranking_path(config, week), document)
    except OSError as error:
        gathering.notes.append(f"The ranking could not be saved for `lamplighter explain` "
                               f"({error.filename}: {error.strerror}); the draft is written.")
    return WeekResult(gathering, candidates, update, document, last_week)


def ranking_path(config: Settings, week: str) -> Path:
    """Where the last gather's ranking of a week is kept, for `lamplighter explain`."""
    return config.cache_dir / "rankings" / f"{week}.json"
