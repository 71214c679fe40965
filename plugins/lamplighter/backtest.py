"""Replaying an editor's weeks: would the ranking have put their picks near the top?

For each week, learning sees the earlier weeks only (what was offered, what was kept; the
rest counts as not kept), and the week's candidates are ranked by `curate.rank`, the code
a gather uses: one per story, earlier weeks' picks left out as repeats, the settings'
mutes, focus and source weights, the learned preferences, signals and recency. A pick's
rank is its place among the candidates the ranking keeps (None when it left it out).

Measured in the same run on the same weeks, with earlier picks left out the same way:
random order (its expectation), newest first, and tf-idf + logistic regression trained on
the earlier weeks, the classic text classifier the learner has to beat.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from . import curate
from .archive import Archive
from .history import Week
from .items import Item, item_key
from .learn import Preferences, history_examples
from .weeks import Window, midnight, week_window

CUTS = (10, 30, 100)
METRICS = (*(f"recall@{k}" for k in CUTS), "precision@k")


def replay(weeks: Sequence[Week], focus: curate.Focus | None = None, *, start: int = 1,
           on_week: Callable[[str], None] | None = None) -> dict:
    """The figures `lamplighter backtest --json` prints, week by week and on average, with the baselines."""
    focus = focus or curate.Focus()
    scored, baselines = [], {"random": [], "newest": [], "tfidf_lr": []}
    for index in range(max(start, 0), len(weeks)):
        week, earlier = weeks[index], weeks[:index]
        picked_before = {key for past in earlier for key in past.kept_keys}
        ranked = curate.rank(week.candidates, _window(week), replace(focus, learned=_learned(earlier)),
                             _archive(earlier))
        ranks = _ranks([candidate.item for candidate in ranked if candidate.eligible], week)
        scored.append({"week": week.week, "candidates": len(week.candidates), "kept": list(week.kept),
                       "ranks": ranks, **score(ranks, len(week.kept))})
        pool = [item for item in week.candidates if item.key not in picked_before]
        baselines["random"].append(_random(pool, week))
        baselines["newest"].append(score(_ranks(_newest(pool), week), len(week.kept)))
        baselines["tfidf_lr"].append(score(_ranks(_tfidf_lr(earlier, pool), week), len(week.kept)))
        if on_week:
            on_week(week.week)
    return {"weeks": scored, "mean": mean(scored),
            "baselines": {name: mean(rows) for name, rows in baselines.items()}}


def score(ranks: dict[str, int | None], picks: int) -> dict[str, float]:
    """Recall at 10, 30 and 100, and precision at k, the number of picks."""
    places = [place for place in ranks.values() if place is not None]
    if not picks:
        return {name: 0.0 for name in METRICS}
    figures = {f"recall@{k}": sum(place <= k for place in places) / picks for k in CUTS}
    figures["precision@k"] = sum(place <= picks for place in places) / picks
    return {name: round(value, 4) for name, value in figures.items()}


def mean(rows: Sequence[dict]) -> dict[str, float]:
    return {name: round(sum(row[name] for row in rows) / len(rows), 4) if rows else 0.0 for name in METRICS}


def _learned(earlier: Sequence[Week]) -> Preferences:
    return Preferences.from_examples(history_examples(earlier))


def _archive(earlier: Sequence[Week]) -> Archive:
    """Only earlier picks are repeats: a candidate not picked may be offered again (the pools overlap)."""
    archive = Archive()
    for week in earlier:
        for item in week.candidates:
            if item.key in week.kept_keys:
                archive.weeks_by_key.setdefault(item.key, week.week)
                archive.titles.setdefault(item.title, week.week)
        for url in week.kept:
            archive.weeks_by_key.setdefault(item_key(url), week.week)
    return archive


def _window(week: Week) -> Window:
    """The week, widened to its earliest candidate: recency then runs over everything offered."""
    span = week_window(week.week)
    dates = [item.published for item in week.candidates if item.published]
    since = min([span.since, *(midnight(moment.date()) for moment in dates)])
    until = max([span.until, *(midnight(moment.date()) + timedelta(days=1) for moment in dates)])
    return Window(since, until)


def _ranks(order: Sequence[Item], week: Week) -> dict[str, int | None]:
    """Each pick's place in the order, found by its link, another source's page merged into an item, or a story's part."""
    places: dict[str, int] = {}
    for place, item in enumerate(order, 1):
        for url in [item.url, *(page for _, page in item.pages), *(part[1] for part in item.parts)]:
            places.setdefault(item_key(url), place)
    return {url: places.get(item_key(url)) for url in week.kept}


def _random(pool: Sequence[Item], week: Week) -> dict[str, float]:
    """What a random order gives on average: each pick is in the top k with probability k / n."""
    keys = {item.key for item in pool}
    picks, present = len(week.kept), sum(1 for key in week.kept_keys if key in keys)
    if not picks or not pool:
        return {name: 0.0 for name in METRICS}
    figures = {f"recall@{k}": present / picks * min(k, len(pool)) / len(pool) for k in CUTS}
    figures["precision@k"] = present / picks * min(picks, len(pool)) / len(pool)
    return {name: round(value, 4) for name, value in figures.items()}


def _newest(pool: Sequence[Item]) -> list[Item]:
    undated = datetime.min.replace(tzinfo=timezone.utc)
    return sorted(pool, key=lambda item: item.published or undated, reverse=True)


def _tfidf_lr(earlier: Sequence[Week], pool: Sequence[Item]) -> list[Item]:
    """A plain tf-idf + logistic regression on title and summary, trained on the earlier weeks."""
    examples = [(f"{item.title}\n{item.summary}", item.key in week.kept_keys) for week in earlier
                for item in week.candidates]
    if len({kept for _, kept in examples}) < 2 or not pool:
        return list(pool)
    import numpy as np  # here, not above: every command loads this module, and scikit-learn is slow to import
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    words = TfidfVectorizer(sublinear_tf=True)
    model = LogisticRegression(max_iter=1000)
    model.fit(words.fit_transform([text for text, _ in examples]), [kept for _, kept in examples])
    scores = model.decision_function(words.transform([f"{item.title}\n{item.summary}" for item in pool]))
    return [pool[index] for index in np.argsort(-scores, kind="stable")]

