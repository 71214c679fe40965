"""Rebuilds redo only what changed: issue pages, feeds, emails and each year's search index."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_under_test import LAST_YEAR, SAMPLE_WEEKS, add_samples



@pytest.fixture
def archive(project):
    return add_samples(project)


def mark_old(paths: list[Path]) -> None:
    """Give files an old time: anything written again gets a new one."""
    for path in paths:
        os.utime(path, (1, 1))


def rewritten(paths: dict[str, Path]) -> set[str]:
    return {name for name, path in paths.items() if path.stat().st_mtime > 1}


def outputs(output: Path) -> dict[str, Path]:
    """What a rebuild may leave alone, by a short name."""
    files = {}
    for week in SAMPLE_WEEKS:
        files[f"{week} page"] = output / "issues" / week / "index.html"
        files[f"{week} email"] = output / "issues" / week / "email.html"
    files["Atom feed"] = output / "feeds" / "all.atom.xml"
    files["controlnet feed"] = output / "feeds" / "topics" / "controlnet.atom.xml"
    files["foundations feed"] = output / "feeds" / "topics" / "foundations.atom.xml"
    files["search index"] = output / "pagefind" / "2026" / "pagefind-entry.json"
    files["home"] = output / "index.html"
    files["archive"] = output / "archive" / "index.html"
    files["controlnet topic"] = output / "topics" / "controlnet" / "index.html"
    files["about"] = output / "about" / "index.html"
    return files


LISTS = {"home", "archive", "controlnet topic", "about"}  # what every issue may show on: written on any edit


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_rebuild_with_nothing_changed_rewrites_no_page_feed_email_or_index(archive):
    files = outputs(archive.build())
    mark_old(list(files.values()))

    archive.build()

    assert rewritten(files) == set()


def test_editing_one_issue_rewrites_its_page_its_email_its_feeds_and_its_years_index(archive):
    files = outputs(archive.build())
    mark_old(list(files.values()))
    source = archive.issues / "2026-W46.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA closing line, added later.\n", encoding="utf-8")

    output = archive.build()

    assert rewritten(files) == {"2026-W46 page", "2026-W46 email", "Atom feed", "controlnet feed", "search index",
                                *LISTS}
    assert "A closing line, added later." in (output / "issues" / "2026-W46" / "index.html").read_text()
    assert "A closing line, added later." in (output / "issues" / "2026-W46" / "email.txt").read_text()


def test_retitling_an_issue_rewrites_the_pages_that_link_to_it_by_title(archive):
    files = outputs(archive.build())
    mark_old(list(files.values()))
    edit(archive.issues / "2026-W46.md", "Title: Issue 2:", "Title: Issue 2 (retitled):")

    output = archive.build()

    assert {"2026-W45 page", "2026-W46 page", "2026-W47 page"} <= rewritten(files)
    assert "Issue 2 (retitled)" in (output / "issues" / "2026-W47" / "index.html").read_text()


def test_a_changed_setting_or_a_missing_page_is_written_again(archive):
    files = outputs(archive.build())
    mark_old(list(files.values()))
    files["2026-W45 page"].unlink()

    archive.build()
    assert rewritten(files) == {"2026-W45 page"}

    mark_old(list(files.values()))
    files["archive"].unlink()
    archive.build()
    assert rewritten(files) == {"archive"}

    mark_old(list(files.values()))
    output = archive.build(SITENAME="Renamed")
    assert {name for name in rewritten(files) if name.endswith("page")} == {f"{week} page" for week in SAMPLE_WEEKS}
    assert "Renamed" in (output / "issues" / "2026-W46" / "index.html").read_text()
    assert LISTS <= rewritten(files) and "Renamed" in files["home"].read_text()


def test_each_year_has_its_own_search_index_and_the_search_page_merges_them(archive):
    older = archive.write_issue(*LAST_YEAR)
    output = archive.build()

    counts = {year: json.loads((output / "pagefind" / year / "pagefind-entry.json").read_text())
              ["languages"]["en"]["page_count"] for year in ("2026", "2025")}
    assert counts == {"2026": 3, "2025": 1}
    search = (output / "search" / "index.html").read_text(encoding="utf-8")
    assert '["pagefind/2026/", "pagefind/2025/"]' in search and "mergeIndex" in search

    indexes = {year: output / "pagefind" / year / "pagefind-entry.json" for year in ("2026", "2025")}
    mark_old(list(indexes.values()))
    edit(older, "Halving the sampling steps", "Halving the number of sampling steps")
    archive.build()
    assert rewritten(indexes) == {"2025"}

    older.unlink()  # a year with no issue left is no longer searched
    archive.build()
    assert not (output / "pagefind" / "2025").exists()
    assert "pagefind/2025/" not in (output / "search" / "index.html").read_text(encoding="utf-8")


def test_each_years_index_is_given_exactly_its_pages_even_beside_a_stale_one(tmp_path):
    from lamplighter.search import _glob

    pages = [f"issues/2026-W{week}/index.html" for week in (45, 46, 47)]
    for page in pages:
        (tmp_path / page).parent.mkdir(parents=True)
        (tmp_path / page).write_text("<html></html>")
    (tmp_path / "issues" / "2026-W45" / "email.html").write_text("<html></html>")

    assert _glob(tmp_path, pages) == "issues/2026-W4*/index.html"  # a short walk for Pagefind
    read_before = {"issues": ["2026-W45", "2026-W46"]}  # the folder read before this build wrote 2026-W47
    assert _glob(tmp_path, pages[:2], pages, read_before) == "{" + ",".join(pages[:2]) + "}"
    (tmp_path / "issues" / "2026-W40").mkdir()
    (tmp_path / "issues" / "2026-W40" / "index.html").write_text("<html></html>")  # an issue since deleted
    assert _glob(tmp_path, pages) == "{" + ",".join(pages) + "}"


NAMES = ["2026-W45", "2026-W46", "2026-W47", "2026-W4", "2025-W45", ".2026-W4x", "2026-W45x", "a", "2026-W4/x"]


@settings(max_examples=150, deadline=None)
@given(st.sets(st.tuples(st.sampled_from(["issues", "issues", "", "issues/old"]), st.sampled_from(NAMES),
                         st.sampled_from(["index.html", "index.html", "email.html", ""])), min_size=1, max_size=12),
       st.data())
def test_a_years_glob_reading_each_folder_once_matches_what_glob_matches(files, data):
    import tempfile

    from lamplighter.search import _glob

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        written = set()
        for parent, name, leaf in sorted(files, key=lambda file: file[2] == ""):
            path = "/".join(filter(None, [parent, name, leaf]))
            if (output / path).exists() or any((output / path).parents[index].is_file()
                                               for index in range(len(Path(path).parents) - 1)):
                continue
            (output / path).parent.mkdir(parents=True, exist_ok=True)
            (output / path).write_text("<html></html>")
            written.add(path)
        issue_pages = sorted(path for path in written if path.startswith("issues/2026-W4") and path.endswith("/index.html"))
        pages = sorted(data.draw(st.sets(st.sampled_from(issue_pages or sorted(written)), min_size=1)))
        built = data.draw(st.sets(st.sampled_from(sorted(written))))
        later = data.draw(st.sets(st.sampled_from(sorted(built)))) if built else set()
        for path in later:  # pages this build writes after the folder is read, in folders it makes
            (output / path).unlink()
            with contextlib.suppress(OSError):
                (output / path).parent.rmdir()
        listed = {}
        _glob(output, pages, built, listed)
        for path in later:
            (output / path).parent.mkdir(parents=True, exist_ok=True)
            (output / path).write_text("<html></html>")

        pattern = _glob(output, pages, built, listed)  # the folders as read before
        expected = glob_reading_the_output(output, pages)

    assert pattern == expected


def glob_reading_the_output(output: Path, pages: list[str]) -> str:
    """`search._glob` as it was: Python's glob reads the output for each year."""
    import glob

    from lamplighter.search import one_wildcard

    wildcard = one_wildcard(pages)
    pattern = "{0}*{1}".format(*wildcard) if wildcard else None
    if pattern and set(glob.glob(pattern, root_dir=output, include_hidden=True)) == set(pages):
        return pattern
    return "{" + ",".join(pages) + "}"


def test_a_site_build_imports_nothing_only_gathering_and_checking_need(archive):
    """Every build pays for its imports before it reads an issue, and most of a rebuild is its start."""
    script = ("import sys\nfrom pelican import Pelican\nfrom pelican.settings import read_settings\n"
              "Pelican(read_settings('pelicanconf.py')).run()\n"
              "print('imported:', *sorted({'requests', 'feedparser', 'markdown_it', 'pylatexenc'} & set(sys.modules)))")

    built = subprocess.run([sys.executable, "-c", script], cwd=archive.root, capture_output=True, text=True, check=True)

    assert built.stdout.splitlines()[-1] == "imported:"
    assert (archive.output / "issues" / SAMPLE_WEEKS[0] / "index.html").exists()
