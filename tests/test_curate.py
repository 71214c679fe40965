"""Curation: one candidate per story, focus and mutes that move items the right way, a budget that holds."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds import rss2
from lamplighter.archive import Archive
from lamplighter.cli import main
from lamplighter.curate import Budget, Focus, rank
from lamplighter.items import READING_MINUTES, Item, item_key
from lamplighter.learn import Preferences
from lamplighter.weeks import week_window

WEEK = "2026-W48"
WINDOW = week_window(WEEK)
MONDAY = WINDOW.since


def item(name: str, *, day: int = 2, kind: str = "article", source: str = "Blog", **fields) -> Item:
    return Item(url=f"https://blog.example/{name}", title=fields.pop("title", f"Post about {name}"), source=source,
                kind=kind, published=MONDAY + timedelta(days=day), **fields)


def order(candidates) -> list[str]:
    return [c.item.url.rsplit("/", 1)[-1] for c in candidates]


def test_fixed_inputs_give_a_fixed_order_newest_first():
    items = [item("old", day=0), item("new", day=5), item("mid", day=3)]

    assert order(rank(items, WINDOW)) == ["new", "mid", "old"]
    assert order(rank(list(reversed(items)), WINDOW)) == ["new", "mid", "old"]


def test_focus_terms_lift_an_item_and_negative_ones_lower_it():
    items = [item("plain", day=5), item("controlnet", day=1, summary="A ControlNet for depth."),
             item("bench", day=6, tags=("Benchmark",))]

    ranked = rank(items, WINDOW, Focus(terms={"controlnet": 2, "benchmark": -1}))

    assert order(ranked) == ["controlnet", "plain", "bench"]
    assert ranked[0].reasons["focus: controlnet"] == 2
    assert "focus: controlnet" not in ranked[1].reasons  # whole words only: "controlnets" would not match either


def test_a_phrase_matches_as_a_phrase_in_title_summary_tags_or_authors():
    items = [item("phrase", day=0, title="Faster video diffusion sampling"),
             item("split", day=1, title="Video models and diffusion"), item("author", day=0, authors=("Lvmin Zhang",))]

    ranked = rank(items, WINDOW, Focus(terms={"video diffusion": 3, "lvmin zhang": 3}))

    assert order(ranked)[:2] == ["phrase", "author"] or order(ranked)[:2] == ["author", "phrase"]
    assert order(ranked)[2] == "split"


def test_source_weight_and_popularity_count():
    items = [item("a", day=3, source="Main"), item("b", day=3, source="Side"),
             item("c", day=3, source="Side", signals={"stars_in_period": 1000})]

    ranked = rank(items, WINDOW, Focus(weights={"Main": 2.0, "Side": 1.0}))

    assert order(ranked) == ["c", "a", "b"]  # 1,000 stars this week outweigh a doubled recency
    assert ranked[0].reasons["popularity"] == 1.0
    assert ranked[1].reasons["source weight ×"] == 2.0 and ranked[1].score == 2 * ranked[2].score


@pytest.mark.parametrize("rule, value, muted", [
    ("terms", "crypto", "spam"), ("authors", "Some Marketer", "spam"), ("domains", "ads.example", "ad"),
    ("repos", "someone/awesome-list", "list"), ("tags", "nsfw", "lewd"),
])
def test_mute_rules_drop_what_they_name_and_say_so(rule, value, muted):
    items = [item("spam", summary="Buy crypto now", authors=("Some Marketer",)),
             Item(url="https://sub.ads.example/x", title="ad", source="S", published=MONDAY),
             Item(url="https://github.com/someone/awesome-list", title="list", source="S", kind="code", published=MONDAY),
             item("lewd", tags=("NSFW",)), item("fine")]

    ranked = rank(items, WINDOW, Focus(mute={rule: [value]}))

    muted_titles = {c.item.title.replace("Post about ", "") for c in ranked if c.muted_by}
    assert muted_titles == {muted}
    assert {c.muted_by for c in ranked if c.muted_by} == {f"{rule}: {value}"}


def test_the_same_story_under_two_links_of_one_site_is_one_candidate():
    items = [item("post", title="Stable Diffusion 3.5: what changed and why", source="Blog"),
             Item(url="https://blog.example/amp/123", title="Stable Diffusion 3.5 — What changed, and why?",
                  source="Blog, syndicated", published=MONDAY),
             item("other", title="Stable Diffusion 3.5 in ComfyUI")]

    ranked = rank(items, WINDOW)

    assert len(ranked) == 2
    [story] = [c for c in ranked if "what changed" in c.item.title.lower()]
    assert story.item.source == "Blog · Blog, syndicated"


def test_two_sites_with_one_title_stay_two_items_unless_one_is_the_storys_own_page():
    """A near-identical title from another domain never makes two links one item: only an owner's page gathers others."""
    blog = item("post", title="Stable Diffusion 3.5: what changed and why", source="Blog")
    mirror = Item(url="https://mirror.example/p/123", title="Stable Diffusion 3.5 — What changed, and why?",
                  source="Aggregator", published=MONDAY, summary="A much longer summary than the blog gave. " * 5,
                  authors=("Someone", "Someone else"))
    paper = Item(url="https://arxiv.org/abs/2411.00001", title="Stable Diffusion 3.5: What changed and why",
                 source="arXiv cs.CV", kind="paper", published=MONDAY, from_owner=True)

    assert {c.item.url for c in rank([blog, mirror], WINDOW)} == {blog.url, mirror.url}

    [story] = rank([mirror, blog, paper], WINDOW)
    assert (story.item.url, story.item.title) == (paper.url, paper.title)
    assert story.item.pages == (("Aggregator", mirror.url), ("Blog", blog.url))
    assert story.item.source == "arXiv cs.CV · Aggregator · Blog"


