"""Between gathering and the draft: one candidate per story, muted or ranked, and a week's worth selected.

- **One candidate per story.** Items with the same key (a paper's arXiv id, a page's
  canonical link) are merged, keeping every source's provenance; then items whose titles
  are nearly the same (rapidfuzz, `TITLE_SIMILARITY`) are merged too, when they are on one
  site (a post and its copy) or one of them is a story's own page (a paper, a repository,
  a model), which keeps its link and title (`items.merge`): two blogs never become one
  item by title alone. A story an earlier issue carried, by link or by title, is a repeat.
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
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

from .archive import Archive
from .items import (Item, item_key, join, merge, owner_link, part_label, part_role, reading_minutes, update_key,
                    without_tracking)
from .learn import Preferences
from .settings import Settings
from .weeks import Window, week_of

TITLE_SIMILARITY = 92  # rapidfuzz token_sort_ratio at which two titles are one story
MIN_TITLE_WORDS = 4  # shorter titles ("v1.2.0", "Weekly notes") say too little to match on
RAREST_WORDS = 3  # how many of a title's rarest words find the titles it may match
WORD_STEM = 5  # letters of a word that count when finding them
_HEAD_ORDER = {"paper": 0, "code": 1, "model": 2}  # what leads a story, first to last
_EVENTS = {"code": "Code released", "weights": "Weights on the Hub", "release": "Shipped in a release"}
_NEWS_KINDS = ("code", "model", "release")  # what is news of a story; a post citing an old paper is a post
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

    @classmethod
    def of(cls, config: Settings, learned: Preferences | None = None) -> Focus:
        """The settings' focus terms, mutes and source weights, and what was learned."""
        return cls(config.focus, config.mute, {s.name: s.options.get("weight", 1.0) for s in config.sources},
                   learned or Preferences())


def rank(items: Iterable[Item], window: Window, focus: Focus | None = None,
         archive: Archive | None = None) -> list[Candidate]:
    """Every story once, with its score and whether it is muted or a repeat; best first."""
    focus, archive = focus or Focus(), archive or Archive()
    # A story's own page leads its group, so the pages that mention it can join it.
    items = sorted(_same_keys_merged(items), key=lambda item: not owner_link(item.url))
    earlier = list(archive.titles)
    titles = _Titles([*earlier, *(item.title for item in items)])
    stories = _joined(_same_titles_merged(items, titles, offset=len(earlier)))
    span = (window.until - window.since).total_seconds()
    weeks = list(archive.titles.values())
    learned = focus.learned.reasons([_clean(item) for item, _ in stories])  # standardised over this week's stories
    candidates = [_candidate(item, window, span, focus, archive, learned=taught,
                             repeat_by_title=next((weeks[j] for j in titles.similar(place, range(len(earlier)))), None))
                  for (item, place), taught in zip(stories, learned)]
    return sorted(_with_updates(candidates, archive), key=lambda c: (-c.score, c.item.title.lower()))


def _with_updates(candidates: list[Candidate], archive: Archive) -> list[Candidate]:
    """News of a story an earlier issue carried (or the editor dropped) comes as an update, once per event.

    A repeated story's new parts (its code is out, its weights are on the Hub) and a new
    version of its paper posted since are each an update; code, a model or a release that
    names a published story (a repository citing an earlier issue's paper) is one too.
    Parts published before, or updates the editor deleted, are not.
    """
    seen = {**archive.weeks_by_key, **archive.dropped_in}
    changed = []
    for candidate in candidates:
        item, earlier = candidate.item, candidate.repeat_of or candidate.dropped_in
        if earlier:
            changed.append(candidate)
            changed += [_update(candidate, url, _event(label), how, item.key, archive, source=source)
                        for label, url, how, source in item.parts if item_key(url) not in seen]
            version = f"{item.url}v{item.version}"
            if (item.version > 1 and item.published and week_of(item.published.date()) > earlier
                    and update_key(version) not in seen):
                changed.append(_update(candidate, version, f"New version (v{item.version})",
                                       f"v{item.version} posted on arXiv on {item.published:%Y-%m-%d}", item.key,
                                       archive))
            continue
        story, how = next(((key, how) for link, how in item.links_to
                           if (key := item_key(link)) in archive.stories and key != item.key), (None, ""))
        changed.append(_update(candidate, item.url, _event(part_label(item)), how, story, archive)
                       if story and item.kind in _NEWS_KINDS else candidate)
    return changed


