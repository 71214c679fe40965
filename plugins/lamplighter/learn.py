"""Learning from the editor: what they keep, annotate and drop moves next week's scores.

The examples are the published issues and the records beside them: an item that was
offered (`YYYY-Www.gathered.json`) and is in the published issue was kept (+1), kept with
a note of the editor's was annotated (+2), and offered but gone was dropped (−1).

The model is a table of word weights, small enough to read: for each word of the titles,
the log-odds of it being kept rather than dropped, with add-one smoothing, counted only
once a word has been seen `MIN_EXAMPLES` times. An item's learned score is the sum of
its words' weights, capped at ±`MOST`; its biggest words are shown as its reasons. The
same is done for source names, so a source whose items are always dropped sinks.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import draft, files
from .items import Item
from .record import Record

MIN_EXAMPLES = 3  # a word seen fewer times says nothing yet
RATE = 0.25  # how far one unit of log-odds moves a score (recency spans 0–1)
MOST = 1.0  # the learned part of a score stays within ±MOST
SHOWN = 3  # words shown as reasons
STOPWORDS = frozenset("a an and are as at be by for from has how in into is it its new of on or our the this to "
                      "via we what when with without you your using towards through".split())


@dataclass
class Preferences:
    words: dict[str, float] = field(default_factory=dict)
    sources: dict[str, float] = field(default_factory=dict)

    @classmethod
    def learn(cls, issues_dir: Path, *, before: str) -> Preferences:
        """The weights learnt from every published issue before the week `before`."""
        return cls.from_examples(_examples(issues_dir, before))

    @classmethod
    def from_examples(cls, examples: Iterable[tuple[str, str, float]]) -> Preferences:
        """(title, source, label) triples: label +1 kept, +2 annotated, −1 dropped."""
        counts = {"words": defaultdict(lambda: [0.0, 0.0, 0]), "sources": defaultdict(lambda: [0.0, 0.0, 0])}
        for title, source, label in examples:
            for table, names in (("words", words(title)), ("sources", set(source.split(" · ")))):
                for name in names:
                    row = counts[table][name]
                    row[0 if label > 0 else 1] += abs(label)
                    row[2] += 1
        weights = {table: {name: round(RATE * math.log((kept + 1) / (dropped + 1)), 3)
                           for name, (kept, dropped, seen) in rows.items() if seen >= MIN_EXAMPLES}
                   for table, rows in counts.items()}
        return cls({k: v for k, v in weights["words"].items() if v}, {k: v for k, v in weights["sources"].items() if v})

    def reasons(self, item: Item) -> dict[str, float]:
        """The learned part of an item's score, by its biggest words and its sources."""
        parts = {f"learned: {word}": self.words[word] for word in words(item.title) if word in self.words}
        parts.update({f"learned source: {name}": self.sources[name]
                      for name in item.source.split(" · ") if name in self.sources})
        total = sum(parts.values())
        if not parts:
            return {}
        shown = dict(sorted(parts.items(), key=lambda pair: -abs(pair[1]))[:SHOWN])
        rest = total - sum(shown.values())
        if abs(total) > MOST:  # scaled down as a whole, so the parts still add up
            scale = MOST / abs(total)
            shown, rest = {k: round(v * scale, 3) for k, v in shown.items()}, rest * scale
        if round(rest, 3):
            shown["learned: other words"] = round(rest, 3)
        return shown


def words(title: str) -> set[str]:
    return {word for word in re.findall(r"[a-z0-9][a-z0-9\-]+", title.casefold()) if word not in STOPWORDS}


def _examples(issues_dir: Path, before: str) -> Iterable[tuple[str, str, float]]:
    for path in sorted(issues_dir.glob("*.md")):
        record = path.with_name(f"{path.stem}.gathered.json")
        if path.stem >= before or not record.exists():
            continue
        issue = draft.parse(files.read_text(path) or "")
        if issue.is_draft:
            continue
        offered = Record.load(record).offered
        present = {item.key: item for item in issue.items}
        for key, info in offered.items():
            title, source = str(info.get("title", "")), str(info.get("source", ""))
            if key not in present:
                yield title, source, -1.0
            else:
                yield title, source, 2.0 if _annotated(issue, present[key]) else 1.0


def _annotated(issue: draft.Draft, item: draft.DraftItem) -> bool:
    """An item with a paragraph of the editor's own: a blank line, then more text, inside it."""
    block = issue.lines[item.start:item.end]
    return any(not line.strip() and later.strip() for line, later in zip(block, block[1:]))