def test_links_and_titles_from_earlier_issues_are_repeats():
    archive = Archive(weeks_by_key={"blog.example/seen": "2026-W45"},
                      titles={"A long title about flow matching": "2026-W46"})
    items = [item("seen"), item("retold", title="A long title about flow matching!"), item("new")]

    ranked = {c.item.url.rsplit("/", 1)[-1]: c for c in rank(items, WINDOW, archive=archive)}

    assert (ranked["seen"].repeat_of, ranked["retold"].repeat_of, ranked["new"].repeat_of) == (
        "2026-W45", "2026-W46", None)


def test_tracking_parameters_are_stripped_from_the_link_readers_get():
    [candidate] = rank([Item(url="https://blog.example/p?utm_source=rss&id=2", title="t", source="S",
                             published=MONDAY)], WINDOW)

    assert candidate.item.url == "https://blog.example/p?id=2"


def test_the_budget_takes_the_best_that_fit_and_respects_caps_and_what_is_present():
    papers = [item(f"paper{n}", day=6 - n, kind="paper") for n in range(5)]
    videos = [item(f"video{n}", day=6 - n, kind="video") for n in range(3)]
    ranked = rank(papers + videos, WINDOW)

    chosen = Budget(minutes=30, caps={"paper": 3}).select(ranked, present=["paper"])

    assert sum(c.minutes for c in chosen) + READING_MINUTES["paper"] <= 30
    assert sum(1 for c in chosen if c.item.kind == "paper") == 2  # one is already in the draft
    assert [c.item.title for c in chosen] == [c.item.title for c in ranked if c in chosen]  # best first


@given(st.lists(st.tuples(st.sampled_from(sorted(READING_MINUTES)), st.integers(0, 6)), max_size=40),
       st.integers(0, 120))
def test_a_selection_never_goes_over_the_budget(kinds_and_days, minutes):
    items = [item(f"i{n}", day=day, kind=kind) for n, (kind, day) in enumerate(kinds_and_days)]

    chosen = Budget(minutes=minutes).select(rank(items, WINDOW))

    assert sum(c.minutes for c in chosen) <= minutes
    assert len({c.item.key for c in chosen}) == len(chosen)


