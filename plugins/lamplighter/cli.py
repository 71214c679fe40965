"""The `lamplighter` command.

- `lamplighter gather` fills this week's draft from the sources. Exit status: 0 when a
  draft was produced (even if some sources failed: the report says which), 1 when nothing
  could be gathered (and nothing is written), 2 for bad usage, bad settings or a file that
  cannot be read or written (the message names it and what to do; nothing is lost), 3 for
  a crash (a bug: the traceback is printed, the draft and its record are whole).
- `lamplighter explain URL` shows why a link of the last gather ranks where it does.
- `lamplighter backtest [HISTORY]` replays an editor's past weeks and says how well the
  ranking would have found their picks, beside baselines measured in the same run.
- `lamplighter check [ISSUE…]` lists what to fix before publishing, with line numbers.
  Exit status: 0 when there is no error (warnings allowed), 1 when there is one, 2 when a
  file cannot be read.
- `lamplighter send [WEEK]` emails a published issue to the readers, once. Exit status: 0
  when it was sent, or was already sent (nothing is sent twice), or the newsletter is not
  emailed; 2 when it could not be sent (the message says why and whether to try again).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import backtest, check, curate, history, issues, report, send, settings
from .errors import DraftError, SettingsError, StateError
from .files import write_atomically
from .items import item_key
from .week import gather_week, ranking_path
from .weeks import Window, midnight, parse_week, week_of, week_window

CRASHED = 3  # a bug: distinct from 1 ("nothing was gathered"), which the gather workflow lets pass


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    try:
        return args.command(args, console)
    except SettingsError as error:
        console.print(f"[bold red]Settings error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        return 2
    except DraftError as error:
        console.print(f"{escape(str(error.path))}:{error.line}: [bold red]error:[/] {escape(error.message)}",
                      highlight=False, soft_wrap=True)
        return 2
    except (StateError, ValueError) as error:
        console.print(f"[bold red]Error:[/] {escape(str(error))}", highlight=False, soft_wrap=True)
        return 2
    except OSError as error:  # a full disk, a read-only folder: say which file, nothing was lost
        where = f"{error.filename}: " if error.filename else ""
        console.print(f"[bold red]Error:[/] {escape(where)}{escape(str(error.strerror or error))}; what was already "
                      "written is whole",
                      highlight=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:  # a bug: never exit 1, which means "nothing was gathered"
        console.print_exception()
        console.print("[bold red]Lamplighter crashed.[/] This is a bug; the draft and its record are whole.")
        return CRASHED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lamplighter", description="Gather, curate and publish a weekly newsletter.")
    commands = parser.add_subparsers(title="commands", required=True)
    # Every command reads the same settings file; gather and explain are about one week.
    with_settings = argparse.ArgumentParser(add_help=False)
    with_settings.add_argument("-s", "--settings", default="pelicanconf.py", help="settings file (default: %(default)s)")
    with_week = argparse.ArgumentParser(add_help=False)
    with_week.add_argument("--week", type=_week, help="ISO week YYYY-Www (default: the current week)")
    gather_parser = commands.add_parser("gather", parents=[with_settings, with_week],
                                        help="gather this week's items into its draft",
                                        description="Gather the sources into the week's draft in content/issues/.")
    gather_parser.add_argument("--since", type=_day, help="first day items may date from (default: the week's Monday)")
    gather_parser.add_argument("--until", type=_day, help="last day items may date from (default: the week's Sunday)")
    gather_parser.add_argument("--dry-run", action="store_true", help="write nothing; show what would change")
    gather_parser.add_argument("--json", action="store_true", help="print the result as one JSON object on stdout")
    gather_parser.add_argument("--markdown-report", type=Path, metavar="FILE",
                               help="also write the report as Markdown to FILE (the draft pull request's body)")
    gather_parser.set_defaults(command=cmd_gather)
    check_parser = commands.add_parser("check", parents=[with_settings],
                                       help="list what to fix in an issue before publishing",
                                       description="Check issues for duplicate and repeated links, empty sections, "
                                                   "leftover markers, tracking parameters and missing metadata.")
    check_parser.add_argument("issues", nargs="*", type=Path, metavar="ISSUE",
                              help="issue files (default: this week's, in the settings' content folder)")
    check_parser.set_defaults(command=cmd_check)
    explain_parser = commands.add_parser("explain", parents=[with_settings, with_week],
                                         help="say why a link ranks where it does",
                                         description="Show the score of a link in the week's last gather, part by part.")
    explain_parser.add_argument("url", help="the link, as in the draft or as any source gave it")
    explain_parser.set_defaults(command=cmd_explain)
    backtest_parser = commands.add_parser(
        "backtest", help="measure the ranking against an editor's past picks",
        description="Replay past weeks in order: learn from the earlier ones, rank each week's candidates as gather "
                    "does, and score the ranking against the editor's picks, beside baselines.")
    backtest_parser.add_argument("history", nargs="?", type=Path, metavar="HISTORY",
                                 help="a JSON Lines history (.jsonl, .jsonl.xz, .jsonl.gz); "
                                      "default: the project's published issues and their records")
    backtest_parser.add_argument("-s", "--settings", help="settings whose focus, mutes and source weights apply "
                                                          "(default: none with HISTORY, else pelicanconf.py)")
    backtest_parser.add_argument("--from", dest="start", type=_week, metavar="WEEK",
                                 help="first week to score (default: the second week)")
    backtest_parser.add_argument("--json", action="store_true", help="print the figures as one JSON object on stdout")
    backtest_parser.set_defaults(command=cmd_backtest)
    send_parser = commands.add_parser(
        "send", parents=[with_settings], help="email a published issue to the readers, once",
        description="Hand a published issue's email (as the build wrote it) to the mailing service in "
                    "LAMPLIGHTER_EMAIL, once: a receipt beside the issue makes every later send refuse.")
    send_parser.add_argument("week", nargs="?", type=_week, metavar="WEEK",
                             help="the issue's week YYYY-Www (default: the newest published issue)")
    send_parser.add_argument("--dry-run", action="store_true", help="say what would be sent; send nothing")
    send_parser.set_defaults(command=cmd_send)
    return parser


def cmd_send(args: argparse.Namespace, console: Console) -> int:
    config = settings.load(args.settings)
    if config.email is None:
        console.print("Not sent: LAMPLIGHTER_EMAIL is not set, so issues are not emailed (readers follow the feeds). "
                      "See README, \"Email\".", highlight=False, soft_wrap=True)
        return 0
    folder = config.content_path / "issues"
    outcome = send.send(config.email, folder, config.output_path, args.week or send.newest_published(folder),
                        dry_run=args.dry_run)
    console.print(escape(outcome.message), highlight=False, soft_wrap=True)
    return 0


def cmd_backtest(args: argparse.Namespace, console: Console) -> int:
    config = settings.load(args.settings or "pelicanconf.py") if args.settings or not args.history else None
    if args.history:
        weeks = history.read(args.history)
    else:
        weeks = history.from_archive(config.content_path / "issues")
        if len(weeks) < 2:
            console.print(f"Nothing to replay: a backtest needs two published issues with their records "
                          f"({len(weeks)} in {config.content_path / 'issues'}).")
            return 1
    focus = curate.Focus.of(config) if config else curate.Focus()
    start = next((index for index, week in enumerate(weeks) if week.week >= args.start), len(weeks)) \
        if args.start else 1
    with Progress(TextColumn("Replaying"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("", total=max(0, len(weeks) - start))
        result = backtest.replay(weeks, focus, start=start,
                                 on_week=lambda week: progress.update(task, advance=1, description=week))
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        Console().print(report.backtest_table(result))
    return 0


def _week(text: str) -> str:
    try:
        return parse_week(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _this_week() -> str:
    return week_of(datetime.now(timezone.utc).date())


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def cmd_gather(args: argparse.Namespace, console: Console) -> int:
    config = settings.load(args.settings)
    today = datetime.now(timezone.utc).date()
    week = args.week or week_of(today)
    window = week_window(week)
    window = Window(midnight(args.since) if args.since else window.since,
                    midnight(args.until + timedelta(days=1)) if args.until else window.until)
    if window.since >= window.until:
        raise ValueError("--since must be on or before --until")
    if not config.sources:
        raise SettingsError(f"LAMPLIGHTER_SOURCES in {args.settings} is empty: there is nothing to gather")

    with _progress(console, len(config.sources)) as advance:
        result = gather_week(config, week, window, today=today, write=not args.dry_run, on_done=advance,
                             on_wait=lambda message: console.print(message, highlight=False))
    gathering, update = result.gathering, result.update
    report.print_summary(console, gathering.reports, update, result.candidates, gathering.notes)
    if args.json:
        print(result.document)
    if args.markdown_report:
        write_atomically(args.markdown_report, report.as_markdown(week, gathering.reports, update, gathering.notes,
                                                                        result.last_week))
    if update is None:
        console.print(f"Nothing was gathered for {week} ({window.since:%Y-%m-%d} to "
                      f"{window.until - timedelta(days=1):%Y-%m-%d}); nothing was written.")
        return 1
    return 0


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    paths = args.issues or [issues.draft_path(settings.load(args.settings).content_path, _this_week())]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise ValueError(f"no such issue file: {', '.join(missing)}")
    errors = warnings = 0
    for path in paths:
        for problem in check.check(path):
            print(f"{path}:{problem.line}: {problem.severity}: {problem.message}")
            errors += problem.severity == "error"
            warnings += problem.severity == "warning"
    verdict = "[bold red]not ready to publish[/]" if errors else "[green]ready to publish[/]"
    console.print(f"{len(paths)} issue(s) checked: {errors} error(s), {warnings} warning(s); {verdict}.")
    return 1 if errors else 0


def cmd_explain(args: argparse.Namespace, console: Console) -> int:
    config = settings.load(args.settings)
    week = args.week or _this_week()
    path = ranking_path(config, week)
    if not path.exists():
        raise ValueError(f"no gather has run for {week} yet: run `lamplighter gather --week {week}` first")
    candidates = json.loads(path.read_text(encoding="utf-8"))["candidates"]
    key = item_key(args.url)
    found = next((index for index, c in enumerate(candidates) if c["id"] == key), None)
    if found is None:
        console.print(f"{args.url} was not among the {len(candidates)} candidates of the last gather for {week}.")
        return 1
    c = candidates[found]
    parts = " + ".join(f"{name} {value:g}" for name, value in c["reasons"].items() if not name.endswith("×"))
    weight = c["reasons"].get("source weight ×")
    print(f"{c['title']}\n{c['url']}\nfrom: {c['source']}")
    if c["provenance"]:
        print("seen: " + " · ".join(c["provenance"]))
    for part in c.get("parts", []):  # rankings saved before stories had parts have none
        print(f"part: {part['label']} {part['url']} (joined: {part['how']})")
    print(f"score {c['score']:g} = " + (f"({parts}) × source weight {weight:g}" if weight else parts or "0"))
    print(f"rank {found + 1} of {len(candidates)}; {_standing(c)}")
    return 0


def _standing(candidate: dict) -> str:
    if candidate["muted_by"]:
        return f"muted by LAMPLIGHTER_MUTE ({candidate['muted_by']})"
    if candidate["repeat_of"]:
        return f"left out: already in the issue of {candidate['repeat_of']}"
    if candidate.get("dropped_in"):
        return f"dropped by you in {candidate['dropped_in']}"
    if candidate["selected"]:
        return f"in the draft ({candidate['minutes']} min)"
    return "not in the draft: over the budget or a section's cap (see the .unselected.txt file)"


class _progress:
    """A progress bar on a terminal, nothing elsewhere (CI logs, pipes)."""

    def __init__(self, console: Console, total: int) -> None:
        self.bar = Progress(TextColumn("Gathering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TextColumn("{task.description}"), console=console, transient=True,
                            disable=not console.is_terminal)
        self.task = self.bar.add_task("", total=total)

    def __enter__(self):
        self.bar.start()
        return lambda done: self.bar.update(self.task, advance=1, description=done.name)

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


if __name__ == "__main__":
    sys.exit(main())
