"""A fork for another field, done as the README's "Start your own newsletter" says, stays green.

The repository is cloned into a temporary folder, the guide's steps on the files are done
there (delete the sample issues, rewrite the about page, set the name and the author,
replace the sources with two feeds), and then the fast part of the suite and
`scripts/publish-check` (what `make publish-check` runs) run in the fork.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

# The parts of the suite that need no browser, validator or feed reader, and that test the
# product rather than the state machine's thousands of steps (those do not read the samples).
FAST = ["-m", "not browser and not validator and not reader", "--ignore=tests/test_draft_machine.py",
        "--ignore=tests/test_draft_is_sacred.py", "--ignore=tests/test_fork.py", "--ignore=tests/test_draft_branch.py"]


def follow_the_guide(fork: Path) -> None:
    """Steps 1 and 4 of the README's guide, on the files."""
    for issue in (fork / "content" / "issues").glob("*.md"):
        issue.unlink()
    (fork / "content" / "pages" / "about.md").write_text("Title: About\n\nA weekly letter about robot learning.\n")
    settings = (fork / "pelicanconf.py").read_text(encoding="utf-8")
    settings = re.sub(r'^SITENAME = .*$', 'SITENAME = "Robot Learning Weekly"', settings, flags=re.M)
    settings = re.sub(r'^AUTHOR = .*$', 'AUTHOR = "A. Roboticist"', settings, flags=re.M)
    settings = re.sub(r"^LAMPLIGHTER_SOURCES = \[\n.*?^\]\n", """LAMPLIGHTER_SOURCES = [
    {"name": "A robotics lab", "type": "feed", "url": "https://robots.example/feed.xml"},
    {"name": "Another lab", "type": "feed", "url": "https://lab.example/atom.xml"},
]
""", settings, flags=re.M | re.S)
    assert "Robot Learning Weekly" in settings and "robots.example" in settings and "arxiv" not in settings
    (fork / "pelicanconf.py").write_text(settings, encoding="utf-8")


@pytest.fixture(scope="module")
def fork(tmp_path_factory) -> Path:
    if not (REPO / ".git").exists():
        pytest.skip("the repository is not a git checkout")
    fork = tmp_path_factory.mktemp("fork") / "newsletter"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(fork)], check=True)
    follow_the_guide(fork)
    for installed in (".venv", "node_modules"):  # what `make test` installed, shared rather than installed again
        if (REPO / installed).exists():
            (fork / installed).symlink_to(REPO / installed)
    return fork


def run_in(fork: Path, *command: str, timeout: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(fork / "plugins")}
    return subprocess.run(command, cwd=fork, env=env, capture_output=True, text=True, timeout=timeout)


def test_a_fork_that_followed_the_guide_passes_the_fast_suite(fork):
    done = run_in(fork, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *FAST, timeout=900)

    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1]


def test_a_fork_with_no_issue_yet_passes_publish_check(fork):
    if not (REPO / "node_modules" / "vnu-jar").exists():
        pytest.skip("the Nu HTML checker is not installed (make test installs it)")

    done = run_in(fork, str(fork / "scripts" / "publish-check"), timeout=600)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "the archive is empty" in done.stdout
    assert "publish-check: " in done.stdout.splitlines()[-1]