def test_the_gather_shows_mutes_repeats_and_the_budget(feed_server, project, capsys):
    project.write_issue("2026-W47", "Title: Issue 1\nDate: 2026-11-22\nStatus: published\nIssue: 1\nWeek: 2026-W47\n\n"
                                    "## Articles\n\n- [Old news](https://blog.example/old?utm_source=x) · Blog\n")
    when = MONDAY + timedelta(days=1)
    entries = [{"title": f"Diffusion post {n}", "link": f"https://blog.example/{n}", "date": when} for n in range(30)]
    entries += [{"title": "Old news again", "link": "https://blog.example/old", "date": when},
                {"title": "NFT drop", "link": "https://blog.example/nft", "date": when}]
    feed_server.add("/feed", rss2(entries))
    project.configure([{"name": "Blog", "type": "feed", "url": feed_server.url("/feed")}],
                      extra="LAMPLIGHTER_MUTE = {'terms': ['nft']}\nLAMPLIGHTER_BUDGET_MINUTES = 20\n")

    assert main(["gather", "-s", str(project.settings), "--week", WEEK, "--json"]) == 0

    result = json.loads(capsys.readouterr().out)
    by_id = {c["id"]: c for c in result["candidates"]}
    assert by_id["blog.example/nft"]["muted_by"] == "terms: nft" and not by_id["blog.example/nft"]["selected"]
    assert by_id["blog.example/old"]["repeat_of"] == "2026-W47" and not by_id["blog.example/old"]["selected"]
    assert sum(c["selected"] for c in result["candidates"]) == 4  # 4 articles of 5 minutes
    draft = (project.issues / f"{WEEK}.md").read_text()
    assert "Reading-time: 20 min" in draft


def test_daily_gathers_accumulate_into_the_draft_and_keep_what_was_left_out(feed_server, project):
    day = MONDAY + timedelta(hours=8)
    monday = [{"title": f"Monday post {n}", "link": f"https://blog.example/mon{n}", "date": day + timedelta(hours=n)}
              for n in range(5)]
    feed_server.add("/feed", rss2(monday))
    project.configure([{"name": "Blog", "type": "feed", "url": feed_server.url("/feed")}],
                      extra="LAMPLIGHTER_BUDGET_MINUTES = 15\n")
    run = ["gather", "-s", str(project.settings), "--week", WEEK]
    assert main(run) == 0
    path, more = project.issues / f"{WEEK}.md", project.issues / f"{WEEK}.unselected.txt"
    text = path.read_text()
    assert [n for n in range(5) if f"/mon{n})" in text] == [2, 3, 4]  # the newest three fit 15 minutes
    left = more.read_text()
    assert sorted((left.index(f"/mon{n})"), n) for n in range(5) if f"/mon{n})" in left) == [
        (left.index("/mon1)"), 1), (left.index("/mon0)"), 0)]  # the two left out, best first

    # The editor drops one, annotates one and promotes one from the unselected file.
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "/mon2)" in line)
    del lines[start:start + 2]
    text = "\n".join(lines).replace("/mon4) · Blog", "/mon4) · Blog\n\n    My note.") + "\n"
    promoted = next(line for line in more.read_text().splitlines() if "/mon0)" in line)
    path.write_text(text + "\n" + promoted + "\n")

    # Tuesday: the capped feed no longer lists Monday's posts.
    feed_server.add("/feed", rss2([{"title": "Tuesday post", "link": "https://blog.example/tue",
                                    "date": day + timedelta(days=1)}]))
    assert main(run) == 0

    after = path.read_text()
    assert "My note." in after and "/mon0)" in after and "/mon2)" not in after
    assert "/tue)" not in after  # three items already fill the 15 minutes
    left = more.read_text()
    assert "/tue)" in left and "/mon1)" in left  # accumulated: Monday's left-out is still there
    assert "/mon0)" not in left and "/mon2)" not in left  # promoted, and dropped