def _event(label: str) -> str:
    """What a part's arrival is, as news: "Code released", "Merged into huggingface/diffusers #9101"."""
    role = part_role(label)
    return f"Merged into {label.removeprefix('in ')}" if role == "merge" else _EVENTS.get(role, f"New: {label}")


def _update(candidate: Candidate, url: str, event: str, how: str, story: str, archive: Archive, *,
            source: str = "") -> Candidate:
    week = archive.weeks_by_key.get(story) or archive.dropped_in.get(story, "")
    title, link = archive.stories.get(story, (candidate.item.title, candidate.item.url))
    said = (how, *([f"you dropped the story in {week}"] if story in archive.dropped_in else []))
    item = replace(candidate.item, url=url, title=f"{event} for {title}", kind="update", provenance=said,
                   source=source or candidate.item.source,
                   parts=(), links_to=(), pages=(), follows=(week, archive.issues.get(week, ""), title, link))
    return replace(candidate, item=item, repeat_of=None, dropped_in=archive.dropped_in.get(item.key))


def _same_keys_merged(items: Iterable[Item]) -> list[Item]:
    by_key: dict[str, list[Item]] = {}
    for item in items:
        by_key.setdefault(item.key, []).append(item)
    return [merge(same) for same in by_key.values()]


def _same_titles_merged(items: list[Item], titles: _Titles, *, offset: int) -> list[tuple[Item, int]]:
    """The same story under two links (a blog's post and its syndicated copy) becomes one.

    Each item joins the group of the most similar earlier group's first title, if it may
    (`_may_join`); each story comes with its first item's index in `titles`.
    """
    groups: dict[int, list[Item]] = {}  # by the index of the group's first item
    for index, item in enumerate(items):
        place = offset + index
        joined = next((first for first in titles.similar(place, range(offset, place))
                       if first - offset in groups and _may_join(groups[first - offset], item)), None)
        groups.setdefault(index if joined is None else joined - offset, []).append(item)
    return [(merge(group), offset + first) for first, group in groups.items()]


def _joined(stories: list[tuple[Item, int]]) -> list[tuple[Item, int]]:
    """Items a source says belong to one story (a model tagged with its paper, a paper's code) become one item.

    Union-find over the joins the sources carry (`Item.links_to`), in one pass: a story
    holds at most one paper, so two papers that share a repository stay two stories. Its
    head is the paper, else the repository, else the model, else the first item.
    """
    at = {item.key: index for index, (item, _) in enumerate(stories)}
    parent = list(range(len(stories)))
    papers = {index for index, (item, _) in enumerate(stories) if item.kind == "paper"}  # roots holding a paper
    how: dict[int, str] = {}  # each member: the join that brought it in

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = index = parent[parent[index]]
        return index

    # What a part says of itself (a model's tag, a repository's description) comes before what a
    # paper claims: of two papers naming one repository, the one the repository names gets it.
    for index, (item, _) in sorted(enumerate(stories), key=lambda pair: pair[1][0].kind == "paper"):
        for link, said in item.links_to:
            other = at.get(item_key(link))
            if other is None:
                continue
            first, second = root(index), root(other)
            if first == second or (first in papers and second in papers):
                continue
            if first in papers:
                first, second = second, first  # the root keeps the paper
            parent[first] = second
            how.setdefault(index, said)
            how.setdefault(other, said)
    groups: dict[int, list[int]] = {}
    for index in range(len(stories)):
        groups.setdefault(root(index), []).append(index)
    joined = []
    for members in groups.values():
        head = min(members, key=lambda index: (_HEAD_ORDER.get(stories[index][0].kind, len(_HEAD_ORDER)), index))
        parts = [(stories[index][0], how.get(index, "")) for index in members if index != head]
        joined.append((join(stories[head][0], parts), stories[head][1]))
    return joined


