"""Who did what: the audit log of staff actions.

Every staff action - signing in, viewing a conversation, claiming, replying,
a note, a remedy moved on, handing back, an export, an erase, incident
changes, staff account changes - becomes one ``audit_log`` row: the staff
member's username, the time, the action and its target.  The web app writes
them from one middleware (``calmdesk.web.audit``), so a route added later is
logged without anyone remembering to; the command line writes its own
(``channel="cli"``).

The log is append-only.  This module can only add and read rows; the
database refuses UPDATE and DELETE on the table (triggers in migration
0008), and the console only reads it (admins) and exports it as CSV.

What goes in ``detail`` is chosen field by field (a remedy's kind and
status, a new account's role); free text that staff or customers typed never
does, so erasing a customer (calmdesk.subjects) has nothing to find here.
"""
from __future__ import annotations

import csv
import getpass
import io
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from calmdesk.models import AUDIT_CHANNELS, AuditEntry, utcnow

MAX_LIST = 1000
CSV_COLUMNS = ("id", "at", "actor", "channel", "action", "target_type", "target", "detail", "address")
# What `actor` is when a request came with the shared SUPPORT_API_TOKEN, not a staff account.
TOKEN_ACTOR = "staff"


def record(
    engine: Engine,
    actor: str,
    action: str,
    *,
    channel: str,
    target_type: str | None = None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    address: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Append one entry; returns it.  Long values are cut to the column sizes, never refused."""
    if channel not in AUDIT_CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(AUDIT_CHANNELS)}, not {channel!r}")
    entry = AuditEntry(
        at=at or utcnow(), actor=(actor or "unknown")[:64], channel=channel, action=action[:40],
        target_type=target_type[:20] if target_type else None, target=target[:160] if target else None,
        detail=json.dumps(detail, sort_keys=True, ensure_ascii=False) if detail else None,
        address=address[:64] if address else None,
    )
    with Session(engine) as session, session.begin():
        session.add(entry)
        session.flush()
        return _to_dict(entry)


def record_cli(engine: Engine, action: str, **fields: Any) -> dict[str, Any]:
    """An entry for a command run on the server: the actor is the operating-system user."""
    try:
        who = getpass.getuser()
    except Exception:  # no user name in this environment (a container without /etc/passwd)
        who = "unknown"
    return record(engine, f"os:{who}", action, channel="cli", **fields)


def entries(
    engine: Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = MAX_LIST,
) -> list[dict[str, Any]]:
    """The log, newest first, optionally filtered (exact actor, action, target; a time range)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action == action)
    if target:
        query = query.where(AuditEntry.target == target)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    with Session(engine) as session:
        return [_to_dict(entry) for entry in session.scalars(query.limit(max(1, min(limit, 100_000))))]


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The entries as CSV (a header line, then one line per entry; ``detail`` as its JSON text).

    A cell that a spreadsheet would run as a formula (starting with = + - @)
    is prefixed with a quote, as the dashboard's CSV does.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = [row[column] for column in CSV_COLUMNS]
        cells[CSV_COLUMNS.index("detail")] = json.dumps(row["detail"], sort_keys=True) if row["detail"] else ""
        writer.writerow([_safe_cell(cell) for cell in cells])
    return out.getvalue()


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _to_dict(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "channel": entry.channel,
        "action": entry.action,
        "target_type": entry.target_type,
        "target": entry.target,
        "detail": json.loads(entry.detail) if entry.detail else None,
        "address": entry.address,
    }
