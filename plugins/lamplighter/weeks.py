"""ISO weeks: an issue covers one week, Monday 00:00 UTC up to the next Monday."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")  # ASCII digits only: a week names a file
YEARS = range(1900, 9999)  # 9999's last week would end past the calendar


@dataclass(frozen=True)
class Window:
    """The span an item's date must fall in: `since` included, `until` excluded."""

    since: datetime
    until: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.since <= moment < self.until


def parse_week(text: str) -> str:
    """Check a week written as YYYY-Www and return it; ValueError says what is wrong."""
    match = _WEEK.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a week like 2026-W48")
    year, week = int(match[1]), int(match[2])
    if year not in YEARS:
        raise ValueError(f"{text!r}: the year must be from {YEARS.start} to {YEARS.stop - 1}")
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {week}") from None
    return text


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_days(week: str) -> tuple[date, date]:
    """The Monday and the Sunday of a week."""
    year, number = int(week[:4]), int(week[6:])
    monday = date.fromisocalendar(year, number, 1)
    return monday, monday + timedelta(days=6)


def week_window(week: str) -> Window:
    monday, sunday = week_days(week)
    return Window(midnight(monday), midnight(sunday + timedelta(days=1)))


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def week_label(week: str) -> str:
    """'23–29 November 2026', or '30 November – 6 December 2026' across a month's end."""
    monday, sunday = week_days(week)
    if monday.year != sunday.year:
        return f"{monday.day} {monday:%B %Y} – {sunday.day} {sunday:%B %Y}"
    if monday.month != sunday.month:
        return f"{monday.day} {monday:%B} – {sunday.day} {sunday:%B %Y}"
    return f"{monday.day}–{sunday.day} {sunday:%B %Y}"
