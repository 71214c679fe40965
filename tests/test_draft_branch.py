"""The gather workflow's branch handling, run for real: a bare "GitHub" repository, the runner's
clone, and the editor's clone pushing to the week's draft branch, before and during a gather.

The old workflow restored only the week's files from the branch, and then
peter-evans/create-pull-request (v7, src/create-or-update-branch.ts) rebuilt the branch as
main plus one commit and force-pushed it with a lease taken when it fetched: whatever else
the editor had committed there was gone the next morning. `old_workflow` below does exactly
that, to show the loss; `scripts/gather-draft-branch` is what the workflow runs now.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Project, Route
from feeds import atom
from newsroom import MONDAY, WEEK

SCRIPT = REPO / "scripts" / "gather-draft-branch"
BIN = Path(sys.executable).parent
BRANCH = f"draft/{WEEK}"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ed", "GIT_AUTHOR_EMAIL": "ed@example.org",
           "GIT_COMMITTER_NAME": "Ed", "GIT_COMMITTER_EMAIL": "ed@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def github(tmp_path: Path, feed_server):
    """A bare repository with a newsletter on main, whose one source is a feed on loopback."""
    entries = [{"title": "First post", "link": "https://blog.example/first", "date": MONDAY, "summary": "One."}]
    feed_server.add("/feed.atom", atom(entries))
    work = tmp_path / "seed"
    (work / "content" / "issues").mkdir(parents=True)
    (work / "content" / "pages").mkdir()
    (work / "content" / "pages" / "about.md").write_text("Title: About\n\nThe first words.\n")
    Project(work).configure([{"name": "Blog", "type": "feed", "url": feed_server.url("/feed.atom")}])
    (work / ".gitignore").write_text((REPO / ".gitignore").read_text())
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(work, "init", "--quiet", "--initial-branch=main")
    git(work, "add", "-A")
    git(work, "commit", "--quiet", "-m", "A newsletter")
    git(work, "push", "--quiet", str(origin), "main")
    return origin, feed_server, entries


def clone(origin: Path, where: Path, branch: str = "main") -> Path:
    git(where.parent, "clone", "--quiet", "--branch", branch, str(origin), str(where))
    return where


def gather_run(origin: Path, tmp_path: Path, name: str) -> subprocess.CompletedProcess:
    """One morning's run: a fresh clone of main, as a runner has, and the script."""
    runner = clone(origin, tmp_path / name)
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    return subprocess.run([str(SCRIPT), WEEK, str(tmp_path / f"{name}.md")], cwd=runner, env=env,
                          capture_output=True, text=True, timeout=120)


