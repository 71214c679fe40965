"""`github_repo`: a real git repository in tmp_path, mirrored, read for merged changes and the papers they cite."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import run_source
from lamplighter.cli import main
from lamplighter.curate import rank
from lamplighter.errors import SettingsError, SourceError
from lamplighter.items import citations
from lamplighter.weeks import week_window
from services import arxiv_new

BEFORE = datetime(2026, 11, 18, 12, tzinfo=timezone.utc)
IN_WEEK = datetime(2026, 11, 24, 12, tzinfo=timezone.utc)


class Upstream:
    """A repository standing in for huggingface/diffusers, with commits dated as we say."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *arguments: str, when: datetime = IN_WEEK) -> str:
        stamp = f"{int(when.timestamp())} +0000"
        environment = {**os.environ, "GIT_AUTHOR_NAME": "Sayak Paul", "GIT_AUTHOR_EMAIL": "s@example.org",
                       "GIT_COMMITTER_NAME": "GitHub", "GIT_COMMITTER_EMAIL": "noreply@github.com",
                       "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        return subprocess.run(["git", *arguments], cwd=self.path, env=environment, check=True,
                              capture_output=True, text=True).stdout.strip()

    def commit(self, message: str, files: dict[str, str | None], *, when: datetime = IN_WEEK) -> str:
        for name, text in files.items():
            if text is None:
                (self.path / name).unlink()
            else:
                (self.path / name).parent.mkdir(parents=True, exist_ok=True)
                (self.path / name).write_text(text, encoding="utf-8")
        self.git("add", "--all")
        self.git("commit", "--quiet", "-m", message, when=when)
        return self.git("rev-parse", "HEAD")


SD3_PIPELINE = '''class StableDiffusion3Pipeline:
    """Scaling Rectified Flow Transformers (https://arxiv.org/abs/2403.03206v2).

    Project page: https://huggingface.co/papers/2403.03206 · Published as doi:10.1145/3528223.3530164.
    """
'''


@pytest.fixture
def upstream(tmp_path: Path) -> Upstream:
    repo = Upstream(tmp_path / "diffusers")
    repo.commit("Initial commit (#1)", {"README.md": "Latent diffusion: arXiv:2112.10752\n"}, when=BEFORE)
    return repo


def gather(upstream: Upstream, tmp_path: Path, **options) -> list:
    return run_source("github_repo", {"repo": "huggingface/diffusers", "git_url": str(upstream.path), **options},
                      cache_dir=tmp_path / "cache")


def test_merged_changes_give_the_papers_they_cite_and_the_notable_commits(upstream, tmp_path):
    sd3 = upstream.commit("Add SD3 pipeline (#9101)\n\nImplements the MMDiT.\n\nCo-authored-by: Dhruv <d@example.org>",
                          {"src/pipeline_sd3.py": SD3_PIPELINE})
    upstream.commit("Fix a typo (#9102)", {"README.md": "Latent diffusion.\n"})  # removes a citation, adds none
    big = upstream.commit("Refactor the schedulers (#9103)", {"src/schedulers.py": "x = 1\n" * 250})

    items = gather(upstream, tmp_path)

    by_url = {item.url: item for item in items}
    assert set(by_url) == {f"https://github.com/huggingface/diffusers/commit/{sd3}",
                           f"https://github.com/huggingface/diffusers/commit/{big}",
                           "https://arxiv.org/abs/2403.03206", "https://doi.org/10.1145/3528223.3530164"}
    change = by_url[f"https://github.com/huggingface/diffusers/commit/{sd3}"]
    assert (change.title, change.kind, change.authors, change.published) == (
        "Add SD3 pipeline", "code", ("Sayak Paul",), IN_WEEK)
    assert change.summary == "Implements the MMDiT."
    assert change.provenance == ("merged into huggingface/diffusers as #9101, +5 lines, cites 2 papers",)
    paper = by_url["https://arxiv.org/abs/2403.03206"]
    assert (paper.kind, paper.title, paper.provenance) == ("paper", "arXiv:2403.03206",
                                                           ("cited in huggingface/diffusers #9101",))
    assert by_url[f"https://github.com/huggingface/diffusers/commit/{big}"].provenance == (
        "merged into huggingface/diffusers as #9103, +250 lines",)


def test_a_merge_commit_counts_what_its_branch_brought(upstream, tmp_path):
    upstream.git("checkout", "--quiet", "-b", "flux")
    upstream.commit("Add Flux Kontext", {"src/kontext.py": "# arXiv 2506.15742\n"})
    upstream.git("checkout", "--quiet", "main")
    upstream.git("merge", "--quiet", "--no-ff", "-m", "Merge pull request #9104 from someone/flux", "flux")

    [paper] = [item for item in gather(upstream, tmp_path) if item.kind == "paper"]

    assert (paper.url, paper.provenance) == ("https://arxiv.org/abs/2506.15742",
                                             ("cited in huggingface/diffusers #9104",))


