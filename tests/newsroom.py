"""A newsletter under test: a feed on loopback that grows, a project, and gathers in- and out-of-process.

Out of process, a gather is the real `lamplighter gather` command; with `pause_at=N` it stops
before its Nth write and waits there (see `lamplighter.files.pause_point`), so a test can
kill it with a real SIGKILL at that instant, or let it go on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from feeds import atom
from lamplighter import draft
from lamplighter.cli import main
from lamplighter.record import Record

WEEK = "2026-W48"
MONDAY = datetime(2026, 11, 23, tzinfo=timezone.utc)


@dataclass
class Newsroom:
    project: object  # conftest.Project
    server: object  # conftest.FeedServer
    entries: list[dict] = field(default_factory=list)
    extra_settings: str = ""

    def __post_init__(self) -> None:
        self.configure()

    def configure(self, extra: str = "") -> None:
        self.extra_settings += extra
        self.project.configure([{"name": "Blog", "type": "feed", "url": self.server.url("/feed.atom")}],
                               extra=self.extra_settings)
        self.serve()

    def serve(self) -> None:
        self.server.add("/feed.atom", atom(self.entries))

    def post(self, slug: str, *, title: str | None = None, link: str | None = None, hour: int = 0) -> str:
        """A new entry in the feed (dated in the week); returns its link."""
        link = link or f"https://blog.example/{slug}"
        when = MONDAY + timedelta(days=len(self.entries) % 7, hours=hour)
        self.entries.append({"title": title or f"Post about {slug}", "link": link, "date": when,
                             "summary": f"What {slug} is."})
        self.serve()
        return link

    @property
    def path(self) -> Path:
        return self.project.issues / f"{WEEK}.md"

    def text(self) -> str:
        """The draft exactly as on disk."""
        return self.path.read_bytes().decode("utf-8")

    def save(self, text: str) -> None:
        """The editor saves the draft, bytes as given."""
        self.path.write_bytes(text.encode("utf-8"))

    def keys(self) -> set[str]:
        return draft.parse(self.text()).keys

    def delete(self, key: str) -> None:
        """The editor deletes an item: its list item's lines go, every other line stays."""
        parsed = draft.parse(self.text())
        item = next(i for i in parsed.items if i.key == key)
        self.save("".join(line + "\n" for line in parsed.lines[:item.start] + parsed.lines[item.end:]))

    def record(self) -> Record:
        return Record.beside(self.path)

    def gather(self, *args: str) -> int:
        return main(["gather", "-s", str(self.project.settings), "--week", WEEK, *args])

    def start_gather(self, *, pause_at: str | None = None, week: str = WEEK) -> subprocess.Popen:
        """`lamplighter gather` as its own process; with `pause_at` ("write 2026-W48.gathered.json",
        or "2026-W48#3" for the third write of a file of the week), it waits before that write."""
        env = {**os.environ, "LAMPLIGHTER_PAUSE_AT_WRITE": str(pause_at or "")}
        return subprocess.Popen([sys.executable, "-m", "lamplighter.cli", "gather", "-s", str(self.project.settings),
                                 "--week", week], env=env, cwd=self.project.root, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def paused(process: subprocess.Popen) -> bool:
    """Wait until the process pauses before a write (True) or ends without pausing (False)."""
    for line in process.stderr:
        if line.startswith("lamplighter: paused before"):
            return True
    process.wait(timeout=60)
    return False


def resume(process: subprocess.Popen) -> int:
    process.stdin.write("\n")
    process.stdin.flush()
    process.stdin.close()
    return process.wait(timeout=60)


def kept_in_order(before: str, after: str) -> bool:
    """Whether every line of `before`, with its own ending, is in `after` in the same order
    (the Reading-time line aside: gathering keeps it up to date)."""
    lines = iter(_with_endings(after))
    wanted = [line for line in _with_endings(before) if not line.startswith("Reading-time:")]
    return all(any(line == candidate for candidate in lines) for line in wanted)


def _with_endings(text: str) -> list[str]:
    """The lines as the draft reads them (only \\n and \\r\\n end one), each with its ending."""
    lines = draft.Lines.of(text)
    return [line + ending for line, ending in zip(lines.lines, lines.endings)]
