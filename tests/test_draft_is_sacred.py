"""The draft is the editor's: no save overwritten, no item lost, hidden or brought back, whatever happens.

Each test is one way a draft was seen to lose work: a save during a gather, two gathers at
once, a kill between two writes, items placed where no reader sees them, bytes rewritten,
a deleted item offered again in a later week, a link whose identity changed on its way
back, and damaged or unusual files and settings that crashed or silently did nothing.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import threading

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lamplighter import draft
from lamplighter.cli import main
from lamplighter.items import item_key
from lamplighter.text import markdown_url
from newsroom import WEEK, Newsroom, kept_in_order, paused, resume


@pytest.fixture
def room(project, feed_server) -> Newsroom:
    return Newsroom(project, feed_server)


def first_gather(room: Newsroom, *slugs: str) -> None:
    for slug in slugs or ("one", "two"):
        room.post(slug)
    assert room.gather() == 0


# --- One writer at a time -------------------------------------------------------------------

def test_a_save_while_a_gather_is_writing_is_merged_not_overwritten(room):
    first_gather(room)
    room.post("three")
    process = room.start_gather(pause_at="write 2026-W48.gathered.json")  # the record's pending items
    assert paused(process)
    room.save(room.text().replace("-->\n", "-->\n\nMy introduction, saved mid-gather.\n", 1))

    assert resume(process) == 0

    text = room.text()
    assert "My introduction, saved mid-gather." in text
    assert "https://blog.example/three" in text


def test_saves_every_few_milliseconds_during_gathers_are_never_lost(room):
    first_gather(room)
    for round_ in range(8):
        room.post(f"new-{round_}")
        base, saved, stop = room.text(), [], threading.Event()

        def editor() -> None:  # a burst of saves, in place, as the gather runs
            while not stop.is_set() and len(saved) < 40:
                saved.append(f"Editor's line {round_}.{len(saved)}.")
                room.save(base.replace("-->\n", "-->\n\n" + "\n".join(saved) + "\n", 1))
                stop.wait(0.003)

        thread = threading.Thread(target=editor)
        thread.start()
        try:
            assert room.gather() == 0
        finally:
            stop.set()
            thread.join()
        text = room.text()
        assert all(line in text for line in saved)  # the editor's last save, at least, is all there


def test_a_second_gather_waits_for_the_first_and_drops_nothing(room):
    first_gather(room)
    room.post("three")
    room.post("four")
    first = room.start_gather(pause_at="write 2026-W48.gathered.json")
    assert paused(first)  # holding the lock, about to write
    second = room.start_gather()
    said = []
    for line in second.stderr:  # until the second says it waits (or, were the lock broken, ends)
        said.append(line)
        if "Another gather" in line:
            break
    resume(first)

    out, err = second.communicate(timeout=60)

    err = "".join(said) + err
    assert second.returncode == 0 and first.wait(timeout=60) == 0
    assert "Another gather of 2026-W48 is writing its draft; waiting" in " ".join(err.split())
    assert set(room.record().offered) == room.keys()  # nothing counts as dropped
    assert {"blog.example/three", "blog.example/four"} <= room.keys()


def test_a_gather_that_cannot_get_the_lock_in_time_exits_2_and_writes_nothing(room, capsys):
    first_gather(room)
    room.configure("LAMPLIGHTER_LOCK_WAIT = 0.5\n")
    room.post("three")
    holder = room.start_gather(pause_at="write 2026-W48.gathered.json")
    assert paused(holder)
    try:
        before = room.text()
        assert room.gather() == 2
        assert "another gather of 2026-W48 has held" in " ".join(capsys.readouterr().err.split())
        assert room.text() == before
    finally:
        holder.kill()
        holder.wait()


# --- Crash-consistent -------------------------------------------------------------------------

def killed_at(room: Newsroom, point: int, snapshot: dict) -> bool:
    """From the snapshot's state, a gather killed with SIGKILL before its `point`th write of a file of
    the week (each write and each rename counts); False if it finished before reaching it."""
    for path in room.project.issues.iterdir():
        if path not in snapshot:
            path.unlink()
    for path, data in snapshot.items():
        path.write_bytes(data)
    process = room.start_gather(pause_at=f"{WEEK}#{point}")
    if not paused(process):
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


@pytest.mark.parametrize("delete", [True, False], ids=["editor deletes a new item", "editor deletes nothing"])
def test_a_kill_at_any_write_leaves_draft_and_record_consistent(room, delete):
    first_gather(room)
    room.post("three")
    room.post("four")
    new_keys = {"blog.example/three", "blog.example/four"}
    snapshot = {path: path.read_bytes() for path in room.project.issues.iterdir()}
    point = 0
    while killed_at(room, point + 1, snapshot):
        point += 1
        new = new_keys & room.keys()
        if delete and new:  # the editor deletes one of the items the killed gather showed them
            gone = sorted(new)[0]
            room.delete(gone)

        assert room.gather() == 0

        keys = room.keys()
        if delete and new:
            assert gone not in keys, f"killed at write {point}: a deleted item came back"
            assert new_keys - {gone} <= keys
        else:
            assert new_keys <= keys, f"killed at write {point}: an item was lost"
        assert set(room.record().offered) - keys <= ({gone} if delete and new else set())
        assert not list(room.project.issues.glob(".*.tmp")), f"killed at write {point}: a temporary file is left"
    assert point >= 6  # record pending (write, rename), draft, record committed (write, rename), ranking


def test_temporary_files_are_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "content/issues/.2026-W48.md.x1y2.tmp",
                              "content/issues/.lamplighter.lock"], cwd=os.path.dirname(os.path.dirname(__file__)),
                             capture_output=True, text=True)
    assert ignored.stdout.split() == ["content/issues/.2026-W48.md.x1y2.tmp", "content/issues/.lamplighter.lock"]


# --- Read as CommonMark reads it --------------------------------------------------------------

HIDING_PLACES = {
    "a commented-out item at the end": "<!--\n- [Old idea](https://blog.example/old) · Blog\n",
    "a code block that ends with a blank line": "    def f():\n        return 1\n\n",
    "a ~~~ fence in the introduction": "~~~\n## Articles\n- [Example](https://blog.example/ex)\n~~~\n",
    "a ~~~ fence holding a ``` line": "~~~\n```\n## Articles\n- [Example](https://blog.example/ex)\n~~~\n",
    "an HTML block": "<div>\n- [Inside](https://blog.example/inside)\n",
    "a quote": "> - [Quoted](https://blog.example/quoted)\n>\n> more\n",
    "a table": "| a | b |\n|---|---|\n| - [x](https://blog.example/cell) | 2 |\n",
    "an unclosed fence at the end": "```\nsome code the editor is writing\n",
}


@pytest.mark.parametrize("hiding_place", HIDING_PLACES.values(), ids=HIDING_PLACES.keys())
def test_new_items_are_never_placed_where_no_reader_sees_them(room, hiding_place):
    first_gather(room)
    place_at_end = "end" in [k for k, v in HIDING_PLACES.items() if v == hiding_place][0]
    text = room.text()
    text = text + "\n" + hiding_place if place_at_end else text.replace("-->\n", "-->\n\n" + hiding_place, 1)
    room.save(text)
    room.post("three", title="A post on a new topic")

    assert room.gather() == 0

    after = room.text()
    assert kept_in_order(text, after)
    assert hiding_place in after  # the editor's block, byte for byte
    parsed = draft.parse(after)
    assert "blog.example/three" in parsed.keys
    assert not {"blog.example/old", "blog.example/ex", "blog.example/inside", "blog.example/quoted",
                "blog.example/cell"} & parsed.keys  # what the editor wrote there is not an item
    assert list(parsed.headings).count("articles") == 1
    assert main(["check", str(room.path)]) == 0 or "empty section" not in after


def test_a_commented_out_item_is_not_present_and_can_be_offered(room):
    first_gather(room, "one")
    room.save(room.text().replace("- [Post about one]", "<!-- - [Post about one]").replace(
        "    — What one is.\n", "    — What one is. -->\n"))

    assert room.gather() == 0

    assert "blog.example/one" not in room.keys()  # hidden by the editor: dropped, not brought back
    assert room.text().count("https://blog.example/one") == 1


# --- The editor's bytes stay theirs -----------------------------------------------------------

def test_crlf_bom_and_unicode_line_separators_are_kept_byte_for_byte(room):
    first_gather(room, "one")
    tricky = "Title with a\u2028separator, a\x0cform feed, a\x0bvertical tab, a\x85next line - [x](https://a.example/)"
    text = "\ufeff" + room.text().replace("-->\n", f"-->\n\n{tricky}\n", 1).replace("\n", "\r\n")
    room.save(text)
    room.post("two")

    assert room.gather() == 0

    after = room.text()
    assert after.startswith("\ufeffTitle: Issue 1:")
    assert "\n" not in after.replace("\r\n", "")  # every line ends as the editor's did
    assert f"\r\n{tricky}\r\n" in after
    assert kept_in_order(text, after)
    assert "a.example" not in draft.parse(after).keys  # the separator did not start a list item
    assert "blog.example/two" in draft.parse(after).keys


@pytest.mark.parametrize(("change", "line", "message"), [
    (lambda t: "\n" + t, 1, "the file starts with a blank line"),
    (lambda t: t.replace("Status: draft", "Status: publshed"), 3, "Status 'publshed' is not draft or published"),
    (lambda t: t.replace("Status: draft\n", ""), 7, "no 'Status:' line in the metadata block (lines 1–6)"),
    (lambda t: t.split("Status:")[0], 3, "no 'Status:' line in the metadata block (lines 1–2)"),
])
def test_unreadable_metadata_is_an_error_with_its_line_not_published(room, capsys, change, line, message):
    first_gather(room, "one")
    room.save(change(room.text()))
    before = room.text()
    room.post("two")
    capsys.readouterr()

    assert room.gather() == 2

    said = " ".join(capsys.readouterr().err.split())
    assert f"{room.path}:{line}: error:" in said and message in said
    assert "already published" not in said
    assert room.text() == before
    assert main(["check", str(room.path)]) == 1
    assert message in " ".join(capsys.readouterr().out.split())


# --- Dropped means dropped --------------------------------------------------------------------

def test_an_item_deleted_in_one_week_is_not_offered_in_a_later_week(room, capsys):
    room.post("trending-repo")
    assert main(["gather", "-s", str(room.project.settings), "--week", "2026-W47", "--since", "2026-11-16",
                 "--until", "2026-11-29"]) == 0
    last_week = room.project.issues / "2026-W47.md"
    last_week.write_text(last_week.read_text().replace("- [Post about trending-repo]", "- [Gone]").replace(
        "https://blog.example/trending-repo", "https://blog.example/other"))  # deleted, another item kept
    room.post("fresh")
    capsys.readouterr()

    assert room.gather("--json") == 0

    assert room.keys() == {"blog.example/fresh"}
    assert main(["explain", "-s", str(room.project.settings), "--week", WEEK,
                 "https://blog.example/trending-repo"]) == 0
    assert "dropped by you in 2026-W47" in capsys.readouterr().out


# --- One identity per link --------------------------------------------------------------------

ODD_LINKS = ["https://en.wikipedia.org/wiki/Diffusion_(disambiguation)", "https://blog.example/a post with spaces",
             "https://blog.example/über-straße", "http://[2001:db8::1]:8080/notes", "https://bücher.example/neu"]


def test_links_with_parentheses_spaces_unicode_and_ipv6_keep_their_identity(room, capsys):
    room.configure("LAMPLIGHTER_SECTION_CAPS = {'article': 3}\n")
    for index, link in enumerate(ODD_LINKS):
        room.post(f"odd-{index}", link=link)
    assert room.gather() == 0
    capsys.readouterr()

    assert room.gather() == 0

    assert "0 dropped by the editor" in " ".join(capsys.readouterr().err.split())
    unselected = room.path.with_name(f"{WEEK}.unselected.txt")
    promoted = [line for line in unselected.read_text().splitlines() if line.startswith("- ")][0]
    room.save(room.text() + "\n" + promoted + "\n")
    assert room.gather() == 0
    assert main(["check", str(room.path)]) == 0  # no duplicate link
    assert len(room.keys()) == 4 and not [line for line in unselected.read_text().splitlines()
                                          if line.startswith("- ") and line == promoted]


@given(st.sampled_from(["http", "https"]),
       st.sampled_from(["blog.example", "bücher.example", "[2001:db8::1]", "127.0.0.1:8080", "WWW.Example.com"]),
       st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20))
@example("https", "blog.example", "a (b) c")
@example("http", "[2001:db8::1]", "x]y")
@example("http", "blog.example", " ")  # a space a source left at the end
def test_a_link_written_into_the_draft_reads_back_as_the_same_item(scheme, host, path):
    url = f"{scheme}://{host}/{path}"
    parsed = draft.parse(f"Status: draft\n\n- [Title]({markdown_url(url)}) · Source\n")
    assert [item_key(item.url) for item in parsed.items] == [item_key(url)]


# --- Bad state and bad settings: one clear line -----------------------------------------------

@pytest.mark.parametrize("content", ["[]", "null", '{"offered": []}', '{"offered": {"x": 1}}', "{", '{"other": {}}'])
def test_a_damaged_record_stops_the_gather_naming_it(room, capsys, content):
    first_gather(room)
    record = room.path.with_name(f"{WEEK}.gathered.json")
    record.write_text(content)
    before = room.text()

    assert room.gather() == 2

    said = " ".join(capsys.readouterr().err.split())
    assert f"{record} is damaged" in said and "Traceback" not in said
    assert room.text() == before


def test_a_corrupt_http_cache_is_moved_aside_and_rebuilt(room, capsys):
    cache = room.project.root / "cache" / "http.sqlite"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"this is not a database" * 100)
    room.post("one")

    assert room.gather() == 0

    said = " ".join(capsys.readouterr().err.split())
    assert "The HTTP cache was damaged; it was moved aside" in said
    assert list(cache.parent.glob("http.sqlite.damaged-*"))
    assert "blog.example/one" in room.keys()


def test_a_locked_http_cache_is_an_error_within_the_timeout(room, capsys):
    room.configure("LAMPLIGHTER_TIMEOUT = 1\n")
    room.post("one")
    assert room.gather() == 0
    holder = sqlite3.connect(room.project.root / "cache" / "http.sqlite")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert room.gather() == 2
    finally:
        holder.rollback()
        holder.close()
    assert "has been locked by another process for 1 s" in " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize("week", ["9999-W52", "2026-W48\n", "２０２６-W48", "2026-W48\x00", "1899-W01"])
def test_weeks_out_of_range_or_with_odd_characters_are_refused(room, capsys, week):
    with pytest.raises(SystemExit) as exit_:
        main(["gather", "-s", str(room.project.settings), "--week", week])
    assert exit_.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not list(room.project.issues.glob("*.md"))


def test_an_issue_file_that_is_not_utf8_is_named(room, capsys):
    (room.project.issues / "2026-W47.md").write_bytes(b"Title: Old\nStatus: published\n\nCaf\xe9\n")
    room.post("one")

    assert room.gather() == 2

    assert "2026-W47.md is not UTF-8 text" in " ".join(capsys.readouterr().err.split())


def test_drafts_and_records_get_the_umasks_permissions(room):
    first_gather(room)
    for path in (room.path, room.path.with_name(f"{WEEK}.gathered.json")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~current_umask(), path.name


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_crash_is_exit_3_never_the_1_that_means_nothing_gathered(room, monkeypatch, capsys):
    room.post("one")
    monkeypatch.setattr("lamplighter.curate.rank", lambda *args, **kwargs: 1 / 0)  # a bug, for the test

    assert room.gather() == 3

    assert "Lamplighter crashed" in capsys.readouterr().err


# --- A quiet week -----------------------------------------------------------------------------

def test_in_a_quiet_week_later_items_still_move_into_a_new_draft(room, capsys):
    (room.project.issues / "2026-W47.md").write_text(
        "Title: Issue 3\nDate: 2026-11-22\nStatus: published\nIssue: 3\nWeek: 2026-W47\nSummary: S.\n\n"
        "## Papers\n\n- [Later paper](https://arxiv.org/abs/2611.00002) · arXiv [later]\n    — My note.\n")

    assert room.gather() == 0  # the feed has nothing this week

    assert "https://arxiv.org/abs/2611.00002" in room.text() and "My note." in room.text()
    assert "No source had anything new; the draft holds the 1 item(s) carried over" in \
        " ".join(capsys.readouterr().err.split())
    assert json.loads(room.path.with_name(f"{WEEK}.gathered.json").read_text())["offered"]


# --- A full disk, a read-only folder ----------------------------------------------------------

@pytest.fixture
def mount():
    """`mount` for the test's own folders, undone afterwards; skips where this machine will not mount."""
    mounted = []

    def run(*args: str) -> None:
        done = subprocess.run(["mount", *args], capture_output=True, text=True)
        if done.returncode:
            pytest.skip(f"cannot mount here ({done.stderr.strip() or 'mount failed'}): needs root in a machine "
                        "that allows mounts")
        mounted.append(args[-1])

    yield run
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", target], check=False)


