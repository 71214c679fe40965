"""Lamplighter's full gather of the benchmark's feeds, cold then warm, in a process of its own.

`python bench/lamplighter_gather.py URLS_FILE [WORKERS]` (default: the setting's default) makes a newsletter in a temporary folder
whose sources are the feeds, and runs what `lamplighter gather` runs (fetch, parse, rank,
the draft's update and the report), twice: with an empty cache, then again, as the daily
gather does.
Prints one JSON object, {"cold": {"seconds", "cpu"}, "warm": {...}, "candidates": N}.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from clock import measured
from lamplighter.settings import from_pelican
from lamplighter.week import gather_week
from lamplighter.weeks import week_of, week_window


def main() -> None:
    urls = Path(sys.argv[1]).read_text().split()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "issues").mkdir()
        config = from_pelican({"PATH": folder, "LAMPLIGHTER_CACHE_DIR": "cache", "LAMPLIGHTER_TIMEOUT": 20,
                               **({"LAMPLIGHTER_WORKERS": int(sys.argv[2])} if len(sys.argv) > 2 else {}),
                               "LAMPLIGHTER_SOURCES": [{"name": f"feed {n}", "type": "feed", "url": url}
                                                       for n, url in enumerate(urls)]}, base=Path(folder))
        today = datetime.now(timezone.utc).date()
        week = week_of(today)
        results = []
        figures = {run: measured(lambda: results.append(gather_week(config, week, week_window(week), today=today,
                                                                     write=True)))
                   for run in ("cold", "warm")}
    print(json.dumps({**figures, "candidates": len(json.loads(results[-1].document)["candidates"]),
                      "unchanged": sum(r.status == "not_modified" for r in results[-1].gathering.reports)}))


if __name__ == "__main__":
    main()
