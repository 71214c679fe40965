"""The sample site, built once and served on 127.0.0.1, for tests that look at it as readers do."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import Project

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_WEEKS = ["2026-W45", "2026-W46", "2026-W47"]
DRAFT = """Title: Issue 4: the draft
Date: 2026-11-29
Status: draft
Issue: 4
Week: 2026-W48
Summary: Not out yet.

<!-- lamplighter: how to edit this draft
  - a guide for the editor
-->

## Papers

- [Unpublished paper](https://arxiv.org/abs/2501.00001) · arXiv
    Not for readers yet.
"""
# An issue from the year before the samples: its search index is separate, merged by the search page.
LAST_YEAR = ("2025-W46", """Title: Issue 0: a year earlier
Date: 2025-11-16
Status: published
Issue: 0
Week: 2025-W46
Tags: foundations
Summary: Before the newsletter had a name.

## Papers

- [Progressive Distillation for Fast Sampling](https://arxiv.org/abs/2202.00512) · arXiv
    — Tim Salimans, Jonathan Ho. Halving the sampling steps again and again.
""")


def add_samples(project: Project) -> Project:
    """The tests' own sample issues and about page (`tests/samples/`, so that a fork that deletes
    the repository's samples keeps its tests), and a draft that must never be published."""
    for week in SAMPLE_WEEKS:
        shutil.copy(SAMPLES / f"{week}.md", project.issues)
    shutil.copy(SAMPLES / "about.md", project.root / "content" / "pages")
    project.write_issue("2026-W48", DRAFT)
    return project


@contextmanager
def served_site(root: Path, *extra_issues: tuple[str, str]) -> Iterator[tuple[str, Path]]:
    """Build the sample issues (a draft, and any (week, text) given) into `root`, and serve the output.

    Yields (base URL, output).
    """
    (root / "content" / "issues").mkdir(parents=True)
    (root / "content" / "pages").mkdir()
    project = Project(root)
    project.configure([{"name": "HF Papers", "type": "hf_papers"},
                       {"name": "Sander Dieleman", "type": "feed", "url": "https://sander.ai/feed.xml"}])
    add_samples(project)
    for week, text in extra_issues:
        project.write_issue(week, text)
    project.output.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(project.output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_port}"
    project.build(SITEURL=base, FEED_DOMAIN=base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, project.output
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass
