"""Can a person take this conversation now?  Support hours and agents online.

Playbook rule 8 is "be honest about limits": when a customer asks for a
person at 23:00 on a Saturday, pausing the bot and leaving them waiting for
an answer that will not come is the worst thing to do.  So before a handoff
the bot asks ``availability(engine, now)``:

* ``Available()``: the team is open (``policy/support_hours.yml``) and at
  least one agent is online in the staff console (``calmdesk.staff.accounts``): hand
  over and wait for them, as before;
* ``Unavailable(reason="closed", ...)``: outside opening hours or a holiday;
* ``Unavailable(reason="no_agent", ...)``: open, but nobody is signed in.

An ``Unavailable`` carries ``back_at`` (when the team opens again; for
"no_agent" the same as ``reply_by``) and ``reply_by`` (the time we promise a
person has picked the ticket up: ``reply_within_hours`` of *opening* time
from now).  The bot says both in the support timezone, files the ticket with
``follow_up_at = reply_by`` and stays available instead of pausing.

The hours file is a policy like ``policy/remedies.yml``: checked thoroughly
with errors that name the file and the key, checked when the web app starts
(``python -m calmdesk.staff.staffing`` checks it alone), and re-read when it
changes, so a new holiday needs no restart.  ``$SUPPORT_HOURS_FILE`` points
at another file (the end-to-end tests use that).
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import Engine

from calmdesk.policy_files import PolicyError, fail, read_policy_yaml

DEFAULT_HOURS_PATH = Path(__file__).resolve().parents[2] / "policy" / "support_hours.yml"
HOURS_ENV_VAR = "SUPPORT_HOURS_FILE"

WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TOP_KEYS = ("timezone", "opening_hours", "holidays", "reply_within_hours")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_LOOKAHEAD_DAYS = 400  # a year of holidays cannot hide every opening further than this
MAX_REPLY_WITHIN_HOURS = 24 * 14


# --- the answer ----------------------------------------------------------------


@dataclass(frozen=True)
class Available:
    """A person can take the conversation now."""

    reason: str = "available"


@dataclass(frozen=True)
class Unavailable:
    """Nobody can take it now.  reason: "closed" or "no_agent"."""

    reason: str
    back_at: datetime  # when the team is back (closed), or when a person will have picked it up (no_agent)
    reply_by: datetime  # what we promise: a person has picked the ticket up by then


Availability = Union[Available, Unavailable]


# --- the policy ----------------------------------------------------------------


@dataclass(frozen=True)
class SupportHours:
    zone: ZoneInfo
    # weekday (0 = Monday) -> open spans as (start, end) minutes after midnight, end <= 1440
    week: dict[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[date]
    reply_within: timedelta

    def spans(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open spans (aware datetimes) that end after ``moment``, soonest first, for a year ahead."""
        local = moment.astimezone(self.zone)
        day = local.date()
        for _ in range(_LOOKAHEAD_DAYS):
            if day not in self.holidays:
                for start, end in self.week.get(day.weekday(), ()):
                    opens = _at(day, start, self.zone)
                    closes = _at(day, end, self.zone)
                    if closes > moment:
                        yield opens, closes
            day += timedelta(days=1)

    def is_open(self, moment: datetime) -> bool:
        return any(opens <= moment for opens, _ in _first(self.spans(moment)))

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself if open then, else when the team next opens."""
        for opens, _ in self.spans(moment):
            return max(opens, moment)
        raise PolicyError("support hours: no opening in the next year")  # parse_hours prevents this

    def add_open_time(self, moment: datetime, duration: timedelta) -> datetime:
        """The moment when ``duration`` of opening time has passed since ``moment``."""
        left = duration
        for opens, closes in self.spans(moment):
            start = max(opens, moment)
            if start + left <= closes:
                return start + left
            left -= closes - start
        raise PolicyError("support hours: no opening in the next year")

    def describe(self, moment: datetime, now: datetime) -> str:
        """A time as a customer reads it, in the support timezone: "09:00 today", "11:00 Monday"."""
        local, today = moment.astimezone(self.zone), now.astimezone(self.zone).date()
        clock = local.strftime("%H:%M")
        days = (local.date() - today).days
        if days <= 0:
            when = "today"
        elif days == 1:
            when = "tomorrow"
        elif days < 7:
            when = local.strftime("%A")
        else:
            when = f"{local.strftime('%A')} {local.day} {local.strftime('%B')}"
        return f"{clock} {when} ({local.tzname()})"


def _first(iterator: Iterator[Any]) -> list[Any]:
    for item in iterator:
        return [item]
    return []


def _at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """``day`` at ``minutes`` after midnight local time (1440 = the next midnight), as an aware datetime."""
    if minutes == 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)


def parse_hours(data: Any, path: Path) -> SupportHours:
    """Check the parsed YAML of a support hours file; PolicyError naming the key otherwise."""
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: expected a mapping with {', '.join(_TOP_KEYS)}")
    for key in data:
        if key not in _TOP_KEYS:
            raise fail(path, str(key), f"unknown key (allowed: {', '.join(_TOP_KEYS)})")
    for key in ("timezone", "opening_hours", "reply_within_hours"):
        if data.get(key) is None:
            raise fail(path, key, "is required")

    name = data["timezone"]
    if not isinstance(name, str):
        raise fail(path, "timezone", f"expected an IANA name such as Europe/London, got {name!r}")
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(path, "timezone", f"unknown timezone {name!r} (use an IANA name such as Europe/London)") from None

    opening = data["opening_hours"]
    if not isinstance(opening, dict):
        raise fail(path, "opening_hours", "expected a mapping of weekday to hours")
    week: dict[int, tuple[tuple[int, int], ...]] = {}
    for day, value in opening.items():
        where = f"opening_hours.{day}"
        if day not in WEEKDAYS:
            raise fail(path, where, f"unknown day (allowed: {', '.join(WEEKDAYS)})")
        week[WEEKDAYS.index(day)] = _spans(value, path, where)
    if not any(week.values()):
        raise fail(path, "opening_hours", "no day is open: give at least one day hours such as \"09:00-17:00\"")

    holidays = data.get("holidays") or []
    if not isinstance(holidays, list):
        raise fail(path, "holidays", "expected a list of dates (YYYY-MM-DD)")
    days: set[date] = set()
    for position, value in enumerate(holidays):
        if isinstance(value, datetime) or not isinstance(value, (date, str)):
            raise fail(path, f"holidays[{position}]", f"expected a date YYYY-MM-DD, got {value!r}")
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise fail(path, f"holidays[{position}]", f"expected a date YYYY-MM-DD, got {value!r}") from None
        days.add(value)

    within = data["reply_within_hours"]
    if isinstance(within, bool) or not isinstance(within, (int, float)) or not 0 < within <= MAX_REPLY_WITHIN_HOURS:
        raise fail(path, "reply_within_hours",
                    f"expected a number of hours above 0 and at most {MAX_REPLY_WITHIN_HOURS}, got {within!r}")
    return SupportHours(zone=zone, week=week, holidays=frozenset(days), reply_within=timedelta(hours=within))


def _spans(value: Any, path: Path, where: str) -> tuple[tuple[int, int], ...]:
    if value is None or value is False or value == "closed":  # YAML reads a bare "off"/"no" as False
        return ()
    items = value if isinstance(value, list) else [value]
    spans: list[tuple[int, int]] = []
    for item in items:
        match = _SPAN.match(item) if isinstance(item, str) else None
        if not match:
            raise fail(path, where, f'expected "HH:MM-HH:MM", a list of them, or closed; got {item!r}')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise fail(path, where, f"{item!r} is not a time of day (00:00 to 24:00)")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise fail(path, where, f"{item!r} closes before it opens (a span cannot cross midnight: "
                                     "end the day at 24:00 and start the next at 00:00)")
        spans.append((start, end))
    spans.sort()
    for (_, end), (start, _) in zip(spans, spans[1:]):
        if start < end:
            raise fail(path, where, "spans overlap")
    return tuple(spans)


def hours_path() -> Path:
    return Path(os.environ.get(HOURS_ENV_VAR) or DEFAULT_HOURS_PATH)


def load_support_hours(path: str | Path | None = None) -> SupportHours:
    """Read and check a support hours file (default: $SUPPORT_HOURS_FILE or policy/support_hours.yml)."""
    path = Path(path) if path else hours_path()
    return parse_hours(read_policy_yaml(path, "support hours"), path)


_cache: dict[Path, tuple[tuple[int, int], SupportHours]] = {}


def current_support_hours() -> SupportHours:
    """The support hours as the file says now: re-read only when the file changed (mtime or size)."""
    path = hours_path()
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (-1, -1)  # load_support_hours says what is wrong
    cached = _cache.get(path)
    if cached is None or cached[0] != key:
        cached = (key, load_support_hours(path))
        _cache[path] = cached
    return cached[1]


# --- the question ----------------------------------------------------------------


def availability(engine: Engine, now: datetime | None = None, hours: SupportHours | None = None) -> Availability:
    """Can a person take a conversation at ``now``?  Closed beats no agent (no point counting agents at night)."""
    from calmdesk.staff.accounts import agents_online  # the staff console's accounts and sessions

    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware, not {now!r}")
    hours = hours or current_support_hours()
    reply_by = hours.add_open_time(now, hours.reply_within)
    if not hours.is_open(now):
        return Unavailable(reason="closed", back_at=hours.next_opening(now), reply_by=reply_by)
    if agents_online(engine, now=now) < 1:
        return Unavailable(reason="no_agent", back_at=reply_by, reply_by=reply_by)
    return Available()


if __name__ == "__main__":  # python -m calmdesk.staff.staffing [path]: check a support hours file
    try:
        checked = load_support_hours(sys.argv[1] if len(sys.argv) > 1 else None)
    except PolicyError as error:
        print(f"support hours: {error}", file=sys.stderr)
        sys.exit(1)
    moment = datetime.now(timezone.utc)
    state = "open" if checked.is_open(moment) else f"closed, back at {checked.describe(checked.next_opening(moment), moment)}"
    print(f"support hours OK ({checked.zone.key}): now {state}")