def _may_join(group: list[Item], item: Item) -> bool:
    """Two links become one item by title only on one site, or under a story's own page, never two of them."""
    owners = {member.key for member in [*group, item] if owner_link(member.url)}
    if len(owners) > 1:
        return False  # two papers (or a paper and a repository) with one title are still two
    return bool(owners) or all(_host(member.url) == _host(item.url) for member in group)


def _host(url: str) -> str:
    """One site's host: two blogs on github.io or co.uk are two sites."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _comparable(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


class _Titles:
    """Titles made comparable once, and a way to find the nearly identical ones without comparing all against all.

    Two titles can only match when their numbers are equal ("Stable Diffusion 3" is not
    "3.5") and, at `TITLE_SIMILARITY`, when they share one of their `RAREST_WORDS` rarest
    words (prefix filtering; words are cut to `WORD_STEM` letters, so "model" meets
    "models"). Only those are compared: a feed of 30,000 entries took 226 s all against
    all, and takes seconds this way (`bench/`).
    """

    def __init__(self, titles: Sequence[str]) -> None:
        self.titles = [_comparable(title) for title in titles]
        self.numbers = [tuple(re.findall(r"\d+", title)) for title in self.titles]
        words = [{word[:WORD_STEM] for word in title.split() if not word.isdigit()}
                 if len(title.split()) >= MIN_TITLE_WORDS else set() for title in self.titles]
        counts = Counter(word for title in words for word in title)
        self.rarest = [sorted(title, key=lambda word: (counts[word], word))[:RAREST_WORDS] for title in words]
        self.index: dict[tuple[tuple[str, ...], str], list[int]] = {}
        for place, rarest in enumerate(self.rarest):
            for word in rarest:
                self.index.setdefault((self.numbers[place], word), []).append(place)

    def similar(self, place: int, among: range) -> list[int]:
        """The places in `among` of titles nearly identical to the one at `place`, most similar first."""
        near = set()
        for word in self.rarest[place]:
            places = self.index[(self.numbers[place], word)]  # in increasing order
            near.update(places[bisect_left(places, among.start):bisect_left(places, among.stop)])
        near.discard(place)
        if not near:
            return []
        near_places = sorted(near)
        found = process.extract(self.titles[place], [self.titles[other] for other in near_places],
                                scorer=fuzz.token_sort_ratio, score_cutoff=TITLE_SIMILARITY, limit=None)
        return [near_places[index] for _, _, index in sorted(found, key=lambda match: (-match[1], match[2]))]


def _candidate(item: Item, window: Window, span: float, focus: Focus, archive: Archive, *,
               learned: Mapping[str, float], repeat_by_title: str | None) -> Candidate:
    item = _clean(item)
    reasons = {"recency": round(_recency(item, window, span), 3)}
    text = _searchable(item)
    for term, weight in focus.terms.items():
        if re.search(rf"(?<!\w){re.escape(term.casefold())}(?!\w)", text):
            reasons[f"focus: {term}"] = weight
    popularity = max((min(1.0, math.log1p(item.signals[name]) / math.log1p(full))
                      for name, full in POPULAR_AT.items() if item.signals.get(name)), default=0.0)
    if popularity:
        reasons["popularity"] = round(popularity, 3)
    reasons.update(learned)
    weight = max((focus.weights.get(name, 1.0) for name in item.source.split(" · ")), default=1.0)
    score = sum(reasons.values()) * weight
    if weight != 1.0:
        reasons["source weight ×"] = weight
    return Candidate(item, round(score, 3), reasons, muted_by=_muted_by(item, text, focus.mute),
                     repeat_of=archive.weeks_by_key.get(item.key) or repeat_by_title,
                     dropped_in=archive.dropped_in.get(item.key))


def _clean(item: Item) -> Item:
    """The link a reader gets has no tracking parameters."""
    url = without_tracking(item.url)
    return item if url == item.url else replace(item, url=url)


def _searchable(item: Item) -> str:
    return " \n ".join([item.title, item.summary, *item.tags, *item.authors]).casefold()


def _muted_by(item: Item, text: str, mute: Mapping[str, Sequence[str]]) -> str | None:
    if not any(mute.values()):
        return None
    host = _host(item.url)
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
