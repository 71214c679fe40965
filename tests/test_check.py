"""`lamplighter check` on broken issues: every problem named with its line, errors failing the check."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lamplighter.cli import main

GOOD = """Title: Issue 4: 23–29 November 2026
Date: 2026-11-29
Status: draft
Issue: 4
Week: 2026-W48
Summary: Papers and code.

<!-- lamplighter: how to edit this draft: TODO markers in here are the guide's, not yours -->

My introduction.

## Papers

- [A paper](https://arxiv.org/abs/2611.00001) · arXiv
    — A summary.

    My note, with `TODO` in code, which is fine.

## Code

- [A repo](https://github.com/a/b) · GitHub
"""


def run(project, capsys, text: str, *extra: str) -> tuple[int, list[str]]:
    path = project.write_issue("2026-W48", text)
    status = main(["check", str(path), *extra])
    return status, [line.removeprefix(f"{path}:") for line in capsys.readouterr().out.splitlines()]


def test_a_clean_issue_passes(project, capsys):
    assert run(project, capsys, GOOD) == (0, [])


def test_a_check_starts_without_scikit_learn(project):
    """The editor checks often; only learning and the backtest need scikit-learn, which takes most of a second to load."""
    path = project.write_issue("2026-W48", GOOD)
    script = ("import sys\nfrom lamplighter.cli import main\nstatus = main(['check', sys.argv[1]])\n"
              "print('imported:', *sorted({'sklearn', 'scipy', 'numpy'} & set(sys.modules)))\nsys.exit(status)")

    checked = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)

    assert checked.stdout.splitlines()[-1] == "imported:"


@pytest.mark.parametrize("change, found", [
    (lambda t: t.replace("- [A repo](https://github.com/a/b) · GitHub",
                         "- [A repo](https://github.com/a/b) · GitHub\n- [Again](https://www.github.com/a/b/) · X"),
     "22: error: duplicate link: already on line 21"),
    (lambda t: t.replace("- [A repo](https://github.com/a/b) · GitHub\n", "\n## Videos\n"),
     "22: error: empty section: Videos"),
    (lambda t: t.replace("My introduction.", "My introduction. TODO: write it"), "10: error: leftover marker: TODO"),
    (lambda t: t.replace("https://github.com/a/b", "https://github.com/a/b?utm_source=tw&fbclid=1"),
     "21: error: tracking parameter in a link: utm_source, fbclid"),
    (lambda t: t.replace("- [A repo](https://github.com/a/b) · GitHub", "- A repo without its link"),
     "21: error: list item without a [title](url) link on its first line"),
    (lambda t: t.replace("https://github.com/a/b", "javascript:alert(1)"),
     "21: error: link is not an http(s) address (it is javascript)"),
    (lambda t: t.replace("Summary: Papers and code.\n", ""), "1: error: missing metadata: Summary"),
    (lambda t: t.replace("Week: 2026-W48", "Week: 48"), "5: error: Week: '48' is not a week like 2026-W48"),
    (lambda t: t.replace("Date: 2026-11-29", "Date: next Sunday"),
     "2: error: Date 'next Sunday' is not a date like 2026-11-29"),
])
def test_each_problem_is_reported_at_its_line_and_fails_the_check(project, capsys, change, found):
    status, lines = run(project, capsys, change(GOOD))

    assert status == 1
    assert found in lines


def test_a_link_from_an_earlier_issue_is_a_warning_over_the_whole_archive(project, capsys):
    for number in range(1, 40):  # This Week in Rust looks back 25 issues; we look at all of them
        week = f"2026-W{number:02d}"
        link = "https://github.com/a/b" if number == 1 else f"https://example.org/{number}"
        project.write_issue(week, f"Title: Issue {number}\nDate: 2026-01-01\nStatus: published\nIssue: {number + 100}\n"
                                  f"Week: {week}\nSummary: s\n\n## Code\n\n- [x]({link}) · S\n")

    status, lines = run(project, capsys, GOOD)

    assert status == 0
    assert lines == ["21: warning: link already in the issue of 2026-W01"]


def test_a_missing_file_is_a_usage_error(project, capsys):
    assert main(["check", str(project.issues / "2026-W99.md")]) == 2
    assert "no such issue file" in capsys.readouterr().err


def test_the_shipped_issues_are_ready_to_publish(capsys):
    """Whatever issues the repository holds (none, in a fork that has just begun)."""
    from conftest import REPO

    published = [path for path in sorted((REPO / "content" / "issues").glob("*.md"))
                 if "\nStatus: published" in path.read_text(encoding="utf-8")]
    assert not published or main(["check", *map(str, published)]) == 0


def test_the_tests_sample_issues_are_ready_to_publish(capsys):
    from site_under_test import SAMPLES

    assert main(["check", *map(str, sorted(SAMPLES.glob("20*.md")))]) == 0


def test_a_number_another_week_has_is_an_error(project, capsys):
    project.write_issue("2026-W47", "Title: Issue 4: last week\nDate: 2026-11-22\nStatus: published\nIssue: 4\n"
                                    "Week: 2026-W47\nSummary: s\n\n## Code\n\n- [x](https://example.org/x) · S\n")

    assert run(project, capsys, GOOD) == (1, ["4: error: Issue 4 is also the number of 2026-W47"])
