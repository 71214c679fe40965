"""Learning from the editor: what they kept and left out moves next week's scores.

The examples are the earlier weeks: in the project, each published issue and the record
beside it (an item offered in `YYYY-Www.gathered.json` and in the published issue was
kept, kept with a note of the editor's counts twice, offered and gone was dropped); in a
backtest, a history's weeks (`history.py`), where everything offered and not picked counts
as not kept.

Three scikit-learn models, each chosen by `lamplighter backtest` against an editor's real
picks (see `bench/README.md`), and each explainable:

- **words**: tf-idf over title and summary, and a logistic regression (classes balanced:
  an editor keeps a few items in hundreds), plus the Rocchio direction (the mean kept item
  minus the mean other one) in the same space, which holds up better with few weeks;
- **sources and authors**: a logistic regression over which sources offered an item, how
  many did, how many authors it has (papers by large teams are picked more often), how
  long its title is, and its signals (upvotes, stars).

An item's learned part is `WEIGHT` times the sum of the three scores, each standardised
over the candidates being ranked, within ±`MOST`. Its reasons name the words that counted
most ("learned: agents, reasoning") and the sources and authors part.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import files, history
from .history import Week
from .items import Item

if TYPE_CHECKING:  # imported where a model is fitted or used: scikit-learn takes most of a second to import
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

VERSION = 2  # of the learner: a cached model of another version is fitted again
MIN_KEPT, MIN_LEFT = 3, 3  # fewer examples of either say nothing yet
WEIGHT = 0.2  # how far one standard deviation of each model moves a score (recency spans 0–1)
MOST = 1.5  # the learned part of a score stays within ±MOST
SHOWN = 2  # words named in a reason


@dataclass(frozen=True)
class Example:
    item: Item
    kept: float  # 0 left out or dropped, 1 kept, 2 kept with the editor's note


@dataclass
class Preferences:
    """What the earlier weeks taught; empty (and silent) until they hold enough of both kinds."""

    words: TfidfVectorizer | None = None
    words_model: LogisticRegression | None = None
    direction: np.ndarray | None = None  # Rocchio: the mean kept item minus the mean other one
    traits: DictVectorizer | None = None
    traits_model: LogisticRegression | None = None

    def __eq__(self, other: object) -> bool:  # two empty ones are equal; a fitted one is itself
        return isinstance(other, Preferences) and (self.words is other.words is None or self is other)

    @property
    def empty(self) -> bool:
        return self.words is None

    @classmethod
    def learn(cls, issues_dir: Path, *, before: str, cache_dir: Path | None = None,
              history_weeks: Sequence[Week] = ()) -> Preferences:
        """What every published issue before the week `before` teaches, and the weeks of a history before it.

        The fitted models are kept in `cache_dir` (`learned.pickle`) with a digest of the
        examples they were fitted on: the same archive reuses them, any change, a missing
        or unreadable file, or another version of the learner fits them again.
        """
        weeks = [week for week in history_weeks if week.week < before]
        examples = history_examples([*weeks, *history.from_archive(issues_dir, before=before)])
        if cache_dir is None:
            return cls.from_examples(examples)
        digest = hashlib.sha256(repr([VERSION, *((e.item.url, e.item.title, e.item.source, e.item.kind, e.kept)
                                                   for e in examples)]).encode()).hexdigest()
        path = cache_dir / "learned.pickle"
        try:
            kept = pickle.loads(path.read_bytes())  # our own file in our own cache, like requests-cache's
            if kept["digest"] == digest:
                return kept["preferences"]
        except Exception:  # missing, damaged or from another version: fitted again below
            pass
        learned = cls.from_examples(examples)
        try:
            files.write_atomically(path, pickle.dumps({"digest": digest, "preferences": learned}))
        except OSError:
            pass  # a cache: the next gather fits them again
        return learned

    @classmethod
    def from_examples(cls, examples: Sequence[Example]) -> Preferences:
        kept = sum(1 for example in examples if example.kept > 0)
        if kept < MIN_KEPT or len(examples) - kept < MIN_LEFT:
            return cls()
        import numpy as np
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        labels = [1 if example.kept > 0 else 0 for example in examples]
        weights = [max(1.0, example.kept) for example in examples]
        items = [example.item for example in examples]
        words = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2 if len(items) >= 200 else 1)
        matrix = words.fit_transform([_text(item) for item in items])
        words_model = LogisticRegression(max_iter=2000, class_weight="balanced")
        words_model.fit(matrix, labels, sample_weight=weights)
        chosen = np.asarray(labels) == 1
        direction = np.asarray(matrix[chosen].mean(axis=0) - matrix[~chosen].mean(axis=0)).ravel()
        traits = DictVectorizer()
        traits_model = LogisticRegression(max_iter=2000, class_weight="balanced")
        traits_model.fit(traits.fit_transform([_traits(item) for item in items]), labels, sample_weight=weights)
        return cls(words, words_model, direction, traits, traits_model)

    def reasons(self, items: Sequence[Item]) -> list[dict[str, float]]:
        """Each item's learned part, in named pieces that add up to it; empty dicts when nothing is learned."""
        if self.empty or not items:
            return [{} for _ in items]
        import numpy as np

        matrix = self.words.transform([_text(item) for item in items])
        by_words = _standard(self.words_model.decision_function(matrix)) + _standard(matrix @ self.direction)
        by_traits = _standard(self.traits_model.decision_function(self.traits.transform([_traits(i) for i in items])))
        names = self.words.get_feature_names_out()
        liked = matrix.multiply(self.words_model.coef_[0] + self.direction).tocsr()
        said = []
        for row, (words_part, traits_part) in enumerate(zip(WEIGHT * by_words, WEIGHT * by_traits)):
            total = words_part + traits_part
            scale = min(1.0, MOST / abs(total)) if total else 1.0
            line = liked.getrow(row)
            top = [names[index] for index in line.indices[np.argsort(-np.sign(words_part) * line.data)][:SHOWN]]
            words_name = f"learned: {', '.join(top)}" if top else "learned: words"
            said.append({name: round(value * scale, 3) for name, value in
                         ((words_name, words_part), ("learned: sources and authors", traits_part)) if round(value, 3)})
        return said


def history_examples(weeks: Sequence[Week]) -> list[Example]:
    """Every candidate of the weeks: kept if the editor picked it (twice over with their note), otherwise not."""
    return [Example(item, 2.0 if item.key in week.noted else 1.0 if item.key in week.kept_keys else 0.0)
            for week in weeks for item in week.candidates]


def _text(item: Item) -> str:
    return f"{item.title}\n{item.summary}"


def _traits(item: Item) -> dict[str, Any]:
    sources = [name for name in item.source.split(" · ") if name]
    return {**{f"source={name}": 1 for name in sources}, "sources": len(sources) - 1,
            "authors": math.log1p(len(item.authors)), "title length": len(item.title) / 100,
            **{f"signal={name}": math.log1p(value) for name, value in item.signals.items()}}


def _standard(values: Any) -> np.ndarray:
    import numpy as np

    values = np.asarray(values, dtype=float).ravel()
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)