def published_with_record(project, week: str, kept: list[tuple[str, str]], dropped: list[str],
                          annotated: tuple[str, ...] = ()) -> None:
    """A published issue and the record of what gathering offered it: kept items, some with notes, and drops."""
    body = "".join(f"- [{title}](https://blog.example/{slug}) · Blog\n" + ("\n    My note.\n" if slug in annotated else "")
                   + "\n" for slug, title in kept)
    project.write_issue(week, f"Title: t\nDate: 2026-01-01\nStatus: published\nIssue: 1\nWeek: {week}\nSummary: s\n\n"
                              f"## Articles\n\n{body}")
    offered = {f"blog.example/{slug}": {"title": title, "source": "Blog"} for slug, title in kept}
    offered |= {f"blog.example/{title}": {"title": title.replace("-", " "), "source": "Blog"} for title in dropped}
    (project.issues / f"{week}.gathered.json").write_text(json.dumps({"offered": offered}))


def test_two_weeks_of_picks_put_the_preferred_topic_first_and_say_which_words(project):
    for n in (1, 2):
        published_with_record(project, f"2026-W4{n}",
                              kept=[(f"c{n}{k}", f"ControlNet trick number {n}{k} for sketches") for k in range(3)],
                              dropped=[f"leaderboard-update-{n}{k}" for k in range(4)], annotated=(f"c{n}0",))
    learned = Preferences.learn(project.issues, before=WEEK)
    items = [item("board", title="Another leaderboard update"), item("plain", title="Something else entirely"),
             item("cn", title="A ControlNet for comics")]

    ranked = rank(items, WINDOW, Focus(learned=learned))

    assert order(ranked) == ["cn", "plain", "board"]
    assert ranked[0].reasons["learned: controlnet"] > 0
    assert ranked[-1].reasons["learned: leaderboard, update"] < 0


def test_nothing_is_learned_from_too_few_examples_or_from_drafts(project):
    published_with_record(project, "2026-W45", kept=[("a", "ControlNet once")], dropped=["leaderboard-once"])
    project.write_issue("2026-W46", "Title: t\nStatus: draft\n\n- [x](https://blog.example/x) · Blog\n")
    (project.issues / "2026-W46.gathered.json").write_text(json.dumps(
        {"offered": {f"blog.example/d{n}": {"title": "ControlNet dropped", "source": "Blog"} for n in range(9)}}))

    assert Preferences.learn(project.issues, before=WEEK).empty
    assert rank([item("a")], WINDOW, Focus(learned=Preferences.learn(project.issues, before=WEEK)))[0].reasons == {
        "recency": 0.286}


