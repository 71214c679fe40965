"""The reference for gathering: lemon24/reader's `update_feeds(workers=16)` on the same feeds, cold then warm.

Run in the benchmark's own environment (`.venv-bench`, made by `make bench`), which has
reader and what it needs to import: `python bench/reader_reference.py URLS_FILE`. Prints
one JSON object, {"cold": {"seconds", "cpu"}, "warm": {...}}. Warm, every feed is asked
again (`scheduled=False`), with the validators reader kept: every answer is a 304.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from clock import measured
from reader import make_reader


def main() -> None:
    urls = Path(sys.argv[1]).read_text().split()
    with tempfile.TemporaryDirectory() as folder:
        reader = make_reader(str(Path(folder) / "reader.sqlite"))
        for url in urls:
            reader.add_feed(url)
        figures = {run: measured(lambda: reader.update_feeds(workers=16, scheduled=False)) for run in ("cold", "warm")}
        entries = reader.get_entry_counts().total
        reader.close()
    print(json.dumps({**figures, "entries": entries}))


if __name__ == "__main__":
    main()
