"""Mass incidents: one problem hitting many customers at once, told to each of them once.

The command line, ``python -m calmdesk.desk.incidents``; its commands are listed in the
package docstring (calmdesk/desk/incidents/__init__.py). The first line above is its --help.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from calmdesk.db import default_database_url, make_engine
from calmdesk.desk.incidents.detection import detect_incidents
from calmdesk.desk.incidents.lifecycle import close_incident, confirm_incident, declare_incident, post_update
from calmdesk.desk.incidents.reading import list_incidents
from calmdesk.desk.tickets.store import NotFoundError
from calmdesk.models import INCIDENT_STATUSES
from calmdesk.taxonomy import CATEGORIES


def _print_incident(incident: dict[str, Any]) -> None:
    print(
        f"{incident['reference']}  {incident['status']:<9}  {incident['category']}  "
        f"started {incident['started_at']}  tickets: {len(incident['tickets'])}"
    )
    print(f"    {incident['public_message']}")
    for row in incident["updates"]:
        print(f"    update {row['at']} by {row['author']}: {row['message']}")


def _parse_started_at(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a timezone, e.g. {value}Z or {value}+02:00")
    return moment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m calmdesk.desk.incidents", description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: $DATABASE_URL or var/calmdesk.db)")
    sub = parser.add_subparsers(dest="command", required=True)

    def by(command: argparse.ArgumentParser) -> None:
        command.add_argument("--by", default="staff", help="who is doing this (default: staff)")

    declare = sub.add_parser("declare", help="open an incident for a category")
    declare.add_argument("--category", required=True, help=f"one of: {', '.join(CATEGORIES[:-1])}")
    declare.add_argument("--message", required=True, help="the public message customers will read")
    declare.add_argument("--started-at", type=_parse_started_at, help="when it began (ISO 8601; default: now)")
    by(declare)

    confirm = sub.add_parser("confirm", help="confirm a suggested incident")
    confirm.add_argument("reference")
    confirm.add_argument("--message", required=True, help="the public message customers will read")
    by(confirm)

    post = sub.add_parser("update", help="post a public update to an open incident")
    post.add_argument("reference")
    post.add_argument("--message", required=True)
    by(post)

    close = sub.add_parser("close", help="close an incident (or dismiss a suggestion)")
    close.add_argument("reference")
    close.add_argument("--message", help="a last public update")
    by(close)

    listing = sub.add_parser("list", help="list incidents, newest first")
    listing.add_argument("--status", help=f"one of: {', '.join(INCIDENT_STATUSES)}")
    listing.add_argument("--category")

    sub.add_parser("detect", help="suggest incidents for categories with a burst of tickets")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 on success, 1 on bad input, an unknown reference or a database problem."""
    args = _parser().parse_args(argv)
    url = args.url or default_database_url()
    engine = make_engine(url)
    try:
        return _command(engine, args)
    except (ValueError, NotFoundError) as error:  # PolicyError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        where = make_url(url).render_as_string(hide_password=True)
        print(
            f"error: cannot use the database at {where} ({error.__class__.__name__}); "
            "is it migrated? run: python -m calmdesk.db upgrade",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()


def _command(engine: Engine, args: argparse.Namespace) -> int:
    if args.command == "declare":
        _print_incident(declare_incident(engine, args.category, args.message, args.by, args.started_at))
    elif args.command == "confirm":
        _print_incident(confirm_incident(engine, args.reference, args.message, args.by))
    elif args.command == "update":
        _print_incident(post_update(engine, args.reference, args.message, args.by))
    elif args.command == "close":
        _print_incident(close_incident(engine, args.reference, args.by, args.message))
    elif args.command == "list":
        incidents = list_incidents(engine, status=args.status or None, category=args.category or None)
        for incident in incidents:
            _print_incident(incident)
        if not incidents:
            print("no incidents")
    elif args.command == "detect":
        suggested = detect_incidents(engine)
        for incident in suggested:
            _print_incident(incident)
            print(f"    confirm: python -m calmdesk.desk.incidents confirm {incident['reference']} --message '...'")
        if not suggested:
            print("no new suggestions")
    return 0
