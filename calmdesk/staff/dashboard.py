"""The team lead's numbers: what customers complained about, whether talking to us calmed them, what it cost.

For a date range (whole UTC days, both ends included, by when the ticket was
filed) ``dashboard(engine, start, end)`` answers:

* tickets per category per day (every day of the range, zeros included);
* anger at the start versus the end of the conversation: start is how the
  customer's first message read, end is how their last one read (each read
  with ``calmdesk.understanding.anger.read_anger`` from the stored transcript, so the
  numbers can be re-checked by hand from the ticket), and how many ended
  calmer, the same, or angrier;
* the handoff rate and the recurrence rate (share of tickets);
* remedies offered, accepted (accepted or already fulfilled) and declined
  per kind, and their cost: the sum of accepted amounts in the shop
  currency; percent discounts and full refunds have no price here (the
  order value is not known), so they are counted instead;
* satisfaction: how many answered, the average and the 1-5 distribution.

``rows_for_csv`` turns the same numbers into one row per day for a
spreadsheet.  Rows are read with ``select()`` and summed in Python: that
keeps day boundaries identical on SQLite and PostgreSQL (no dialect date
functions), and a year of tickets is still small.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.understanding.anger import read_anger
from calmdesk.models import SATISFACTION_SCORES, Remedy, Satisfaction, Ticket, TranscriptEntry
from calmdesk.subjects import erased_anger
from calmdesk.taxonomy import ANGER_LEVELS, CATEGORIES, REMEDY_KINDS, anger_rank

MAX_DAYS = 366
DEFAULT_DAYS = 30
ACCEPTED = ("accepted", "fulfilled")  # a fulfilled remedy was accepted first


def parse_range(start: str | None, end: str | None, today: date | None = None) -> tuple[date, date]:
    """``from``/``to`` as given in a query (YYYY-MM-DD; default: the last 30 days); ValueError saying what is wrong."""
    today = today or datetime.now(timezone.utc).date()
    end_day = _day("to", end) if end else today
    start_day = _day("from", start) if start else end_day - timedelta(days=DEFAULT_DAYS - 1)
    check_range(start_day, end_day)
    return start_day, end_day


def check_range(start: date, end: date) -> None:
    if start > end:
        raise ValueError(f"from ({start}) must not be after to ({end})")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValueError(f"a range of at most {MAX_DAYS} days, please (asked for {(end - start).days + 1})")


def _day(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name} must be a date like 2025-03-31, not {value!r}") from None


@dataclass
class _Day:
    tickets: int = 0
    by_category: Counter = field(default_factory=Counter)
    handoffs: int = 0
    recurrent: int = 0
    anger_start: Counter = field(default_factory=Counter)
    anger_end: Counter = field(default_factory=Counter)
    calmer: int = 0
    same: int = 0
    angrier: int = 0
    remedies: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    cost: float = 0.0
    scores: list[int] = field(default_factory=list)


def dashboard(engine: Engine, start: date, end: date) -> dict[str, Any]:
    """Every dashboard number for tickets filed from ``start`` to ``end`` (UTC days, inclusive)."""
    check_range(start, end)
    days = _collect(engine, start, end)
    total = _Day()
    for day in days.values():
        _add(total, day)
    count = total.tickets
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "tickets": count,
        "categories": list(CATEGORIES),
        "per_day": [{"date": moment.isoformat(), "tickets": day.tickets,
                     "by_category": {c: day.by_category[c] for c in CATEGORIES}} for moment, day in days.items()],
        "by_category": {c: total.by_category[c] for c in CATEGORIES},
        "anger": {
            "levels": list(ANGER_LEVELS),
            "start": {level: total.anger_start[level] for level in ANGER_LEVELS},
            "end": {level: total.anger_end[level] for level in ANGER_LEVELS},
            "calmer": total.calmer, "same": total.same, "angrier": total.angrier,
        },
        "handoff": {"count": total.handoffs, "rate": _rate(total.handoffs, count)},
        "recurrence": {"count": total.recurrent, "rate": _rate(total.recurrent, count)},
        "remedies": _remedies(total),
        "satisfaction": _satisfaction(total.scores),
    }


def rows_for_csv(report: dict[str, Any], engine: Engine) -> list[list[Any]]:
    """One header row, then one row per day of the report's range, then a total row."""
    start, end = date.fromisoformat(report["from"]), date.fromisoformat(report["to"])
    days = _collect(engine, start, end)
    header = ["date", "tickets", *CATEGORIES, "handoffs", "recurrent", "calmer_at_end", "same_at_end",
              "angrier_at_end", "remedies_offered", "remedies_accepted", "remedy_cost", "satisfaction_answers",
              "satisfaction_average"]
    rows: list[list[Any]] = [header]
    total = _Day()
    for moment, day in days.items():
        rows.append(_csv_row(moment.isoformat(), day))
        _add(total, day)
    rows.append(_csv_row("total", total))
    return rows


