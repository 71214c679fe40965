"""Between gathering and the draft: one candidate per story, muted or ranked, and a week's worth selected.

- **One candidate per story.** Items with the same key (a paper's arXiv id, a page's
  canonical link) are merged, keeping every source's provenance; then items whose titles
  are nearly the same (rapidfuzz, `TITLE_SIMILARITY`) are merged too: the same story under
  two links. A story an earlier issue carried, by link or by title, is a repeat.
- **Mute** (`LAMPLIGHTER_MUTE`) drops a candidate by term, author, domain, repository or
  tag; it stays visible in `--json` with the rule that muted it.
- **Score**, every part kept for `--json` so the editor can see why: recency in the
  window, the `LAMPLIGHTER_FOCUS` terms it matches, popularity where the source has it
  (stars this week, likes, upvotes, citations), what the editor's past choices taught
  (`learn.py`), all times the source's `weight`.
- **Budget**: each kind has a reading time; the best candidates are taken until the
  week's `LAMPLIGHTER_BUDGET_MINUTES` or a section's cap is reached, counting what the
  draft already holds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

from .archive import Archive
from .items import Item, merge, reading_minutes, without_tracking
from .learn import Preferences
from .weeks import Window

TITLE_SIMILARITY = 92  # rapidfuzz token_sort_ratio at which two titles are one story
MIN_TITLE_WORDS = 4  # shorter titles ("v1.2.0", "Weekly notes") say too little to match on
# A signal's value at which it counts as fully popular; log-scaled below that.
POPULAR_AT = {"stars_in_period": 1000, "upvotes": 100, "likes": 1000, "citations": 2, "downloads": 100_000}


@dataclass(frozen=True)
class Candidate:
    item: Item
    score: float
    reasons: dict[str, float] = field(default_factory=dict)  # the parts of the score
    muted_by: str | None = None  # the LAMPLIGHTER_MUTE rule that drops it
    repeat_of: str | None = None  # the week of the earlier issue that carried it
    dropped_in: str | None = None  # the week whose draft the editor deleted it from

    @property
    def minutes(self) -> int:
        return reading_minutes([self.item.kind])

    @property
    def eligible(self) -> bool:
        return self.muted_by is None and self.repeat_of is None and self.dropped_in is None


@dataclass(frozen=True)
class Focus:
    """What the editor wants more and less of, and how much each source counts."""

    terms: Mapping[str, float] = field(default_factory=dict)
    mute: Mapping[str, Sequence[str]] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)  # source name -> weight
    learned: Preferences = field(default_factory=Preferences)  # from what the editor kept and dropped


def rank(items: Iterable[Item], window: Window, focus: Focus | None = None,
         archive: Archive | None = None) -> list[Candidate]:
    """Every story once, with its score and whether it is muted or a repeat; best first."""
    focus, archive = focus or Focus(), archive or Archive()
    stories = _same_titles_merged(_same_keys_merged(items))
    span = (window.until - window.since).total_seconds()
    earlier = _EarlierTitles(archive)
    candidates = [_candidate(item, window, span, focus, archive, earlier) for item in stories]
    return sorted(candidates, key=lambda c: (-c.score, c.item.title.lower()))


def _same_keys_merged(items: Iterable[Item]) -> list[Item]:
    by_key: dict[str, list[Item]] = {}
    for item in items:
        by_key.setdefault(item.key, []).append(item)
    return [merge(same) for same in by_key.values()]


def _same_titles_merged(items: list[Item]) -> list[Item]:
    """The same story under two links (a blog's post and its syndicated copy) becomes one."""
    groups: list[list[Item]] = []
    titles: list[str] = []  # each group's first title
    for item in items:
        title = _comparable(item.title)
        match = _similar(title, titles)
        if match is None:
            groups.append([item])
            titles.append(title)
        else:
            groups[match].append(item)
    return [merge(group) for group in groups]


def _comparable(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


def _similar(title: str, titles: Sequence[str]) -> int | None:
    """The index of a nearly identical title; numbers must be equal ("Stable Diffusion 3" is not "3.5")."""
    if len(title.split()) < MIN_TITLE_WORDS or not titles:
        return None
    numbers = re.findall(r"\d+", title)
    for _, _, index in process.extract(title, titles, scorer=fuzz.token_sort_ratio, score_cutoff=TITLE_SIMILARITY,
                                       limit=5):
        if re.findall(r"\d+", titles[index]) == numbers:
            return index
    return None


def _candidate(item: Item, window: Window, span: float, focus: Focus, archive: Archive,
               earlier: _EarlierTitles) -> Candidate:
    item = _clean(item)
    reasons = {"recency": round(_recency(item, window, span), 3)}
    text = _searchable(item)
    for term, weight in focus.terms.items():
        if re.search(rf"(?<!\w){re.escape(term.casefold())}(?!\w)", text):
            reasons[f"focus: {term}"] = weight
    popularity = max((min(1.0, math.log1p(item.signals.get(name, 0)) / math.log1p(full))
                      for name, full in POPULAR_AT.items()), default=0.0)
    if popularity:
        reasons["popularity"] = round(popularity, 3)
    reasons.update(focus.learned.reasons(item))
    weight = max((focus.weights.get(name, 1.0) for name in item.source.split(" · ")), default=1.0)
    score = sum(reasons.values()) * weight
    if weight != 1.0:
        reasons["source weight ×"] = weight
    return Candidate(item, round(score, 3), reasons, muted_by=_muted_by(item, text, focus.mute),
                     repeat_of=archive.weeks_by_key.get(item.key) or earlier.week_of(item.title),
                     dropped_in=archive.dropped_in.get(item.key))


def _clean(item: Item) -> Item:
    """The link a reader gets has no tracking parameters."""
    url = without_tracking(item.url)
    return item if url == item.url else replace(item, url=url)


def _searchable(item: Item) -> str:
    return " \n ".join([item.title, item.summary, *item.tags, *item.authors]).casefold()


def _muted_by(item: Item, text: str, mute: Mapping[str, Sequence[str]]) -> str | None:
    host = (urlsplit(item.url).hostname or "").removeprefix("www.")
    path = urlsplit(item.url).path.strip("/").casefold()
    tests = {
        "terms": lambda term: re.search(rf"(?<!\w){re.escape(term.casefold())}(?!\w)", text),
        "authors": lambda name: name.casefold() in (a.casefold() for a in item.authors),
        "domains": lambda domain: host == domain.casefold() or host.endswith("." + domain.casefold()),
        "repos": lambda repo: host == "github.com" and (path + "/").startswith(repo.casefold().strip("/") + "/"),
        "tags": lambda tag: tag.casefold() in (t.casefold() for t in item.tags),
    }
    for rule, values in mute.items():
        for value in values:
            if tests[rule](value):
                return f"{rule}: {value}"
    return None


class _EarlierTitles:
    """The archive's titles, made comparable once for a whole ranking."""

    def __init__(self, archive: Archive) -> None:
        self.weeks = list(archive.titles.values())
        self.titles = [_comparable(title) for title in archive.titles]

    def week_of(self, title: str) -> str | None:
        match = _similar(_comparable(title), self.titles)
        return self.weeks[match] if match is not None else None


def _recency(item: Item, window: Window, span: float) -> float:
    if item.published is None or span <= 0:
        return 0.0
    return max(0.0, min(1.0, (item.published - window.since).total_seconds() / span))


@dataclass(frozen=True)
class Budget:
    """A week's reading time, and how many items each section may hold."""

    minutes: float = math.inf
    caps: Mapping[str, int] = field(default_factory=dict)

    def select(self, candidates: Sequence[Candidate], *, present: Sequence[str | None] = ()) -> list[Candidate]:
        """The best eligible candidates that fit, after the items already present (given by kind)."""
        used = reading_minutes(present)
        per_kind: dict[str, int] = {}
        for kind in present:
            if kind:
                per_kind[kind] = per_kind.get(kind, 0) + 1
        chosen = []
        for candidate in candidates:
            kind = candidate.item.kind
            if not candidate.eligible or used + candidate.minutes > self.minutes:
                continue
            if per_kind.get(kind, 0) >= self.caps.get(kind, math.inf):
                continue
            chosen.append(candidate)
            used += candidate.minutes
            per_kind[kind] = per_kind.get(kind, 0) + 1
        return chosen
