"""A real feed reader (newsboat) subscribed to each of the built feeds sees every published issue, and no draft."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

import pytest

from site_under_test import served_site

pytestmark = [pytest.mark.reader,
              pytest.mark.skipif(not shutil.which("newsboat"), reason="newsboat is not installed (make test installs it)")]
# Newsboat keeps one copy of an item per id across all its feeds, so each feed gets a reader of its own.
# (Debian's newsboat 2.21 predates JSON Feed; the JSON feed is checked in test_site.py.)
FEEDS = {"all.atom.xml": ["Issue 3", "Issue 2", "Issue 1"], "all.rss.xml": ["Issue 3", "Issue 2", "Issue 1"],
         "topics/controlnet.atom.xml": ["Issue 2"], "topics/flow-matching.rss.xml": ["Issue 3"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_site(tmp_path_factory.mktemp("site")) as served:
        yield served


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_newsboat_shows_every_published_issue_and_no_draft(site, tmp_path, feed):
    base, _ = site
    (tmp_path / "urls").write_text(f"{base}/feeds/{feed}\n")
    cache = tmp_path / "cache.db"
    subprocess.run(["newsboat", "-u", str(tmp_path / "urls"), "-c", str(cache), "-C", os.devnull, "-x", "reload"],
                   env={**os.environ, "HOME": str(tmp_path), "TERM": "dumb"}, capture_output=True, timeout=60,
                   check=True)

    with sqlite3.connect(cache) as db:
        items = db.execute("SELECT title, url, content FROM rss_item ORDER BY pubDate DESC").fetchall()
    assert [title[:7] for title, _, _ in items] == FEEDS[feed]
    assert all(url.startswith(f"{base}/issues/2026-W4") for _, url, _ in items)
    assert all("https://arxiv.org/abs/" in content for _, _, content in items)  # whole issues, not summaries
    assert not any("Unpublished" in title + content for title, _, content in items)
