"""A state machine of an editor's week: edits of every kind, gathers, races and kills, in any order.

Hypothesis plays the editor (introductions, notes at any indent, comments, fences, quotes,
tables, moved and renamed sections, reordered and deleted items, CRLF, a BOM, U+2028 and
friends, very long lines, `[later]`) and the world (a feed on loopback that grows, gathers
in this process and as real processes, two at once, a save during a gather, a SIGKILL at
a write). After every step:

- every line the draft had before a gather is still there, byte for byte and in order;
- what a gather added is top-level list items and section headings, nothing inside another block;
- no item the editor deleted (or commented out, or hid in a block) is back;
- every item the record says was offered is in the draft, or the editor deleted it;
- the file keeps its line endings and byte-order mark.

`make test` runs a few hundred steps; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) runs thousands.
"""

from __future__ import annotations

import difflib
import os
import shutil
import signal
import tempfile
import threading
from contextlib import ExitStack
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from conftest import Project, serving
from lamplighter import draft
from newsroom import WEEK, Newsroom, kept_in_order, paused

settings.register_profile("default-machine", max_examples=12, stateful_step_count=25, deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz", max_examples=260, stateful_step_count=25, deadline=None,
                          suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("DRAFT_MACHINE_PROFILE", "default-machine")
LEAST_STEPS = {"default-machine": 200, "fuzz": 5000}  # steps a run must take, counted below
steps = [0]

# What an editor writes between the blocks of a draft; {n} makes each one unique.
BLOCKS = [
    "An introduction by the editor, number {n}.",
    "<!-- a note to myself {n}\n- [Commented out](https://hidden.example/{n}) · Blog\n-->",
    "~~~\n## Articles\n- [Fenced](https://fenced.example/{n})\n~~~",
    "```python\ndef f():  # {n}\n\n    return '- [x](https://code.example/{n})'\n```",
    "    indented code {n}\n    - [Code](https://code.example/i{n})\n",
    "> - [Quoted](https://quoted.example/{n})\n>\n> A quote, {n}.",
    "| a | b {n} |\n|---|---|\n| - [x](https://cell.example/{n}) | 2 |",
    "<div>\n- [In HTML](https://html.example/{n})\n</div>",
    "A line with a\u2028separator {n} - [x](https://sep.example/{n}), a\x0cform feed, a\x85next line, a\x0btab.",
    "A very long line {n}: " + "words and more words " * 400,
    "\tA tabbed line {n}, which is code.",
    "1. [Ordered](https://ordered.example/{n}) is not a gathered item",
    "- An item of the editor's own, without a link {n}",
    "## My own section {n}\n\nSome words of mine.",
]
INDENTS = ["  ", "    ", "\t", "      ", "        "]
ENTRY_LINKS = ["https://blog.example/post-{n}", "https://github.com/lab/repo-{n}", "https://arxiv.org/abs/2611.{n:05d}",
               "https://en.wikipedia.org/wiki/Thing_({n})", "https://blog.example/with space {n}",
               "https://blog.example/straße-{n}", "http://[2001:db8::{n:x}]:8080/notes"]
ENTRY_TITLES = ["Post {n}", "A *starred* title {n} <b>bold</b>", "Title with `code` and [brackets] {n}",
                "PixArt-$\\alpha$ and friends, number {n}", "Line\u2028separated title {n}", "# Not a heading {n}"]


class DraftWeek(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.stack = ExitStack()
        root = Path(tempfile.mkdtemp(prefix="draft-machine-"))
        self.stack.callback(shutil.rmtree, root, True)
        (root / "content" / "issues").mkdir(parents=True)
        (root / "content" / "pages").mkdir()
        server = self.stack.enter_context(serving())
        self.room = Newsroom(Project(root), server, extra_settings=(
            "LAMPLIGHTER_BUDGET_MINUTES = 100000\nLAMPLIGHTER_SECTION_CAPS = {}\n"))
        self.count = 0
        self.deleted: set[str] = set()  # what the editor deleted or hid: never back
        self.crlf = self.bom = False

    def teardown(self) -> None:
        self.stack.close()

    # --- the world ---------------------------------------------------------------------------

    @initialize()
    def first_entries(self) -> None:
        self.new_entries(2, 0, 0)

    @rule(count=st.integers(1, 3), link=st.integers(0, len(ENTRY_LINKS) - 1),
          title=st.integers(0, len(ENTRY_TITLES) - 1))
    def new_entries(self, count: int, link: int, title: int) -> None:
        for _ in range(count):
            n = self._next()
            self.room.post(f"e{n}", link=ENTRY_LINKS[(link + n) % len(ENTRY_LINKS)].format(n=n),
                           title=ENTRY_TITLES[(title + n) % len(ENTRY_TITLES)].format(n=n), hour=n % 24)

    @rule()
    def gather(self) -> None:
        before = self._text()
        assert self.room.gather() in (0, 1)
        self._check_gathered(before)

    @precondition(lambda self: self.room.path.exists())
    @rule(burst=st.integers(1, 30))
    def save_during_gather(self, burst: int) -> None:
        base, saved, stop = self._text(), [], threading.Event()
        keys_before = self.room.keys()

        def editor() -> None:
            while not stop.is_set() and len(saved) < burst:
                saved.append(f"Saved during a gather, {self._next()}.")
                self._save(self._insert_top_level(base, 0, "\n".join(saved)))
                stop.wait(0.002)

        thread = threading.Thread(target=editor)
        thread.start()
        try:
            assert self.room.gather() in (0, 1)
        finally:
            stop.set()
            thread.join()
        text = self._text()
        assert all(line in text for line in saved)
        # A save that lands after the gather's, with the editor's older text, removes the new items: theirs to do.
        self.deleted |= (keys_before | set(self.room.record().offered)) - self.room.keys()

    @rule()
    def two_gathers_at_once(self) -> None:
        before = self._text()
        first, second = self.room.start_gather(), self.room.start_gather()
        for process in (first, second):
            process.communicate(timeout=120)
            assert process.returncode in (0, 1), process.returncode
        self._check_gathered(before)

    @rule(point=st.integers(1, 7))
    def gather_killed_at_a_write(self, point: int) -> None:
        before = self._text()
        process = self.room.start_gather(pause_at=f"{WEEK}#{point}")
        if paused(process):
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=120)
        after = self._text()
        assert after in (before, "") or kept_in_order(before, after)

    # --- the editor --------------------------------------------------------------------------

    @precondition(lambda self: self.room.path.exists())
    @rule(block=st.integers(0, len(BLOCKS) - 1), where=st.integers(0, 10_000))
    def write_a_block(self, block: int, where: int) -> None:
        self._edit(lambda text: self._insert_top_level(text, where, BLOCKS[block].format(n=self._next())))

    @precondition(lambda self: self.room.path.exists())
    @rule(which=st.integers(0, 10_000), indent=st.sampled_from(INDENTS), fenced=st.booleans())
    def write_a_note(self, which: int, indent: str, fenced: bool) -> None:
        def note(text: str) -> str:
            parsed = draft.parse(text)
            if not parsed.items:
                return text
            item = parsed.items[which % len(parsed.items)]
            n = self._next()
            body = [f"{indent}```", f"{indent}code {n}", "", f"{indent}```"] if fenced else [f"{indent}My note {n}."]
            return self._lines(parsed, item.end, ["", *body])
        self._edit(note)

    @precondition(lambda self: self.room.path.exists())
    @rule(which=st.integers(0, 10_000), how=st.sampled_from(["delete", "comment out", "mark later"]))
    def change_an_item(self, which: int, how: str) -> None:
        def change(text: str) -> str:
            parsed = draft.parse(text)
            if not parsed.items:
                return text
            item = parsed.items[which % len(parsed.items)]
            lines = [line + ending for line, ending in zip(parsed.lines, parsed.source.endings)]
            newline = parsed.source.newline
            if how == "delete":
                del lines[item.start:item.end]
            elif how == "comment out":
                lines[item.start:item.start] = ["<!--" + newline]
                lines[item.end + 1:item.end + 1] = ["-->" + newline]
            elif not item.later:
                first = parsed.lines[item.start]
                lines[item.start] = first + " [later]" + parsed.source.endings[item.start]
            return parsed.source.bom + "".join(lines)
        self._edit(change)

    @precondition(lambda self: self.room.path.exists())
    @rule(first=st.integers(0, 10_000), second=st.integers(0, 10_000))
    def swap_two_items(self, first: int, second: int) -> None:
        def swap(text: str) -> str:
            parsed = draft.parse(text)
            if len(parsed.items) < 2:
                return text
            starts = sorted({parsed.items[first % len(parsed.items)].start,
                             parsed.items[second % len(parsed.items)].start})
            if len(starts) < 2:
                return text
            a, b = starts
            one = next(i for i in parsed.items if i.start == a)
            two = next(i for i in parsed.items if i.start == b)
            lines = [line + ending for line, ending in zip(parsed.lines, parsed.source.endings)]
            swapped = (lines[:one.start] + lines[two.start:two.end] + lines[one.end:two.start]
                       + lines[one.start:one.end] + lines[two.end:])
            return parsed.source.bom + "".join(swapped)
        self._edit(swap)

    @precondition(lambda self: self.room.path.exists())
    @rule(section=st.sampled_from(["Articles", "Papers", "Code"]))
    def rename_a_section(self, section: str) -> None:
        self._edit(lambda text: text.replace(f"## {section}\n", f"## {section}, renamed {self._next()}\n", 1)
                   .replace(f"## {section}\r\n", f"## {section}, renamed {self._next()}\r\n", 1))

    @precondition(lambda self: self.room.path.exists() and not self.crlf)
    @rule()
    def save_with_crlf(self) -> None:
        self.crlf = True
        self._edit(lambda text: text.replace("\r\n", "\n").replace("\n", "\r\n"))

    @precondition(lambda self: self.room.path.exists() and not self.bom)
    @rule()
    def save_with_a_bom(self) -> None:
        self.bom = True
        self._edit(lambda text: "\ufeff" + text)

    # --- what must always hold ---------------------------------------------------------------

    @invariant()
    def nothing_deleted_is_back(self) -> None:
        steps[0] += 1  # invariants run after every step
        if self.room.path.exists():
            assert not self.deleted & self.room.keys()

    @invariant()
    def every_offered_item_is_in_the_draft_or_was_deleted(self) -> None:
        if self.room.path.exists():
            assert set(self.room.record().offered) <= self.room.keys() | self.deleted

    @invariant()
    def line_endings_and_bom_are_the_editors(self) -> None:
        if self.room.path.exists():
            text = self._text()
            assert text.startswith("\ufeff") == self.bom
            if self.crlf:
                assert "\n" not in text.replace("\r\n", "")

    # --- helpers -----------------------------------------------------------------------------

    def _next(self) -> int:
        self.count += 1
        return self.count

    def _text(self) -> str:
        return self.room.text() if self.room.path.exists() else ""

    def _save(self, text: str) -> None:
        self.room.save(text)

    def _edit(self, change) -> None:  # noqa: ANN001 (a function of the text)
        before = self.room.keys()
        self._save(change(self._text()))
        self.deleted |= before - self.room.keys()  # what the editor's edit no longer shows as an item

    def _insert_top_level(self, text: str, where: int, block: str) -> str:
        """A block of the editor's, between two top-level blocks of the draft (or at its end)."""
        parsed = draft.parse(text)
        body = next((start for start, _ in parsed.blocks), len(parsed.lines))
        positions = [start for start, _ in parsed.blocks if start >= body] + [len(parsed.lines)]
        return self._lines(parsed, positions[where % len(positions)], ["", *block.split("\n"), ""])

    def _lines(self, parsed: draft.Draft, position: int, new: list[str]) -> str:
        return parsed.source.inserted({position: new}).text()

    def _check_gathered(self, before: str) -> None:
        after = self._text()
        assert kept_in_order(before, after), "a line the editor wrote changed or went"
        if not before:  # the first gather writes the skeleton too
            return
        parsed = draft.parse(after)
        old, new = _lines(before), _lines(after)
        allowed = {line for item in parsed.items for line in range(item.start, item.end)}
        allowed |= set(parsed.headings.values())
        metadata_end = len(parsed.metadata)
        for tag, _, _, start, end in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            for index in range(start, end) if tag != "equal" else ():
                assert index < metadata_end or not new[index].strip() or index in allowed, \
                    f"line {index + 1} was added outside a top-level item: {new[index]!r}"


def _lines(text: str) -> list[str]:
    return draft.Lines.of(text).lines


DraftWeek.TestCase.settings = settings.get_profile(PROFILE)
TestDraftWeek = DraftWeek.TestCase


def test_the_machine_took_its_steps(capsys):
    """Runs after the machine (pytest keeps a file's order): a run that stopped early says so."""
    if not steps[0]:
        pytest.skip("the machine was not run (deselected)")
    with capsys.disabled():  # past pytest's capture, onto the terminal or the CI log
        print(f"\ndraft machine: {steps[0]} steps ({PROFILE})")
    assert steps[0] >= LEAST_STEPS[PROFILE]
