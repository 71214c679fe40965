"""Between gathering and the draft: one candidate per link, ranked.

One paper seen through several channels (a followed author's listing, a commit that cites
it, the daily papers list) is one candidate carrying the provenance of each. For now the
rank is recency within the window; focus, mutes, learning and the reading budget come on
top of this same `Candidate` shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .items import Item, merge
from .weeks import Window


@dataclass(frozen=True)
class Candidate:
    item: Item
    score: float


def rank(items: Iterable[Item], window: Window) -> list[Candidate]:
    """One candidate per key, merged from every source that offered it, best first."""
    by_key: dict[str, list[Item]] = {}
    for item in items:
        by_key.setdefault(item.key, []).append(item)
    unique = {key: merge(same) for key, same in by_key.items()}
    span = (window.until - window.since).total_seconds()
    candidates = [Candidate(item, round(_recency(item, window, span), 3)) for item in unique.values()]
    return sorted(candidates, key=lambda c: (-c.score, c.item.title.lower()))


def _recency(item: Item, window: Window, span: float) -> float:
    if item.published is None or span <= 0:
        return 0.0
    return max(0.0, min(1.0, (item.published - window.since).total_seconds() / span))
