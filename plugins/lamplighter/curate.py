"""Between gathering and the draft: one candidate per link, ranked.

For now the rank is recency within the window; focus, mutes, learning and the reading
budget come on top of this same `Candidate` shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .items import Item
from .weeks import Window


@dataclass(frozen=True)
class Candidate:
    item: Item
    score: float


def rank(items: Iterable[Item], window: Window) -> list[Candidate]:
    """One candidate per key (the first source to offer it wins), best first."""
    unique: dict[str, Item] = {}
    for item in items:
        unique.setdefault(item.key, item)
    span = (window.until - window.since).total_seconds()
    candidates = [Candidate(item, round(_recency(item, window, span), 3)) for item in unique.values()]
    return sorted(candidates, key=lambda c: (-c.score, c.item.title.lower()))


def _recency(item: Item, window: Window, span: float) -> float:
    if item.published is None or span <= 0:
        return 0.0
    return max(0.0, min(1.0, (item.published - window.since).total_seconds() / span))