def test_the_mirror_is_cloned_once_then_fetched(upstream, tmp_path):
    upstream.commit("Add SD3 pipeline (#9101)", {"src/pipeline_sd3.py": SD3_PIPELINE})
    gather(upstream, tmp_path)
    [mirror] = (tmp_path / "cache" / "git").glob("huggingface__diffusers-*.git")
    (mirror / "kept").write_text("a clone would not have this file")
    upstream.commit("Add Flux.2 (#9105)", {"src/flux2.py": "# Builds on arXiv:2403.03206\n"})

    items = gather(upstream, tmp_path)

    assert (mirror / "kept").exists()
    papers = [item for item in items if item.key == "arxiv:2403.03206"]
    assert [p.provenance for p in papers] == [("cited in huggingface/diffusers #9105",),
                                              ("cited in huggingface/diffusers #9101",)]
    [candidate] = [c for c in rank(items, week_window("2026-W48")) if c.item.key == "arxiv:2403.03206"]
    assert candidate.item.signals["citations"] == 2
    # The commit citing only this paper is a part of its story; #9101 cites a DOI too, so it stays its own item.
    assert [part[0] for part in candidate.item.parts] == ["in huggingface/diffusers #9105"]


def test_only_the_window_is_read_and_other_branches_are_ignored(upstream, tmp_path):
    upstream.git("checkout", "--quiet", "-b", "experiment")
    upstream.commit("Try something (#9)", {"x.py": "# arXiv:2501.00001\n"})
    upstream.git("checkout", "--quiet", "main")

    assert gather(upstream, tmp_path) == []  # the initial commit is a week early; the branch is not main
    assert [item.url for item in gather(upstream, tmp_path, branch="experiment")][-1] == \
        "https://arxiv.org/abs/2501.00001"


def test_an_unreachable_repository_is_the_sources_error(tmp_path):
    with pytest.raises(SourceError, match="git clone failed"):
        run_source("github_repo", {"repo": "huggingface/diffusers", "git_url": str(tmp_path / "nowhere")},
                   cache_dir=tmp_path)
    assert not list((tmp_path / "git").glob("*.git"))  # no half clone is left to be mistaken for a mirror


@pytest.mark.parametrize("options, message", [
    ({"repo": "diffusers"}, "OWNER/NAME"),
    ({"repo": "a/b", "branch": "--upload-pack=evil"}, "'branch' must be a branch name"),
    ({"repo": "a/b", "git_url": "--config=x"}, "'git_url' must be a repository address"),
])
def test_bad_keys_are_named(tmp_path, options, message):
    with pytest.raises(SettingsError, match=message):
        run_source("github_repo", options, cache_dir=tmp_path)


@pytest.mark.parametrize("text, cited", [
    ("see arXiv:2403.03206v2.", ["https://arxiv.org/abs/2403.03206"]),
    ("(https://arxiv.org/pdf/2403.03206.pdf) and https://hf.co/papers/2403.03206",
     ["https://arxiv.org/abs/2403.03206"]),
    ("DOI 10.48550/arXiv.2112.10752, doi.org/10.1145/3528223.3530164).",
     ["https://arxiv.org/abs/2112.10752", "https://doi.org/10.1145/3528223.3530164"]),
    ("https://arxiv.org/abs/hep-th/9901001v1", ["https://arxiv.org/abs/hep-th/9901001"]),
    ("version 2024.01234 of the package, and python 3.11", []),
])
def test_citations_are_found_in_any_of_their_forms(text, cited):
    assert citations(text) == cited


def gather_cited(project, feed_server, capsys, upstream: Upstream) -> dict:
    """`lamplighter gather --dry-run --json` over the repository, with arXiv's API on the test server."""
    upstream.commit("Add the flow sampler (#9110)", {"src/sampler.py": '"""From arXiv:2611.05555."""\n'})
    project.configure([{"name": "diffusers", "type": "github_repo", "repo": "huggingface/diffusers",
                        "git_url": str(upstream.path)}],
                      extra=f"LAMPLIGHTER_ARXIV_BASE_URL = {feed_server.url('/arxiv')!r}\n")
    assert main(["gather", "-s", str(project.settings), "--week", "2026-W48", "--dry-run", "--json"]) == 0
    out, err = capsys.readouterr()
    return {"candidates": {c["id"]: c for c in json.loads(out)["candidates"]}, "said": " ".join(err.split())}


def test_a_paper_only_a_commit_cites_gets_its_title_from_arxiv(project, feed_server, capsys, upstream):
    feed_server.add("/arxiv/api/query", arxiv_new([
        {"id": "2611.05555", "title": "Flow Samplers in Few Steps", "date": IN_WEEK,
         "authors": ["Ada Lovelace", "Alan Turing"], "summary": "Sampling a flow model in four steps."}]))

    gathered = gather_cited(project, feed_server, capsys, upstream)

    paper = gathered["candidates"]["arxiv:2611.05555"]
    assert paper["title"] == "Flow Samplers in Few Steps"
    assert paper["provenance"] == ["cited in huggingface/diffusers #9110",
                                   "merged into huggingface/diffusers as #9110, +1 line, cites 1 paper"]
    asked = [path for path, _ in feed_server.requests if path.startswith("/arxiv/")]
    assert asked == ["/arxiv/api/query?id_list=2611.05555&max_results=1"]  # one request, for that paper only


def test_when_arxiv_cannot_answer_the_paper_keeps_its_id_and_the_editor_is_told(project, feed_server, capsys,
                                                                                upstream):
    feed_server.add("/arxiv/api/query", "Service Unavailable", status=503, content_type="text/plain")

    gathered = gather_cited(project, feed_server, capsys, upstream)

    assert gathered["candidates"]["arxiv:2611.05555"]["title"] == "arXiv:2611.05555"
    assert "Papers only a commit cites keep their arXiv ids as titles" in gathered["said"]