def test_explain_shows_a_links_score_part_by_part(feed_server, project, capsys):
    when = MONDAY + timedelta(days=3, hours=12)
    feed_server.add("/feed", rss2([{"title": "A ControlNet for sketches", "link": "https://blog.example/cn?utm_source=rss",
                                    "date": when},
                                   {"title": "NFT drop", "link": "https://blog.example/nft", "date": when}]))
    project.configure([{"name": "Blog", "type": "feed", "url": feed_server.url("/feed"), "weight": 2}],
                      extra="LAMPLIGHTER_FOCUS = {'controlnet': 3}\nLAMPLIGHTER_MUTE = {'terms': ['nft']}\n")
    main(["gather", "-s", str(project.settings), "--week", WEEK, "--dry-run"])
    capsys.readouterr()

    assert main(["explain", "https://www.blog.example/cn/", "-s", str(project.settings), "--week", WEEK]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["A ControlNet for sketches", "https://blog.example/cn", "from: Blog"]
    assert out[3] == "score 7 = (recency 0.5 + focus: controlnet 3) × source weight 2"
    assert out[4] == "rank 1 of 2; in the draft (5 min)" or out[4].startswith("rank 1 of 2; not in the draft")

    assert main(["explain", "https://blog.example/nft", "-s", str(project.settings), "--week", WEEK]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "rank 2 of 2; muted by LAMPLIGHTER_MUTE (terms: nft)"
    assert main(["explain", "https://elsewhere.example/", "-s", str(project.settings), "--week", WEEK]) == 1


def test_a_few_hundred_candidates_become_a_budgeted_on_topic_draft_without_duplicates(feed_server, project, capsys):
    project.write_issue("2026-W47", "Title: Issue 1\nDate: 2026-11-22\nStatus: published\nIssue: 1\nWeek: 2026-W47\n"
                                    "Summary: s\n\n## Articles\n\n"
                        + "".join(f"- [Old {n}](https://lab{n % 3}.example/diffusion-{n}) · Lab\n" for n in range(0, 300, 7)))
    when = MONDAY + timedelta(days=2)
    feeds: dict[int, list[dict]] = {lab: [] for lab in range(3)}
    for lab in range(3):  # each lab's stories, which the next lab's feed passes on under a tracking link
        for n in range(lab, 300, 3):
            topic = "diffusion" if n % 4 == 0 else "marketing"
            story = {"title": f"Story {n} about {topic} from lab {lab}", "date": when + timedelta(minutes=n),
                     "link": f"https://lab{lab}.example/{topic}-{n}"}
            feeds[lab].append(story)
            feeds[(lab + 1) % 3].append({**story, "link": f"https://www.lab{lab}.example/{topic}-{n}/?utm_source=x"})
    for lab, entries in feeds.items():
        feed_server.add(f"/lab{lab}", rss2(entries))
    project.configure([{"name": f"Lab {lab}", "type": "feed", "url": feed_server.url(f"/lab{lab}")} for lab in range(3)],
                      extra="LAMPLIGHTER_FOCUS = {'diffusion': 2}\nLAMPLIGHTER_BUDGET_MINUTES = 60\n")

    assert main(["gather", "-s", str(project.settings), "--week", WEEK, "--json"]) == 0

    result = json.loads(capsys.readouterr().out)
    assert len(result["candidates"]) == 300  # 600 entries, every story twice
    chosen = [c for c in result["candidates"] if c["selected"]]
    assert sum(c["minutes"] for c in chosen) <= 60
    assert all("diffusion" in c["title"] for c in chosen)  # on topic while on-topic items remain
    assert not any(c["repeat_of"] for c in chosen)
    path = project.issues / f"{WEEK}.md"
    assert main(["check", str(path)]) == 0  # no duplicate link, no tracking parameter
    assert "utm_" not in path.read_text()


def test_titles_that_differ_only_by_a_number_are_different_stories():
    items = [item("a", title="Stable Diffusion 3: what changed and why"),
             item("b", title="Stable Diffusion 3.5: what changed and why"),
             item("c", title="This week in diffusion, issue 12"), item("d", title="This week in diffusion, issue 13")]

    assert len(rank(items, WINDOW)) == 4


@given(st.lists(st.tuples(st.integers(0, 9), st.sampled_from(["", "/", "?utm_source=a", "#top", "/?fbclid=1"]),
                          st.booleans(), st.sampled_from(["A", "B", "C"])), min_size=1, max_size=30))
def test_however_sources_dress_a_link_it_is_one_candidate(sightings):
    items = [Item(url=f"http{'s' if https else ''}://www.blog.example/post-{page}{dress}",
                  title=f"Page {page}", source=source, published=MONDAY) for page, dress, https, source in sightings]

    ranked = rank(items, WINDOW)

    assert sorted(c.item.title for c in ranked) == sorted({f"Page {page}" for page, *_ in sightings})
    for candidate in ranked:
        seen_by = {source for page, _, _, source in sightings if f"Page {page}" == candidate.item.title}
        assert set(candidate.item.source.split(" · ")) == seen_by
        assert "utm_" not in candidate.item.url and "fbclid" not in candidate.item.url


PAPER_TITLES = ["Scaling Rectified Flow Transformers for High Resolution Image Synthesis",
                "Stable Video Diffusion: Scaling Latent Video Diffusion Models to Large Datasets",
                "Consistency Models for One Step Image Generation"]


@st.composite
def stories(draw) -> list[Item]:
    """Papers from their owners and from anyone, and pages on any site that borrow, bend or copy their titles."""
    items = []
    for _ in range(draw(st.integers(1, 12))):
        paper = draw(st.integers(0, len(PAPER_TITLES) - 1))
        title = draw(st.sampled_from([PAPER_TITLES[paper], PAPER_TITLES[paper] + ".", PAPER_TITLES[paper].upper(),
                                      PAPER_TITLES[paper].replace(" ", "  ", 1), f"Re: {PAPER_TITLES[paper]}"]))
        if draw(st.booleans()):
            url = draw(st.sampled_from([f"https://arxiv.org/abs/2403.0{paper}206", f"http://arxiv.org/pdf/2403.0{paper}206v2",
                                        f"https://huggingface.co/papers/2403.0{paper}206"]))
        else:
            url = f"https://{draw(st.sampled_from(['evil.example', 'blog.example', 'mirror.example']))}/{draw(st.integers(0, 3))}"
        items.append(Item(url=url, title=title, source=draw(st.sampled_from(["arXiv", "HF", "Blog", "Evil"])),
                          published=MONDAY, from_owner=draw(st.booleans()), kind="paper",
                          summary="x" * draw(st.integers(0, 400)), authors=("A",) * draw(st.integers(0, 9))))
    return items


@given(stories())
def test_merging_never_replaces_an_owners_link_or_title(items):
    from lamplighter.items import owner_link

    candidates = {c.item.key: c.item for c in rank(items, WINDOW)}

    owned = {item.key for item in items if owner_link(item.url)}
    assert owned <= set(candidates)  # every paper keeps its own item and link
    for key in owned:
        titles_from_owner = {item.title for item in items if item.key == key and item.from_owner}
        assert not titles_from_owner or candidates[key].title in titles_from_owner
        assert not any(item_key(url) in owned for _, url in candidates[key].pages)


def test_the_learned_models_are_kept_in_the_cache_and_fitted_again_when_missing_damaged_or_stale(project):
    for n in (1, 2):
        published_with_record(project, f"2026-W4{n}", kept=[(f"c{n}{k}", f"ControlNet trick {n}{k}") for k in range(3)],
                              dropped=[f"leaderboard-update-{n}{k}" for k in range(4)])
    cache = project.root / "cache"
    items = [item("board", title="Another leaderboard update"), item("cn", title="A ControlNet for comics")]

    def learned_order():
        return order(rank(items, WINDOW, Focus(learned=Preferences.learn(project.issues, before=WEEK, cache_dir=cache))))

    assert learned_order() == ["cn", "board"]
    kept = (cache / "learned.pickle").read_bytes()
    assert learned_order() == ["cn", "board"] and (cache / "learned.pickle").read_bytes() == kept
    (cache / "learned.pickle").write_bytes(b"\x80\x04not a pickle")
    assert learned_order() == ["cn", "board"] and (cache / "learned.pickle").read_bytes() != b"\x80\x04not a pickle"
    published_with_record(project, "2026-W43", kept=[("c3", "Leaderboard update three")], dropped=[])
    learned_order()
    assert (cache / "learned.pickle").read_bytes() != kept  # a new week in the archive: fitted again


def test_two_blogs_on_one_hosting_domain_are_two_sites():
    first = Item(url="https://alice.github.io/flow", title="Flow matching for image generation explained",
                 source="Alice", published=MONDAY)
    second = Item(url="https://bob.github.io/flow", title="Flow matching for image generation, explained",
                  source="Bob", published=MONDAY)

    assert len(rank([first, second], WINDOW)) == 2
