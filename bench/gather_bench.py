"""Gathering benchmark: Lamplighter's full gather against reader's, and against a sequential loop.

The feeds (RSS, 20 items, each answer delayed 0.2 s, 10 feeds per local server) are served
by another process (`feed_servers.py`), so that their work is not counted as anyone's CPU.
Measured in the same run, each in a process of its own, cold (empty caches) then warm
(every answer a 304):

- the reference, lemon24/reader's `update_feeds(workers=16)` (`reader_reference.py`, run in
  the benchmark's own environment `.venv-bench`, which `make bench` makes);
- Lamplighter's full gather (`lamplighter_gather.py`: fetch, parse, rank, the draft's
  update and the report, as `lamplighter gather --dry-run`), with its default workers.

And, at 100 feeds, a plain sequential loop of `requests.get` + `feedparser.parse`.

Targets: at 100 and 1,000 feeds, cold and warm, at most 0.8x reader's time and at most
reader's CPU time; at 100 feeds, the cold gather at most 0.15x the sequential loop and
every feed revalidated when warm. Run with `make bench`; exits 1 when a target is missed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.request import urlopen

import feedparser
import requests
from rich.console import Console

from report import Result, table

BENCH = Path(__file__).resolve().parent
READER_PYTHON = BENCH.parent / ".venv-bench" / "bin" / "python"
SIZES, FEEDS_PER_SERVER = (100, 1000), 10
SEQUENTIAL_TARGET, REVALIDATED_TARGET, READER_TARGET = 0.15, 1.0, 0.8


@contextmanager
def feeds(count: int) -> Iterator[list[str]]:
    """`count` feeds on local servers in another process; their addresses."""
    server = subprocess.Popen([sys.executable, str(BENCH / "feed_servers.py"), str(count),
                               str(count // FEEDS_PER_SERVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        urls = []
        for line in server.stdout:
            if not line.strip():
                break
            urls.append(line.strip())
        yield urls
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def counts(urls: list[str]) -> dict[str, int]:
    """How many 200s and 304s the servers sent since last asked."""
    with urlopen(urls[0].rsplit("/", 1)[0] + "/counts") as answer:
        return json.load(answer)


def measured(python: Path | str, script: str, urls: list[str]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write("\n".join(urls))
        listing.flush()
        done = subprocess.run([str(python), str(BENCH / script), listing.name], capture_output=True, text=True,
                              timeout=600, cwd=BENCH)
    if done.returncode:
        raise RuntimeError(f"{script} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def sequential(urls: list[str]) -> float:
    started = time.perf_counter()
    with requests.Session() as session:
        for url in urls:
            feedparser.parse(session.get(url, timeout=10).content)
    return time.perf_counter() - started


def run() -> list[Result]:
    if not READER_PYTHON.exists():
        raise RuntimeError(f"{READER_PYTHON} is missing: `make bench` makes the benchmark's environment with reader")
    results = []
    for size in SIZES:
        with feeds(size) as urls:
            if size == SIZES[0]:
                baseline = sequential(urls)
            reader = measured(READER_PYTHON, "reader_reference.py", urls)
            counts(urls)
            ours = measured(sys.executable, "lamplighter_gather.py", urls)
            served = counts(urls)
        revalidated = ours["unchanged"] / size
        ok = ours["candidates"] == reader["entries"] == size * 20
        for run in ("cold", "warm"):
            mine, theirs = ours[run], reader[run]
            ratio = mine["seconds"] / theirs["seconds"]
            results.append(Result(f"gather {size:,} feeds", f"{run}: time against reader",
                                  f"{mine['seconds']:.2f} s", f"{theirs['seconds']:.2f} s", ratio,
                                  f"{READER_TARGET}x", ratio <= READER_TARGET and ok))
            cpu = mine["cpu"] / theirs["cpu"]
            results.append(Result(f"gather {size:,} feeds", f"{run}: CPU against reader", f"{mine['cpu']:.2f} s",
                                  f"{theirs['cpu']:.2f} s", cpu, "1.0x", cpu <= 1.0 and ok))
        if size == SIZES[0]:
            ratio = ours["cold"]["seconds"] / baseline
            results.append(Result("gather 100 feeds", "cold: against a sequential loop",
                                  f"{ours['cold']['seconds']:.2f} s", f"{baseline:.2f} s", ratio,
                                  f"{SEQUENTIAL_TARGET}x", ratio <= SEQUENTIAL_TARGET and ok))
        results.append(Result(f"gather {size:,} feeds", "warm: revalidated (304)",
                              f"{revalidated:.0%} ({served['304']} 304s, {served['200']} 200s)", "", None,
                              f">= {REVALIDATED_TARGET:.0%}", revalidated >= REVALIDATED_TARGET))
    return results


def main() -> int:
    results = run()
    Console().print(table(results, f"Gather: {' and '.join(map(str, SIZES))} feeds x 20 items, 0.2 s per answer, "
                                   f"{FEEDS_PER_SERVER} feeds per local server; references: reader, a sequential loop"))
    return 0 if all(result.met for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