def editor_commits(origin: Path, tmp_path: Path) -> Path:
    """The editor, on the draft branch: a note in the draft, the about page, an image."""
    editor = clone(origin, tmp_path / "editor", BRANCH)
    draft = editor / "content" / "issues" / f"{WEEK}.md"
    draft.write_text(draft.read_text().replace("    — One.\n", "    — One.\n\n    My note on the first post.\n"))
    (editor / "content" / "pages" / "about.md").write_text("Title: About\n\nThe editor's own words.\n")
    (editor / "content" / "images").mkdir()
    (editor / "content" / "images" / "cover.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    git(editor, "add", "-A")
    git(editor, "commit", "--quiet", "-m", "My edits")
    git(editor, "push", "--quiet", "origin", BRANCH)
    return editor


def on_branch(origin: Path, path: str) -> str:
    return git(origin, "show", f"{BRANCH}:{path}")


def test_the_first_run_opens_the_weeks_branch(github, tmp_path):
    origin, _, _ = github

    done = gather_run(origin, tmp_path, "monday")

    assert done.returncode == 0, done.stderr
    assert "https://blog.example/first" in on_branch(origin, f"content/issues/{WEEK}.md")
    assert (tmp_path / "monday.md").read_text().startswith(f"## Gathered for {WEEK}")


def test_everything_the_editor_committed_on_the_branch_survives_the_next_gather(github, tmp_path):
    origin, server, entries = github
    gather_run(origin, tmp_path, "monday")
    editor_commits(origin, tmp_path)
    entries.append({"title": "Second post", "link": "https://blog.example/second", "date": MONDAY, "summary": "Two."})
    server.add("/feed.atom", atom(entries))

    done = gather_run(origin, tmp_path, "tuesday")

    assert done.returncode == 0, done.stderr
    draft = on_branch(origin, f"content/issues/{WEEK}.md")
    assert "My note on the first post." in draft and "https://blog.example/second" in draft
    assert "The editor's own words." in on_branch(origin, "content/pages/about.md")
    assert on_branch(origin, "content/images/cover.svg").startswith("<svg")


def test_a_push_while_gathering_is_kept_and_the_gather_goes_on_top_of_it(github, tmp_path):
    origin, server, entries = github
    gather_run(origin, tmp_path, "monday")
    editor = editor_commits(origin, tmp_path)
    entries.append({"title": "Second post", "link": "https://blog.example/second", "date": MONDAY, "summary": "Two."})
    feed = Route(atom(entries).encode(), 200, {"Content-Type": "application/atom+xml"})
    pushed = []

    def feed_and_a_racing_push(handler) -> None:  # noqa: ANN001 (the server's request handler)
        if not pushed:  # the editor pushes while the gather fetches its sources
            (editor / "content" / "pages" / "about.md").write_text("Title: About\n\nSaved mid-gather.\n")
            git(editor, "commit", "--quiet", "-am", "Racing edit")
            git(editor, "push", "--quiet", "origin", BRANCH)
            pushed.append(True)
        handler._answer(feed)  # then the feed, as the server answers any route

    server.routes["/feed.atom"] = feed_and_a_racing_push

    done = gather_run(origin, tmp_path, "tuesday")

    assert done.returncode == 0, done.stderr
    assert "changed while gathering" in done.stderr
    assert "Saved mid-gather." in on_branch(origin, "content/pages/about.md")
    draft = on_branch(origin, f"content/issues/{WEEK}.md")
    assert "My note on the first post." in draft and "https://blog.example/second" in draft


def old_workflow(origin: Path, tmp_path: Path, name: str) -> None:
    """What the workflow did before: the week's files from the branch, then create-pull-request's
    reset of the branch to main plus one commit, pushed with --force-with-lease."""
    runner = clone(origin, tmp_path / name)
    git(runner, "fetch", "--quiet", "origin", f"refs/heads/{BRANCH}:refs/remotes/origin/{BRANCH}")
    files = [f for f in git(runner, "ls-tree", "--name-only", f"origin/{BRANCH}", "content/issues/").split()
             if f"/{WEEK}." in f]
    git(runner, "checkout", f"origin/{BRANCH}", "--", *files)
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    subprocess.run(["lamplighter", "gather", "--week", WEEK], cwd=runner, env=env, capture_output=True, check=False)
    git(runner, "checkout", "--quiet", "-b", "temp")  # create-or-update-branch.ts: a temp branch off the base
    git(runner, "add", "content/issues/")
    git(runner, "commit", "--quiet", "-m", f"Gather {WEEK}")
    git(runner, "checkout", "--quiet", "-B", BRANCH, "temp")  # "Resetting 'draft/…'"
    git(runner, "push", "--quiet", "--force-with-lease", "origin", f"{BRANCH}:refs/heads/{BRANCH}")


def test_the_old_workflow_lost_the_editors_other_commits(github, tmp_path):
    origin, _, _ = github
    gather_run(origin, tmp_path, "monday")
    editor_commits(origin, tmp_path)

    old_workflow(origin, tmp_path, "tuesday")

    assert "My note on the first post." in on_branch(origin, f"content/issues/{WEEK}.md")  # the draft was kept
    assert "The editor's own words." not in on_branch(origin, "content/pages/about.md")  # the rest was not
