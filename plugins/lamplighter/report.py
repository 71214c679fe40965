"""What a gather tells the editor: a table on stderr, or one JSON object on stdout."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import backtest
from .curate import Candidate
from .gather import SourceReport
from .issues import DraftUpdate
from .review import Review
from .text import inert

STATUS_STYLE = {"ok": "green", "not_modified": "cyan", "stale": "yellow", "error": "bold red"}


def table(reports: Sequence[SourceReport]) -> Table:
    grid = Table(title="Sources", title_justify="left")
    for column, justify in (("source", "left"), ("status", "left"), ("items", "right"),
                            ("seconds", "right"), ("reason", "left")):
        grid.add_column(column, justify=justify)
    for report in reports:
        grid.add_row(
            escape(report.name),
            f"[{STATUS_STYLE.get(report.status, '')}]{report.status}[/]",
            str(report.items),
            f"{report.seconds:.2f}",
            escape(report.error or report.note),  # a server's words, never rich markup
        )
    return grid


def print_summary(console: Console, reports: Sequence[SourceReport], update: DraftUpdate | None,
                  candidates: Sequence[Candidate] = (), notes: Sequence[str] = ()) -> None:
    console.print(table(reports))
    for note in notes:
        console.print(f"[yellow]{note}[/]")
    muted = sum(1 for c in candidates if c.muted_by)
    repeats = sum(1 for c in candidates if c.repeat_of and not c.muted_by)
    dropped = sum(1 for c in candidates if c.dropped_in and not (c.muted_by or c.repeat_of))
    if muted or repeats or dropped:
        console.print(f"{len(candidates)} candidate(s): {muted} muted, {repeats} already in an earlier issue, "
                      f"{dropped} dropped by you in an earlier week.")
    failed = [r.name for r in reports if r.status == "error"]
    if failed:
        console.print(f"[bold red]{len(failed)} source(s) failed:[/] {', '.join(failed)}")
    stale = [r.name for r in reports if r.status == "stale"]
    if stale:
        console.print(f"[yellow]{len(stale)} source(s) look stale:[/] {', '.join(stale)}")
    if update is None:
        return
    if update.published:
        console.print(f"{update.path} is already published; it was left as it is.")
        return
    if update.renumbered:
        console.print(renumbering(update))
    for sentence in what_happened(update):
        console.print(sentence, highlight=False)
    if update.written:
        console.print(f"Wrote {update.path}: {len(update.added)} new item(s), {len(update.selected)} in the draft "
                      f"({update.minutes} min), {len(update.dropped)} dropped by the editor.")
    elif update.text is None:
        console.print(f"Nothing new for {update.path}; it was left as it is ({len(update.selected)} in the draft, "
                      f"{len(update.dropped)} dropped by the editor).")
    else:
        console.print(f"Dry run: {len(update.added)} new item(s) would be added to {update.path}.")


def what_happened(update: DraftUpdate) -> list[str]:
    """What the editor should know about this update besides its counts."""
    said = []
    if update.recovered:
        said.append("An earlier gather was stopped before it finished; its record was completed first "
                    "(nothing you deleted comes back, nothing you never saw counts as deleted).")
    if update.carried and not update.added:
        said.append(f"No source had anything new; the draft holds the {len(update.carried)} item(s) carried over.")
    return said


def renumbering(update: DraftUpdate) -> str:
    old, new, week = update.renumbered
    done = "is now" if update.written else "would become"
    return f"{week}'s issue also has number {old} (it reached main after this draft began): this draft {done} issue {new}."


def as_json(week: str, reports: Sequence[SourceReport], candidates: Sequence[Candidate],
            update: DraftUpdate | None) -> str:
    selected = update.selected if update else set()
    dropped_now = update.dropped if update else set()
    document = {
        "week": week,
        "draft": str(update.path) if update and update.written else None,
        "sources": [{**asdict(r), "note": r.note} for r in reports],
        "candidates": [
            {
                "id": c.item.key,
                "url": c.item.url,
                "title": c.item.title,
                "source": c.item.source,
                "kind": c.item.kind,
                "published": c.item.published.isoformat() if c.item.published else None,
                "provenance": list(c.item.provenance),
                "signals": c.item.signals,
                "cautions": list(c.item.cautions),
                "code_url": c.item.code_url or None,
                "pages": [{"source": name, "url": url} for name, url in c.item.pages],
                "parts": [{"label": label, "url": url, "how": how, "source": source}
                          for label, url, how, source in c.item.parts],
                "follows": dict(zip(("week", "issue", "title", "url"), c.item.follows)) or None,
                "score": c.score,
                "reasons": c.reasons,
                "minutes": c.minutes,
                "muted_by": c.muted_by,
                "repeat_of": c.repeat_of,
                "dropped_in": c.dropped_in or (week if c.item.key in dropped_now else None),
                "selected": c.item.key in selected,
            }
            for c in candidates
        ],
    }
    # One line: indented, json.dumps falls back from its C encoder to Python, and took most of a warm gather.
    return json.dumps(document, ensure_ascii=False)


def as_markdown(week: str, reports: Sequence[SourceReport], update: DraftUpdate | None,
                notes: Sequence[str] = (), last_week: Review | None = None) -> str:
    """The report for a pull request's body: what changed in the draft, last week's score, every source's status."""
    lines = [f"## Gathered for {week}", ""]
    if update and update.published:
        lines.append(f"`{update.path.name}` is already published; it was left as it is.")
    elif update:
        if update.renumbered:
            lines += [renumbering(update), ""]
        lines += [line for sentence in what_happened(update) for line in [sentence, ""]]
        lines.append(f"{len(update.added)} new item(s); {len(update.selected)} in the draft, about {update.minutes} "
                     f"min of reading; {len(update.dropped)} dropped by the editor; {len(update.left_out)} left out "
                     f"for the budget (see `{update.path.stem}.unselected.txt`).")
    else:
        lines.append("Nothing was gathered.")
    if last_week:
        lines += ["", last_week.sentence()]
    lines += [line for note in notes for line in ["", f"**Note:** {inert(note)}"]]
    failing = [r for r in reports if r.status in ("error", "stale")]
    if failing:
        lines += ["", f"**{len(failing)} source(s) need a look:** " + ", ".join(_cell(r.name) for r in failing)]
    lines += ["", "| source | status | items | reason |", "|---|---|---:|---|"]
    for r in reports:
        mark = {"ok": "✅", "not_modified": "💤", "stale": "⚠️", "error": "❌"}.get(r.status, "")
        lines.append(f"| {_cell(r.name)} | {mark} {r.status} | {r.items} | {inert(r.error or r.note, in_table=True)} |")
    return "\n".join(lines) + "\n"


def backtest_table(result: dict) -> Table:
    """Each replayed week's figures, their means, and the baselines' means measured in the same run."""
    grid = Table(title="Backtest: the editor's picks in the ranking", title_justify="left")
    grid.add_column("week")
    for column in ("candidates", "picks", "recall@10", "recall@30", "recall@100", "precision@k"):
        grid.add_column(column, justify="right")
    for week in result["weeks"]:
        grid.add_row(week["week"], str(week["candidates"]), str(len(week["kept"])),
                     *(f"{week[name]:.3f}" for name in backtest.METRICS))
    rows = [("mean", result["mean"]), *((f"baseline: {name.replace('_', ' + ')}", figures)
                                        for name, figures in result["baselines"].items())]
    for index, (name, figures) in enumerate(rows):
        grid.add_row(f"[bold]{name}[/]" if index == 0 else name, "", "",
                     *(f"{figures[metric]:.3f}" for metric in backtest.METRICS), end_section=index == 0)
    return grid


def _cell(text: str) -> str:
    """The editor's words (a source's name) in a Markdown table cell: no line or table breaks."""
    return " ".join(text.replace("|", "\\|").replace("`", "'").replace("<", "&lt;").split())
