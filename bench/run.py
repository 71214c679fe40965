"""Every benchmark (gathering, curation, ranking quality, building), as `make bench` runs it: one table of ratios against their targets, then how builds grow.

Exits 1 when a target is missed. Needs no network: every server it measures runs on 127.0.0.1.
"""

from __future__ import annotations

import sys

from rich.console import Console

import backtest_bench
import build_bench
import curation_bench
import gather_bench
from report import table


def main() -> int:
    console = Console(width=max(Console().width, 150))  # make's pipe is 80 columns: the rows would fold
    with console.status("Gathering from 100 and 1,000 local feeds, with reader as the reference…"):
        results = gather_bench.run()
    # Builds before the curation benchmarks, which keep both cores busy longer than the
    # gathering's do; a build's memory is each process's own peak after it started (tree.py),
    # so this process's size does not count.
    with console.status("Building 300, 1,000 and 2,000 issues with Hugo + Pagefind and Lamplighter, 300 with stock Pelican…"):
        built, tables = build_bench.run(growth=True)
    with console.status(f"Gathering and ranking one feed of {curation_bench.ENTRIES:,} entries…"):
        results += curation_bench.run()
    with console.status("Replaying the shared editor's weeks, and learning a year…"):
        results += backtest_bench.run()
    results += built
    console.print(table(results, "Benchmarks: gather 100 and 1,000 feeds, rank a 30,000-entry feed, replay an editor's weeks, build 300 to 2,000 issues; "
                                   "references run alongside"))
    for extra in tables:
        console.print(extra)
    return 0 if all(result.met for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
