"""A synthetic archive shaped like a long-running newsletter, in Lamplighter's issue format.

Each issue: about 250 links in the usual sections, 2,500 words and 30 KB of Markdown, an
introduction, notes under some items, topics in `Tags:`. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from lamplighter.draft import SECTION_TITLES
from lamplighter.weeks import week_of

WORDS = ("diffusion latent sampler guidance flow matching transformer attention video image editing control "
         "distillation consistency adapter lora dataset benchmark scaling tokenizer encoder decoder noise "
         "schedule training inference quantization memory speed quality prompt alignment preference").split()
TOPICS = ["controlnet", "flow matching", "distillation", "video diffusion", "image editing", "lora", "sdxl",
          "benchmarks", "datasets", "inference"]
LINKS_PER_ISSUE = 250


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def issue(number: int, day: date, rng: random.Random) -> str:
    week = week_of(day)
    lines = [f"Title: Issue {number}: {sentence(rng, 4)[:-1]}", f"Date: {day.isoformat()}", "Status: published",
             f"Issue: {number}", f"Week: {week}", f"Tags: {', '.join(rng.sample(TOPICS, 3))}",
             f"Summary: {sentence(rng, 20)}", "", sentence(rng, 40), ""]
    kinds = list(SECTION_TITLES)
    per_kind = LINKS_PER_ISSUE // len(kinds)
    for index, kind in enumerate(kinds):
        lines += [f"## {SECTION_TITLES[kind]}", ""]
        count = per_kind + (LINKS_PER_ISSUE - per_kind * len(kinds) if index == 0 else 0)
        for n in range(count):
            slug = f"{number}-{kind}-{n}"
            lines.append(f"- [{sentence(rng, 4)[:-1]}](https://source{n % 40}.example.org/2026/{slug}) · Source {n % 12}")
            lines.append(f"    — {sentence(rng, 2)}")
            if n % 25 == 0:
                lines += ["", f"    {sentence(rng, 12)}"]
            lines.append("")
    return "\n".join(lines) + "\n"


def write(folder: Path, count: int, *, seed: int = 1) -> list[Path]:
    """`count` weekly issues in `folder/issues/`, the newest in the last week of 2026."""
    rng = random.Random(seed)
    issues = folder / "issues"
    issues.mkdir(parents=True, exist_ok=True)
    last_sunday = date(2026, 11, 22)
    paths = []
    for number in range(1, count + 1):
        day = last_sunday - timedelta(weeks=count - number)
        path = issues / f"{week_of(day)}.md"
        path.write_text(issue(number, day, rng), encoding="utf-8")
        paths.append(path)
    return paths
