"""`lamplighter check`: what to fix in an issue before it is published, with line numbers.

Errors stop a publish (exit 1): a link twice in the issue, an empty section, a leftover
marker (TODO, FIXME, XXX, TK), a tracking parameter in a link, a list item in a section
whose first line has no web link, missing or malformed metadata, a number another week's
issue has. Warnings do not: a link an earlier issue already carried (over the whole
archive) may be a deliberate follow-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from . import draft, files
from .archive import Archive
from .issues import issue_numbers
from .items import is_web_link, tracking_parameters
from .weeks import parse_week

REQUIRED_METADATA = ("title", "date", "status", "issue", "week", "summary")
_MARKER = re.compile(r"(?<![\w-])(TODO|FIXME|XXX|TK)(?![\w-])")


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based; 0 for the file as a whole
    severity: str  # error | warning
    message: str


def check(path: Path) -> list[Problem]:
    """Every problem in one issue file, in line order."""
    text = files.read_text(path) or ""
    issue = draft.parse(text)
    problems = _metadata(issue) + _number(issue, path) + _links(issue, path) + _sections(issue) + _markers(issue)
    return sorted(problems, key=lambda problem: (problem.line, problem.message))


def _metadata(issue: draft.Draft) -> list[Problem]:
    status = issue.status_problem()  # what also stops a gather, said the same way
    problems = [Problem(status[0], "error", status[1])] if status else []
    problems += [Problem(1, "error", f"missing metadata: {name.capitalize()}")
                 for name in REQUIRED_METADATA if not issue.metadata.get(name) and not (status and name == "status")]
    value = issue.metadata
    if value.get("date"):
        try:
            date.fromisoformat(value["date"][:10])
        except ValueError:
            problems.append(Problem(issue.metadata_line("date") or 1, "error",
                                    f"Date {value['date']!r} is not a date like 2026-11-29"))
    if value.get("week"):
        try:
            parse_week(value["week"])
        except ValueError as error:
            problems.append(Problem(issue.metadata_line("week") or 1, "error", f"Week: {error}"))
    if value.get("issue") and not value["issue"].isdigit():
        problems.append(Problem(issue.metadata_line("issue") or 1, "error", f"Issue {value['issue']!r} is not a number"))
    return problems


def _number(issue: draft.Draft, path: Path) -> list[Problem]:
    """Two weeks with one number: a draft begun before last week's issue reached main (gathering renumbers it)."""
    number = issue.metadata.get("issue", "")
    other = issue_numbers(path.parent, besides=path.stem).get(int(number)) if number.isdigit() else None
    if other is None:
        return []
    return [Problem(issue.metadata_line("issue") or 1, "error", f"Issue {number} is also the number of {other}")]


def _links(issue: draft.Draft, path: Path) -> list[Problem]:
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    archive = Archive.load(path.parent, besides=path.stem)
    for item in issue.items:
        line = item.start + 1
        if item.key in first_line:
            problems.append(Problem(line, "error", f"duplicate link: already on line {first_line[item.key]}"))
            continue
        first_line[item.key] = line
        if item.key in archive.weeks_by_key:
            problems.append(Problem(line, "warning", f"link already in the issue of {archive.weeks_by_key[item.key]}"))
    for index, raw in enumerate(issue.lines):
        for link in draft.LINK.finditer(raw):
            names = ", ".join(tracking_parameters(link[2]))
            if names:
                problems.append(Problem(index + 1, "error", f"tracking parameter in a link: {names}"))
    return problems


def _sections(issue: draft.Draft) -> list[Problem]:
    """Gathering's sections must hold items, and each item must start with a web link."""
    problems = []
    sections = sorted(issue.headings.items(), key=lambda pair: pair[1])
    for position, (title, heading) in enumerate(sections):
        if title not in draft.SECTION_KINDS:
            continue
        end = sections[position + 1][1] if position + 1 < len(sections) else len(issue.lines)
        items = [item for item in issue.items if heading < item.start < end]
        if not items:
            problems.append(Problem(heading + 1, "error", f"empty section: {issue.lines[heading].lstrip('# ')}"))
        for index in issue.unlinked:
            if heading < index < end:
                problems.append(Problem(index + 1, "error", "list item without a [title](url) link on its first line"))
    for item in issue.items:
        if not is_web_link(item.url):
            scheme = urlsplit(item.url).scheme or "no scheme"
            problems.append(Problem(item.start + 1, "error", f"link is not an http(s) address (it is {scheme})"))
    return problems


def _markers(issue: draft.Draft) -> list[Problem]:
    """Markers in the text readers see: not in code, comments or other HTML blocks."""
    problems = []
    for index, raw in enumerate(issue.lines):
        marker = None if index in issue.literal else _MARKER.search(re.sub(r"`[^`]*`", "", raw))
        if marker:
            problems.append(Problem(index + 1, "error", f"leftover marker: {marker[1]}"))
    return problems
