"""`lamplighter backtest`: replaying an editor's weeks, scored against their picks, beside baselines.

The histories here are small ones the tests write themselves, in the history format.
"""

from __future__ import annotations

import json
import random

import pytest

from lamplighter import backtest
from lamplighter.cli import main

WEEKS = ["2026-W40", "2026-W41", "2026-W42", "2026-W43"]
TOPICS = ["protein folding", "galaxy surveys", "tax law", "soil chemistry", "opera staging", "bridge design"]


def candidate(week: int, n: int, title: str, *, day: int = 1, sources=("arXiv cs.CV",)) -> dict:
    return {"url": f"https://arxiv.org/abs/26{week:02d}.{n:05d}", "title": title,
            "summary": f"We study {title.lower()} in depth.", "authors": ["A. Author"],
            "published": f"2026-10-0{day}", "kind": "paper", "sources": list(sources), "signals": {}}


def history_week(index: int, rng: random.Random) -> dict:
    """Forty papers: five on diffusion models, which the editor always picks, and the rest on anything else."""
    week = 40 + index
    liked = [candidate(week, n, f"Diffusion models for {word} generation, part {week}", day=rng.randint(1, 7))
             for n, word in enumerate(["image", "video", "audio", "mesh", "texture"])]
    other = [candidate(week, 100 + n, f"A study of {rng.choice(TOPICS)} number {n}", day=rng.randint(1, 7))
             for n in range(35)]
    return {"week": WEEKS[index], "candidates": liked + other, "kept": [c["url"] for c in liked[:4]]}


@pytest.fixture
def history(tmp_path):
    rng = random.Random(7)
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(history_week(i, rng)) + "\n" for i in range(len(WEEKS))), encoding="utf-8")
    return path


