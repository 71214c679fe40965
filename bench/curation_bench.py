"""Curation benchmark: one feed of 30,000 entries, gathered from a local server and ranked.

The titles are made like a big aggregator's: words drawn from a long-tailed vocabulary,
version numbers and years, and one entry in ten a near-copy of another (a trailing
period, other capitals, a word dropped or made plural). Measured in the same run:

- the time `curate.rank` takes on the whole feed (target: under 10 s on the project's
  machine), beside the time the feed takes to fetch and parse;
- on the first `SAMPLE` entries, the same near-duplicate merging done all against all (the
  way it was done before, one rapidfuzz query per title against every earlier group),
  to show what blocking saves, and that it finds the same stories: the two groupings
  must agree on at least `AGREEMENT` of the entries.

And joining stories: 5,000 candidates, 1,000 papers with 1,500 models tagged with them and
1,000 repositories citing them, joined into 2,500 stories in under 2 s.

Run with `make bench`; exits 1 when a target is missed.
"""

from __future__ import annotations

import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from rapidfuzz import fuzz, process
from rich.console import Console

from lamplighter import curate
from lamplighter.gather import gather
from lamplighter.settings import from_pelican
from lamplighter.weeks import week_of, week_window
from report import Result, table

ENTRIES, SAMPLE, SECONDS_TARGET, AGREEMENT, JOIN_SECONDS = 30_000, 3_000, 10.0, 0.99, 2.0
SYLLABLES = ["dif", "fu", "sion", "trans", "form", "er", "lat", "ent", "mod", "el", "flow", "match", "ing", "im",
             "age", "vid", "eo", "gen", "er", "ate", "scal", "a", "ble", "con", "sis", "ten", "cy", "den", "ois",
             "text", "to", "three", "dee", "ren", "der", "pix", "art", "styl", "ize", "tok", "en", "prior", "mask"]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def titles(rng: random.Random, count: int) -> list[str]:
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]  # a few words everywhere, most rare (Zipf)
    made: list[str] = []
    for _ in range(count):
        if made and rng.random() < 0.1:
            made.append(near_copy(rng, rng.choice(made)))
            continue
        title = rng.choices(words, weights, k=rng.randint(5, 13))
        if rng.random() < 0.2:
            title.insert(rng.randrange(len(title)), rng.choice(["v2", "3.5", "2026", "10", "1B", "7B"]))
        made.append(" ".join(title).capitalize())
    return made


def near_copy(rng: random.Random, title: str) -> str:
    words = title.split()
    change = rng.randrange(4)
    if change == 0:
        return title + "."
    if change == 1:
        return title.upper()
    if change == 2 and len(words) > 8:
        del words[rng.randrange(len(words))]
    elif change == 3:
        index = rng.randrange(len(words))
        words[index] += "s"
    return " ".join(words)


def feed_body(entries: list[str], now: datetime) -> bytes:
    items = "".join(f"<item><title>{escape(title)}</title><link>https://agg.example/{n}</link>"
                    f"<pubDate>{format_datetime(now - timedelta(seconds=n))}</pubDate></item>"
                    for n, title in enumerate(entries))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()


def all_against_all(names: list[str]) -> list[int]:
    """Each title's group, as curation grouped them before: one query against every earlier group's first title."""
    firsts: list[str] = []
    group_of = []
    for name in names:
        title = curate._comparable(name)
        numbers = curate.re.findall(r"\d+", title)
        match = None
        if len(title.split()) >= curate.MIN_TITLE_WORDS and firsts:
            for _, _, index in process.extract(title, firsts, scorer=fuzz.token_sort_ratio,
                                               score_cutoff=curate.TITLE_SIMILARITY, limit=5):
                if curate.re.findall(r"\d+", firsts[index]) == numbers:
                    match = index
                    break
        if match is None:
            firsts.append(title)
            match = len(firsts) - 1
        group_of.append(match)
    return group_of


def agreement(first: list[int], second: list[int]) -> float:
    """The share of entries whose pairs agree: the same earlier entries share their group in both."""
    def partners(groups: list[int]) -> list[frozenset[int]]:
        members: dict[int, set[int]] = {}
        for index, group in enumerate(groups):
            members.setdefault(group, set()).add(index)
        return [frozenset(members[group]) for group in groups]

    return sum(a == b for a, b in zip(partners(first), partners(second))) / len(first)