def fill(folder, *, leave: int) -> None:
    """Fill the folder's file system, then give back `leave` bytes."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as file:
        try:
            while True:
                file.write(b"\0" * 4096)
        except OSError:
            pass
    os.truncate(filler, max(0, filler.stat().st_size - leave))


def test_a_full_disk_at_any_write_loses_nothing_and_brings_nothing_back(room, mount, capsys):
    issues = room.project.issues
    mount("-t", "tmpfs", "-o", "size=256k", "tmpfs", str(issues))
    first_gather(room)
    for slug in ("three", "four", "five"):
        room.post(slug)
    snapshot = {path: path.read_bytes() for path in issues.iterdir()}
    outcomes = set()
    for leave in range(0, 24 * 1024, 2048):
        for path in issues.iterdir():
            path.unlink()
        for path, data in snapshot.items():
            path.write_bytes(data)
        fill(issues, leave=leave)
        capsys.readouterr()
        status = room.gather()
        outcomes.add(status)
        if status == 2:
            assert "No space left on device" in " ".join(capsys.readouterr().err.split())
        (issues / "filler.bin").unlink()
        new = {"blog.example/three", "blog.example/four", "blog.example/five"} & room.keys()
        gone = sorted(new)[0] if new else None
        if gone:  # the editor deletes one item they were shown
            room.delete(gone)

        assert room.gather() == 0

        keys = room.keys()
        assert gone not in keys, f"with {leave} bytes free: a deleted item came back"
        assert {"blog.example/three", "blog.example/four", "blog.example/five"} - {gone} <= keys
        assert set(room.record().offered) <= keys | {gone}
        assert not list(issues.glob(".*.tmp"))
    assert outcomes == {0, 2}  # the disk was full at some write, and roomy enough at the end


@pytest.mark.parametrize("folder", ["content/issues", "cache"])
def test_a_read_only_folder_is_an_error_before_anything_is_written(room, mount, capsys, folder):
    first_gather(room)
    before = room.text()
    room.post("three")
    target = room.project.root / folder
    mount("--bind", str(target), str(target))
    mount("-o", "remount,ro,bind", str(target))
    capsys.readouterr()

    assert room.gather() == 2

    said = " ".join(capsys.readouterr().err.split())
    assert "Read-only file system" in said or "readonly" in said, said
    assert "Traceback" not in said
    assert room.text() == before


def test_an_item_deleted_from_carried_over_does_not_return_the_week_after(room):
    (room.project.issues / "2026-W47.md").write_text(
        "Title: Issue 3\nDate: 2026-11-22\nStatus: published\nIssue: 3\nWeek: 2026-W47\nSummary: S.\n\n"
        "## Articles\n\n- [Later post](https://blog.example/later) · Blog [later]\n    — My note.\n")
    room.post("other")
    assert room.gather() == 0
    room.delete("blog.example/later")  # deleted from Carried over, then published
    room.save(room.text().replace("Status: draft", "Status: published"))
    room.post("later", link="https://blog.example/later")  # the source offers it again the next week
    room.post("news")

    assert main(["gather", "-s", str(room.project.settings), "--week", "2026-W49", "--since", "2026-11-23",
                 "--until", "2026-12-06"]) == 0

    assert "blog.example/later" not in draft.parse((room.project.issues / "2026-W49.md").read_text()).keys


def test_a_kill_while_settling_a_killed_gather_still_counts_nothing_unseen_as_dropped(room):
    """Found by the state machine: the first gather killed before its draft was in place, the
    next killed while it settled the first's record; nothing was shown, so nothing is dropped."""
    room.post("one")
    first = room.start_gather(pause_at=f"{WEEK}#3")  # the record names the new draft; it is not in place
    assert paused(first)
    first.kill()
    first.wait()
    second = room.start_gather(pause_at=f"{WEEK}#1")  # settling: about to save the record
    assert paused(second)
    second.kill()
    second.wait()

    assert room.gather() == 0

    assert "blog.example/one" in room.keys()
    assert set(room.record().offered) <= room.keys()
