"""`make demo`, replayed in a copy of the project: the bundled samples gather offline into a draft."""

from __future__ import annotations

import re
import shutil

import feedparser

from conftest import REPO
from lamplighter import draft
from lamplighter.cli import main
from lamplighter.issues import next_issue_number


def demo_since() -> str:
    return re.search(r"^DEMO_SINCE := (\S+)$", (REPO / "Makefile").read_text(), re.M)[1]


def test_demo_gathers_every_sample_source_and_builds_the_archive(tmp_path, monkeypatch):
    for name in ("content", "demo"):
        shutil.copytree(REPO / name, tmp_path / name)
    for name in ("pelicanconf.py", "democonf.py"):
        shutil.copy(REPO / name, tmp_path)
    (tmp_path / "theme").symlink_to(REPO / "theme")
    (tmp_path / "plugins").symlink_to(REPO / "plugins")
    monkeypatch.chdir(tmp_path)

    published = [path for path in (tmp_path / "content" / "issues").glob("*.md")
                 if "\nStatus: published" in path.read_text(encoding="utf-8")]  # none in a fork just begun
    number = next_issue_number(tmp_path / "content" / "issues", "2026-W48")

    assert main(["gather", "-s", "democonf.py", "--week", "2026-W48", "--since", demo_since()]) == 0

    text = (tmp_path / "content" / "issues" / "2026-W48.md").read_text()
    parsed = draft.parse(text)
    assert parsed.metadata["issue"] == str(number)
    assert len(parsed.items) == 9
    assert {"## Papers", "## Articles"} <= set(text.splitlines())
    # The release whose notes cite PixArt-α is a part of that paper's story, not an item of its own.
    [story] = [line for line in text.splitlines() if "[release: v0.30.0" in line]
    assert "(https://github.com/huggingface/diffusers/releases/tag/v0.30.0)" in story
    assert text.index("PixArt-α") < text.index("[release: v0.30.0")
    # A release citing a paper an earlier sample issue carried is an update, linked back to that issue
    # (a fork that deleted the sample issues gets it as a release like any other).
    carrying = [path for path in published if "arxiv.org/abs/2207.12598" in path.read_text(encoding="utf-8")]
    release = "(https://github.com/huggingface/diffusers/releases/tag/v0.29.2)"
    if carrying:
        [earlier] = carrying
        number = draft.metadata_of(earlier.read_text(encoding="utf-8"))["issue"]
        assert (f"- [Shipped in a release]{release} for [Classifier-Free Diffusion Guidance]"
                f"(https://arxiv.org/abs/2207.12598) (in [Issue {number}]({{filename}}{earlier.name}))") in text
    else:
        assert release in text.split("## Releases")[1]
    assert "(https://huggingface.co/blog/sd3)" in text  # a relative link in the sample, resolved
    assert "(https://sander.ai/2022/05/26/guidance.html)" in text  # resolved against xml:base

    from pelican import Pelican
    from pelican.settings import read_settings

    Pelican(read_settings("pelicanconf.py")).run()
    assert (tmp_path / "output" / "drafts" / "2026-W48" / "index.html").exists()
    atom = feedparser.parse((tmp_path / "output" / "feeds" / "all.atom.xml").read_bytes())
    assert len(atom.entries) == min(len(published), 20) and not atom.bozo