def run_json(capsys, *args: str) -> dict:
    assert main(["backtest", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_metrics_are_the_ones_computed_by_hand():
    ranks = {"a": 1, "b": 25, "c": None, "d": 150}

    assert backtest.score(ranks, 4) == {"recall@10": 0.25, "recall@30": 0.5, "recall@100": 0.5, "precision@k": 0.25}
    assert backtest.mean([{"recall@10": 1, "recall@30": 1, "recall@100": 1, "precision@k": 0.5},
                          {"recall@10": 0, "recall@30": 0.5, "recall@100": 1, "precision@k": 0}]) == {
        "recall@10": 0.5, "recall@30": 0.75, "recall@100": 1.0, "precision@k": 0.25}


def test_a_pick_joined_to_a_story_as_a_part_is_found_at_the_storys_place():
    from lamplighter.history import Week
    from lamplighter.items import Item

    story = Item(url="https://arxiv.org/abs/2611.03206", title="A paper", source="arXiv", parts=(("code: org/repo", "https://github.com/org/repo", "cites it", "GitHub Trending"),))
    other = Item(url="https://example.com/post", title="A post", source="Blog")
    week = Week(week="2026-W48", candidates=[story, other], kept=["https://github.com/org/repo/", "https://example.com/post"])

    assert backtest._ranks([other, story], week) == {"https://github.com/org/repo/": 2, "https://example.com/post": 1}


def test_after_two_weeks_of_picks_the_preferred_topic_comes_first(history, capsys):
    result = run_json(capsys, str(history))

    assert [week["week"] for week in result["weeks"]] == WEEKS[1:]
    last = result["weeks"][-1]
    assert last["candidates"] == 40 and len(last["kept"]) == 4
    assert all(place is not None and place <= 5 for place in last["ranks"].values()), last["ranks"]
    assert last["recall@10"] == 1.0 and result["mean"]["recall@30"] == 1.0
    assert set(result["baselines"]) == {"random", "newest", "tfidf_lr"}
    assert result["baselines"]["random"]["recall@10"] == pytest.approx(10 / 40)


def test_from_starts_the_replay_at_a_week_and_the_table_shows_the_means_and_baselines(history, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["backtest", str(history), "--from", "2026-W43"]) == 0

    out = " ".join(capsys.readouterr().out.split())
    assert "2026-W43" in out and "2026-W42" not in out
    assert "mean" in out and "baseline: random" in out and "baseline: newest" in out and "baseline: tfidf + lr" in out


def test_earlier_picks_are_repeats_and_mutes_apply_as_in_gather(history, tmp_path, capsys):
    weeks = [json.loads(line) for line in history.read_text().splitlines()]
    again = weeks[0]["candidates"][0]  # picked in the first week, offered and picked again in the second
    weeks[1]["candidates"].append(again)
    weeks[1]["kept"].append(again["url"])
    weeks[1]["kept"].append(weeks[1]["candidates"][5]["url"])  # "A study of …": muted below
    history.write_text("".join(json.dumps(week) + "\n" for week in weeks))
    settings = tmp_path / "newsletter.py"
    settings.write_text("LAMPLIGHTER_MUTE = {'terms': ['a study of']}\n")

    result = run_json(capsys, str(history), "-s", str(settings))

    ranks = result["weeks"][0]["ranks"]
    assert ranks[again["url"]] is None
    assert ranks[weeks[1]["candidates"][5]["url"]] is None
    assert sum(place is not None for place in ranks.values()) == 4


def test_a_malformed_line_is_an_error_naming_it(history, capsys):
    with history.open("a") as lines:
        lines.write('{"week": "2026-W44", "candidates": [{"url": "javascript:alert(1)", "title": "x"}]}\n')

    assert main(["backtest", str(history)]) == 2

    err = " ".join(capsys.readouterr().err.split())
    assert f"{history}:5:" in err and "'url' must be an http(s) link" in err


def published(project, week: str, kept: list[str], dropped: list[str]) -> None:
    body = "".join(f"- [{slug.replace('-', ' ')}](https://blog.example/{slug}) · Blog\n\n" for slug in kept)
    project.write_issue(week, f"Title: t\nDate: 2026-01-01\nStatus: published\nIssue: 1\nWeek: {week}\nSummary: s\n\n"
                              f"## Articles\n\n{body}")
    offered = {f"blog.example/{slug}": {"url": f"https://blog.example/{slug}", "title": slug.replace("-", " "),
                                        "source": "Blog", "kind": "article"} for slug in kept + dropped}
    (project.issues / f"{week}.gathered.json").write_text(json.dumps({"offered": offered}))


def test_without_a_history_the_projects_published_issues_and_records_are_the_weeks(project, capsys):
    for n, week in enumerate(WEEKS):
        published(project, week, kept=[f"controlnet-trick-{n}-{k}" for k in range(3)],
                  dropped=[f"leaderboard-update-{n}-{k}" for k in range(5)])

    result = run_json(capsys, "-s", str(project.settings))

    assert [week["week"] for week in result["weeks"]] == WEEKS[1:]
    assert result["weeks"][-1]["candidates"] == 8
    assert sorted(result["weeks"][-1]["kept"]) == [f"https://blog.example/controlnet-trick-3-{k}" for k in range(3)]
    assert result["mean"]["precision@k"] == 1.0


def test_an_archive_too_short_to_replay_says_so(project, capsys):
    published(project, WEEKS[0], kept=["a"], dropped=["b"])

    assert main(["backtest", "-s", str(project.settings)]) == 1
    assert "needs two published issues" in capsys.readouterr().err


def test_the_draft_pull_request_says_how_last_weeks_issue_compared_with_what_was_offered(project, feed_server):
    """Published: two items as gathered, one promoted from the unselected list, one found by hand."""
    body = "".join(f"- [{slug}](https://blog.example/{slug}) · Blog\n\n" for slug in ("a", "b", "promoted", "mine"))
    project.write_issue("2026-W47", "Title: t\nDate: 2026-11-20\nStatus: published\nIssue: 1\nWeek: 2026-W47\n"
                                    f"Summary: s\n\n## Articles\n\n{body}")
    offered = {f"blog.example/{slug}": {"url": f"https://blog.example/{slug}", "title": slug, "source": source}
               for slug, source in (("a", "Blog"), ("b", "Blog"), ("c", "Blog"), ("promoted", "promoted by the editor"))}
    (project.issues / "2026-W47.gathered.json").write_text(json.dumps({"offered": offered}))
    ranking = project.root / "cache" / "rankings" / "2026-W47.json"
    ranking.parent.mkdir(parents=True)
    ranked = ["c", "a", *(f"x{n}" for n in range(40)), "b", "promoted"]
    ranking.write_text(json.dumps({"candidates": [{"url": f"https://blog.example/{slug}"} for slug in ranked]}))
    feed_server.add("/feed", "<rss version='2.0'><channel><title>t</title><item><title>New</title>"
                             "<link>https://blog.example/new</link><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate>"
                             "</item></channel></rss>")
    project.configure([{"name": "Blog", "type": "feed", "url": feed_server.url("/feed")}])
    pr_body = project.root / "report.md"

    assert main(["gather", "-s", str(project.settings), "--week", "2026-W48", "--markdown-report", str(pr_body)]) == 0

    said = " ".join(pr_body.read_text().split())
    assert ("Last week (2026-W47), 4 item(s) were published: 2 from the draft as gathered, 1 promoted from the "
            "unselected list, 1 added by hand. Recall@30 of that week's ranking: 0.25.") in said


def test_a_line_moved_in_from_the_unselected_list_is_recorded_as_promoted(project, feed_server):
    feed_server.add("/feed", "<rss version='2.0'><channel><title>t</title>" + "".join(
        f"<item><title>Post {n}</title><link>https://blog.example/{n}</link>"
        f"<pubDate>Tue, 24 Nov 2026 1{n}:00:00 GMT</pubDate></item>" for n in range(3)) + "</channel></rss>")
    project.configure([{"name": "Blog", "type": "feed", "url": feed_server.url("/feed")}],
                      extra="LAMPLIGHTER_BUDGET_MINUTES = 10\n")
    run = ["gather", "-s", str(project.settings), "--week", "2026-W48"]
    assert main(run) == 0
    draft, waiting = project.issues / "2026-W48.md", project.issues / "2026-W48.unselected.txt"
    line = next(line for line in waiting.read_text().splitlines() if line.startswith("- "))
    draft.write_text(draft.read_text() + "\n" + line + "\n- [Mine](https://mine.example/found) · me\n")

    assert main(run) == 0

    offered = json.loads((project.issues / "2026-W48.gathered.json").read_text())["offered"]
    assert offered["blog.example/0"]["source"] == "promoted by the editor"
    assert offered["mine.example/found"]["source"] == "added by the editor"


def test_a_new_newsletter_learns_from_an_earlier_newsletters_history(project, feed_server, history, capsys):
    feed_server.add("/feed", "<rss version='2.0'><channel><title>t</title>"
                             "<item><title>Diffusion models for sound generation</title><link>https://lab.example/a</link>"
                             "<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
                             "<item><title>A study of tax law number 3</title><link>https://lab.example/b</link>"
                             "<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>")
    project.configure([{"name": "Lab", "type": "feed", "url": feed_server.url("/feed")}],
                      extra=f"LAMPLIGHTER_HISTORY = {str(history)!r}\n")

    assert main(["gather", "-s", str(project.settings), "--week", "2026-W48", "--json", "--dry-run"]) == 0

    first, second = json.loads(capsys.readouterr().out)["candidates"]
    assert first["url"] == "https://lab.example/a"
    assert any(name.startswith("learned: diffusion") for name in first["reasons"]), first["reasons"]


def test_a_history_setting_that_names_no_file_is_a_settings_error(project, capsys):
    project.configure([], extra="LAMPLIGHTER_HISTORY = 'missing.jsonl'\n")

    assert main(["gather", "-s", str(project.settings), "--week", "2026-W48"]) == 2
    assert "LAMPLIGHTER_HISTORY" in capsys.readouterr().err


@pytest.mark.parametrize(("line", "says"), [
    ("not json at all", "not a week"),
    ('{"week": "2026-W99", "candidates": [], "kept": []}', "2026 has no week 99"),
    ('{"week": "2026-W44", "candidates": {"url": "x"}}', "not a week"),
    ('{"week": "2026-W44", "candidates": [{"url": "https://a.example/", "signals": {"upvotes": NaN}}]}',
     "signal 'upvotes' must be a count"),
    ('{"week": "2026-W44", "candidates": [{"url": "https://a.example/", "published": "yesterday"}]}',
     "'published' must be a date"),
    ('{"week": "2026-W44", "candidates": [], "kept": "https://a.example/"}', "'kept' must be a list"),
])
def test_every_kind_of_malformed_line_is_named(history, capsys, line, says):
    with history.open("a") as lines:
        lines.write(line + "\n")

    assert main(["backtest", str(history), "--json"]) == 2

    err = " ".join(capsys.readouterr().err.split())
    assert f"{history}:5:" in err and says in err, err