def joined(now: datetime) -> Result:
    """5,000 candidates of which most name their story: models tagged with papers, repositories citing them."""
    from lamplighter.items import Item

    papers = [Item(url=f"https://arxiv.org/abs/2611.{n:05d}", title=f"Paper {n}", source="arXiv", kind="paper",
                   published=now) for n in range(1000)]
    models = [Item(url=f"https://huggingface.co/org/model-{n}", title=f"org/model-{n}", source="Hub", kind="model",
                   published=now, links_to=((papers[n % 1000].url, "tagged"),)) for n in range(1500)]
    repos = [Item(url=f"https://github.com/org/repo-{n}", title=f"org/repo-{n}", source="Trending", kind="code",
                  published=now, links_to=((papers[(n * 7) % 1000].url, "cites"),)) for n in range(1000)]
    others = [Item(url=f"https://blog.example/{n}", title=f"Post {n}", source="Blog", published=now)
              for n in range(1500)]
    stories = [(item, index) for index, item in enumerate([*papers, *models, *repos, *others])]
    started = time.perf_counter()
    result = curate._joined(stories)
    seconds = time.perf_counter() - started
    return Result("curation", "join 5,000 candidates into stories", f"{seconds:.2f} s", "", None, f"< {JOIN_SECONDS:g} s",
                  seconds < JOIN_SECONDS and len(result) == 2500)


def serve(body: bytes) -> ThreadingHTTPServer:
    """The feed on a local server, each answer in one write."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run() -> list[Result]:
    rng = random.Random(48)
    now = datetime.now(timezone.utc)
    entries = titles(rng, ENTRIES)
    server = serve(feed_body(entries, now))
    with tempfile.TemporaryDirectory() as cache:
        settings = from_pelican({"PATH": cache, "LAMPLIGHTER_CACHE_DIR": cache, "LAMPLIGHTER_TIMEOUT": 60,
                                 "LAMPLIGHTER_SOURCES": [{"name": "Big", "type": "feed",
                                                          "url": f"http://127.0.0.1:{server.server_port}/big.rss"}]},
                                base=Path(cache))
        window = week_window(week_of(now.date()))
        window = type(window)(now - timedelta(days=1), now + timedelta(days=1))  # every entry is in it
        started = time.perf_counter()
        gathered = gather(settings, window)
        gather_seconds = time.perf_counter() - started
    server.shutdown()
    started = time.perf_counter()
    candidates = curate.rank(gathered.items, window)
    rank_seconds = time.perf_counter() - started

    sample = gathered.items[:SAMPLE]
    started = time.perf_counter()
    before = all_against_all([item.title for item in sample])
    before_seconds = time.perf_counter() - started
    started = time.perf_counter()
    now_grouped = curate.rank(sample, window)
    sample_seconds = time.perf_counter() - started
    group_of_url = {url: index for index, c in enumerate(now_grouped)
                    for url in [c.item.url, *(page for _, page in c.item.pages)]}
    agreed = agreement(before, [group_of_url[item.url] for item in sample])
    return [
        Result("curation", f"rank {len(gathered.items):,} entries", f"{rank_seconds:.2f} s",
               f"fetch + parse {gather_seconds:.2f} s", None, f"< {SECONDS_TARGET:g} s",
               len(gathered.items) == ENTRIES and rank_seconds < SECONDS_TARGET and len(candidates) < ENTRIES),
        Result("curation", f"rank {SAMPLE:,} entries", f"{sample_seconds:.2f} s",
               f"all against all {before_seconds:.2f} s", sample_seconds / before_seconds, "< 1x",
               sample_seconds < before_seconds),
        Result("curation", "same stories as all against all", f"{agreed:.2%}", "", None,
               f">= {AGREEMENT:.0%}", agreed >= AGREEMENT),
        joined(now),
    ]


def main() -> int:
    results = run()
    Console().print(table(results, f"Curation: one feed of {ENTRIES:,} entries; reference: all against all"))
    return 0 if all(result.met for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