def _csv_row(label: str, day: _Day) -> list[Any]:
    offered = sum(c["offered"] for c in day.remedies.values())
    accepted = sum(c["accepted"] for c in day.remedies.values())
    average = _satisfaction(day.scores)["average"]
    return [label, day.tickets, *(day.by_category[c] for c in CATEGORIES), day.handoffs, day.recurrent,
            day.calmer, day.same, day.angrier, offered, accepted, round(day.cost, 2), len(day.scores),
            "" if average is None else average]


# --------------------------------------------------------------------------


def _collect(engine: Engine, start: date, end: date) -> dict[date, _Day]:
    since = datetime.combine(start, time(0), tzinfo=timezone.utc)
    until = datetime.combine(end + timedelta(days=1), time(0), tzinfo=timezone.utc)
    in_range = (Ticket.created_at >= since, Ticket.created_at < until)
    with Session(engine) as session:
        tickets = session.execute(
            select(Ticket.id, Ticket.created_at, Ticket.category, Ticket.handoff, Ticket.recurrent).where(*in_range)
        ).all()
        remedies = session.execute(
            select(Remedy.ticket_id, Remedy.kind, Remedy.status, Remedy.amount, Remedy.unit)
            .join(Ticket, Remedy.ticket_id == Ticket.id).where(*in_range)
        ).all()
        scores = session.execute(
            select(Satisfaction.ticket_id, Satisfaction.score).join(Ticket, Satisfaction.ticket_id == Ticket.id)
            .where(*in_range)
        ).all()
        lines = session.execute(
            select(TranscriptEntry.ticket_id, TranscriptEntry.text)
            .join(Ticket, TranscriptEntry.ticket_id == Ticket.id)
            .where(*in_range, TranscriptEntry.sender == "customer")
            .order_by(TranscriptEntry.ticket_id, TranscriptEntry.position)
        ).all()

    first_last: dict[int, list[str]] = {}
    for ticket_id, text in lines:
        pair = first_last.setdefault(ticket_id, [text, text])
        pair[1] = text

    days = {start + timedelta(days=n): _Day() for n in range((end - start).days + 1)}
    day_of: dict[int, _Day] = {}
    for ticket_id, created_at, category, handoff, recurrent in tickets:
        day = days[created_at.astimezone(timezone.utc).date()]
        day_of[ticket_id] = day
        day.tickets += 1
        day.by_category[category] += 1
        day.handoffs += bool(handoff)
        day.recurrent += bool(recurrent)
        if ticket_id in first_last:
            # An erased customer line keeps the level it was read as (calmdesk.subjects.erase).
            first, last = (erased_anger(text) or read_anger(text).level for text in first_last[ticket_id])
            day.anger_start[first] += 1
            day.anger_end[last] += 1
            change = anger_rank(last) - anger_rank(first)
            if change < 0:
                day.calmer += 1
            elif change > 0:
                day.angrier += 1
            else:
                day.same += 1
    for ticket_id, kind, status, amount, unit in remedies:
        counts = day_of[ticket_id].remedies[kind]
        counts["offered"] += 1
        if status in ACCEPTED:
            counts["accepted"] += 1
            if amount is not None and unit == "currency":
                day_of[ticket_id].cost += amount
                counts["cost_cents"] += round(amount * 100)
            else:
                counts["accepted_without_price"] += 1
        elif status == "declined":
            counts["declined"] += 1
    for ticket_id, score in scores:
        day_of[ticket_id].scores.append(score)
    return days


def _add(total: _Day, day: _Day) -> None:
    total.tickets += day.tickets
    total.by_category.update(day.by_category)
    total.handoffs += day.handoffs
    total.recurrent += day.recurrent
    total.anger_start.update(day.anger_start)
    total.anger_end.update(day.anger_end)
    total.calmer += day.calmer
    total.same += day.same
    total.angrier += day.angrier
    for kind, counts in day.remedies.items():
        total.remedies[kind].update(counts)
    total.cost += day.cost
    total.scores.extend(day.scores)


def _remedies(total: _Day) -> dict[str, Any]:
    kinds = []
    for kind in REMEDY_KINDS:
        counts = total.remedies.get(kind, Counter())
        kinds.append({
            "kind": kind,
            "offered": counts["offered"],
            "accepted": counts["accepted"],
            "declined": counts["declined"],
            "acceptance_rate": _rate(counts["accepted"], counts["offered"]),
            "cost": counts["cost_cents"] / 100,
            "accepted_without_price": counts["accepted_without_price"],
        })
    return {
        "by_kind": kinds,
        "offered": sum(k["offered"] for k in kinds),
        "accepted": sum(k["accepted"] for k in kinds),
        "cost": round(sum(k["cost"] for k in kinds), 2),
        "accepted_without_price": sum(k["accepted_without_price"] for k in kinds),
    }


def _satisfaction(scores: list[int]) -> dict[str, Any]:
    distribution = Counter(scores)
    return {
        "answers": len(scores),
        "average": round(sum(scores) / len(scores), 2) if scores else None,
        "distribution": {str(score): distribution[score] for score in SATISFACTION_SCORES},
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
