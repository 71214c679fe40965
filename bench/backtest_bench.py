"""Ranking quality and learning speed: the editor's real picks, when the shared weeks are at hand.

- Quality: `lamplighter backtest` on `../shared/curation/dev-weeks.jsonl.xz` (13 real weeks
  of a weekly AI-papers newsletter; see its README), with no settings: mean recall@30 at
  least 1.3x the tf-idf + logistic regression baseline of the same run, and recall@100 at
  least 0.6. Skipped, and said so, when the file is not there (it is never copied here).
- Speed: learning from a year of a project's weeks (52 published issues, each with 40
  offered items, as records hold them) and ranking 5,000 candidates: at most 5 s.

Run with `make bench`; exits 1 when a target is missed.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rich.console import Console

from lamplighter import backtest, curate, history
from lamplighter.items import Item
from lamplighter.learn import Example, Preferences
from lamplighter.weeks import Window
from report import Result, table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "curation" / "dev-weeks.jsonl.xz"
RATIO, RECALL_100, SECONDS = 1.3, 0.6, 5.0
WORDS = ("diffusion transformer video image latent flow matching distillation consistency sampler guidance "
         "control adapter lora benchmark dataset agent reasoning tokenizer attention scaling editing inpainting "
         "super resolution 3d gaussian splatting motion audio speech caption alignment safety watermark").split()


def quality() -> list[Result]:
    if not SHARED.exists():
        return [Result("curation", "backtest on the shared weeks", "skipped", f"{SHARED} not found", None,
                       f">= {RATIO}x tf-idf + LR", True)]
    started = time.perf_counter()
    result = backtest.replay(history.read(SHARED))
    seconds = time.perf_counter() - started
    mean, baseline = result["mean"], result["baselines"]["tfidf_lr"]
    ratio = mean["recall@30"] / baseline["recall@30"] if baseline["recall@30"] else float("inf")
    return [
        Result("curation", f"backtest recall@30 ({len(result['weeks'])} weeks, {seconds:.0f} s)",
               f"{mean['recall@30']:.3f}", f"tf-idf + LR {baseline['recall@30']:.3f}", ratio, f">= {RATIO}x",
               ratio >= RATIO),
        Result("curation", "backtest recall@100", f"{mean['recall@100']:.3f}",
               f"tf-idf + LR {baseline['recall@100']:.3f}", None, f">= {RECALL_100}", mean["recall@100"] >= RECALL_100),
    ]


def speed() -> Result:
    rng = random.Random(19)
    now = datetime.now(timezone.utc)

    def item(n: int) -> Item:
        title = " ".join(rng.choices(WORDS, k=rng.randint(5, 10))).capitalize()
        return Item(url=f"https://lab.example/{n}", title=title, summary=title * 3, source=rng.choice(["A", "B", "C"]),
                    authors=("X",) * rng.randint(1, 12), published=now - timedelta(hours=rng.randint(0, 160)))

    examples = [Example(item(n), float(rng.random() < 0.7)) for n in range(52 * 40)]
    candidates = [item(10**6 + n) for n in range(5000)]
    started = time.perf_counter()
    ranked = curate.rank(candidates, Window(now - timedelta(days=7), now + timedelta(days=1)),
                         curate.Focus(learned=Preferences.from_examples(examples)))
    seconds = time.perf_counter() - started
    learned = any(name.startswith("learned") for name in ranked[0].reasons)
    return Result("curation", "learn a year, rank 5,000", f"{seconds:.2f} s", "", None, f"<= {SECONDS:g} s",
                  seconds <= SECONDS and learned)


def run() -> list[Result]:
    return [*quality(), speed()]


def main() -> int:
    results = run()
    Console().print(table(results, "Curation quality (the editor's real picks) and learning speed"))
    return 0 if all(result.met for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
