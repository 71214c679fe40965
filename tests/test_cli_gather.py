"""`lamplighter gather`: its exit codes, its JSON, and errors that say what to fix."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime, timezone

import pytest

from feeds import atom, rss2
from lamplighter.cli import main

WEEK = "2026-W48"
IN_WEEK = datetime(2026, 11, 24, 8, tzinfo=timezone.utc)
BEFORE = datetime(2026, 11, 20, 8, tzinfo=timezone.utc)


def gather(project, *extra: str) -> int:
    return main(["gather", "-s", str(project.settings), *extra])


@pytest.fixture
def two_feeds(feed_server, project):
    feed_server.add("/blog.rss", rss2([
        {"title": "This week", "link": "https://lab.example/now", "date": IN_WEEK},
        {"title": "Last week", "link": "https://lab.example/before", "date": BEFORE},
        {"title": "No date", "link": "https://lab.example/undated"},
    ]))
    feed_server.add("/papers.atom", atom([{"title": "A paper", "link": "https://arxiv.org/abs/2403.03206v1",
                                          "date": IN_WEEK, "author": "Patrick Esser"}]))
    project.configure([
        {"name": "Lab blog", "type": "feed", "url": feed_server.url("/blog.rss")},
        {"name": "Papers", "type": "feed", "url": feed_server.url("/papers.atom"), "kind": "paper"},
    ])
    return project


def test_json_lists_sources_and_candidates_and_the_draft(two_feeds, capsys):
    assert gather(two_feeds, "--week", WEEK, "--json") == 0

    result = json.loads(capsys.readouterr().out)
    assert result["week"] == WEEK
    assert result["draft"] == str(two_feeds.issues / f"{WEEK}.md")
    assert [(s["name"], s["type"], s["status"], s["items"], s["error"]) for s in result["sources"]] == [
        ("Lab blog", "feed", "ok", 1, None), ("Papers", "feed", "ok", 1, None)]
    assert all(isinstance(s["seconds"], float) for s in result["sources"])
    assert {(c["id"], c["kind"], c["source"], c["selected"]) for c in result["candidates"]} == {
        ("lab.example/now", "article", "Lab blog", True),
        ("arxiv:2403.03206", "paper", "Papers", True),
    }
    assert all(set(c) == {"id", "url", "title", "source", "kind", "published", "provenance", "signals",
                          "cautions", "code_url", "pages", "parts", "follows", "score", "reasons", "minutes", "muted_by", "repeat_of",
                          "dropped_in", "selected"}
               for c in result["candidates"])


def test_since_and_until_widen_the_window(two_feeds, capsys):
    gather(two_feeds, "--week", WEEK, "--since", "2026-11-16", "--until", "2026-11-29", "--json", "--dry-run")

    urls = {c["url"] for c in json.loads(capsys.readouterr().out)["candidates"]}
    assert urls == {"https://lab.example/now", "https://lab.example/before", "https://arxiv.org/abs/2403.03206v1"}


def test_the_report_on_stderr_names_each_source_and_undated_entries(two_feeds, capsys):
    gather(two_feeds, "--week", WEEK)

    err = capsys.readouterr().err
    assert "Lab blog" in err and "Papers" in err
    assert "1 undated, dated when first seen" in err


def test_dry_run_writes_nothing(two_feeds, capsys):
    assert gather(two_feeds, "--week", WEEK, "--dry-run", "--json") == 0

    assert json.loads(capsys.readouterr().out)["draft"] is None
    assert list(two_feeds.issues.iterdir()) == []


def test_one_failing_source_does_not_stop_the_others(feed_server, project, capsys):
    feed_server.add("/ok.rss", rss2([{"title": "Fine", "link": "https://lab.example/fine", "date": IN_WEEK}]))
    project.configure([
        {"name": "Broken", "type": "feed", "url": feed_server.url("/missing.rss")},
        {"name": "Working", "type": "feed", "url": feed_server.url("/ok.rss")},
    ])

    assert gather(project, "--week", WEEK, "--json") == 0

    captured = capsys.readouterr()
    sources = {s["name"]: s for s in json.loads(captured.out)["sources"]}
    assert sources["Broken"]["status"] == "error"
    assert sources["Broken"]["error"] == "HTTP 404 Not Found"
    assert sources["Working"]["status"] == "ok"
    assert "1 source(s) failed: Broken" in captured.err
    assert (project.issues / f"{WEEK}.md").exists()


def test_nothing_gathered_exits_1_and_writes_nothing(feed_server, project, capsys):
    feed_server.add("/old.rss", rss2([{"title": "Old", "link": "https://lab.example/old", "date": BEFORE}]))
    project.configure([{"name": "Old", "type": "feed", "url": feed_server.url("/old.rss")},
                       {"name": "Gone", "type": "feed", "url": feed_server.url("/gone.rss")}])

    assert gather(project, "--week", WEEK) == 1

    assert "Nothing was gathered for 2026-W48" in capsys.readouterr().err
    assert [path.name for path in project.issues.iterdir()] == [".lamplighter.lock"]  # git ignores it


@pytest.mark.parametrize(("sources", "message"), [
    ([{"name": "Lab", "type": "podcast", "url": "https://x.example/"}], "LAMPLIGHTER_SOURCES[0] 'Lab': unknown type 'podcast'"),
    ([{"name": "Lab", "type": "feed"}], "LAMPLIGHTER_SOURCES[0] 'Lab': type 'feed' needs the key 'url'"),
    ([{"name": "Lab", "type": "feed", "url": "https://x.example/", "urll": "y"}], "unknown key 'urll'"),
    ([{"name": "Lab", "type": "feed", "url": 42}], "'url' must be a string"),
    ([{"name": "Lab", "type": "feed", "url": "ftp://x.example/f"}], "'url' must be an http(s) address"),
    ([{"name": "Lab", "type": "feed", "url": "https://x.example/", "kind": "podcast"}], "'kind' must be one of"),
    ([{"type": "feed", "url": "https://x.example/"}], "LAMPLIGHTER_SOURCES[0] needs a 'name'"),
    ([{"name": "A", "type": "feed", "url": "https://x.example/1"}, {"name": "A", "type": "feed", "url": "https://x.example/2"}],
     "two sources are named 'A'"),
    ([], "LAMPLIGHTER_SOURCES in"),
    ([{"name": "PwC", "type": "paperswithcode"}], "LAMPLIGHTER_SOURCES[0] 'PwC': Papers with Code shut down in 2025"),
    ([{"name": "Lab", "type": "feed", "url": "https://x.example/", "base_url": "127.0.0.1:8123"}],
     "'base_url' must be an address like http://127.0.0.1:8123/mirror"),
])
def test_bad_sources_exit_2_naming_the_source(project, capsys, sources, message):
    project.configure(sources)

    assert gather(project, "--week", WEEK) == 2

    assert message in " ".join(capsys.readouterr().err.split())
    assert list(project.issues.iterdir()) == []


@pytest.mark.parametrize(("extra", "message"), [
    ("LAMPLIGHTER_TIMEOUT = 0", "LAMPLIGHTER_TIMEOUT must be a number above 0 and at most 600, not 0"),
    ("LAMPLIGHTER_MAX_BYTES = 'big'", "LAMPLIGHTER_MAX_BYTES must be a whole number, not 'big'"),
    # Numbers that pass `> 0` and then mean no limit, or crash far from the setting.
    ("LAMPLIGHTER_BUDGET_MINUTES = float('nan')", "LAMPLIGHTER_BUDGET_MINUTES must be a number above 0"),
    ("LAMPLIGHTER_WORKERS = float('inf')", "LAMPLIGHTER_WORKERS must be a whole number, not inf"),
    ("LAMPLIGHTER_WORKERS = 2.5", "LAMPLIGHTER_WORKERS must be a whole number, not 2.5"),
    ("LAMPLIGHTER_TIMEOUT = 1e300", "LAMPLIGHTER_TIMEOUT must be a number above 0 and at most 600"),
    ("LAMPLIGHTER_LOCK_WAIT = -1", "LAMPLIGHTER_LOCK_WAIT must be a number above 0"),
    ("LAMPLIGHTER_FOCUS = {'x': float('nan')}", "LAMPLIGHTER_FOCUS: the weight of 'x' must be a number, not nan"),
    ("LAMPLIGHTER_SOURCES = [{'name': 'x', 'type': 'feed', 'url': 'https://x.example/', 'max_age_days': 1e10}]",
     "LAMPLIGHTER_SOURCES[0] 'x': 'max_age_days' must be a number above 0 and at most 36,500"),
    ("LAMPLIGHTER_SOURCES = [{'name': 'x', 'type': ['feed'], 'url': 'https://x.example/'}]",
     "LAMPLIGHTER_SOURCES[0] 'x': 'type' must be a string such as 'feed', not ['feed']"),
    ("import sys; sys.exit(0)", "called exit(0) while being read"),
    ("raise RuntimeError('no')", "cannot read"),
    ("LAMPLIGHTER_SOURCES = {'name': 'x'}", "LAMPLIGHTER_SOURCES must be a list"),
    ("LAMPLIGHTER_WORKER = 4", "unknown setting LAMPLIGHTER_WORKER; did you mean LAMPLIGHTER_WORKERS?"),
    ("LAMPLIGHTER_PAPERSWITHCODE = True", "Papers with Code shut down in 2025"),
])
def test_bad_settings_exit_2_naming_the_setting(project, capsys, extra, message):
    project.configure([{"name": "Lab", "type": "feed", "url": "https://x.example/"}], extra=extra)

    assert gather(project, "--week", WEEK) == 2

    assert message in " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize(("args", "message"), [
    (["--week", "2026-48"], "is not a week like 2026-W48"),
    (["--week", "2025-W53"], "2025 has no week 53"),
    (["--since", "yesterday"], "is not a date like"),
])
def test_bad_arguments_exit_2(project, capsys, args, message):
    with pytest.raises(SystemExit) as exit:
        gather(project, *args)

    assert exit.value.code == 2
    assert message in capsys.readouterr().err


def test_a_missing_settings_file_exits_2(tmp_path, capsys):
    assert main(["gather", "-s", str(tmp_path / "nope.py")]) == 2
    assert "nope.py not found" in capsys.readouterr().err


def test_the_installed_command_runs_with_settings_in_the_working_folder(two_feeds):
    command = shutil.which("lamplighter", path=os.path.dirname(os.sys.executable))
    assert command, "the lamplighter console script is installed with the project"

    done = subprocess.run([command, "gather", "--week", WEEK, "--json"], cwd=two_feeds.root,
                          capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["draft"].endswith(f"issues/{WEEK}.md")
    assert "Sources" in done.stderr


def test_a_markdown_report_for_the_pull_request_body(feed_server, project, tmp_path):
    feed_server.add("/blog.rss", rss2([{"title": "This week", "link": "https://lab.example/now", "date": IN_WEEK}]))
    project.configure([
        {"name": "Lab blog", "type": "feed", "url": feed_server.url("/blog.rss")},
        {"name": "Broken | source", "type": "feed", "url": feed_server.url("/missing.rss")},
    ])

    assert gather(project, "--week", WEEK, "--markdown-report", str(tmp_path / "body.md")) == 0

    body = (tmp_path / "body.md").read_text()
    assert body.startswith(f"## Gathered for {WEEK}\n\n1 new item(s); 1 in the draft, about 5 min of reading")
    assert "**1 source(s) need a look:** Broken \\| source" in body
    assert "| Lab blog | ✅ ok | 1 |  |" in body
    assert "| Broken \\| source | ❌ error | 0 | `HTTP 404 Not Found` |" in body
