"""Command line for email: check the words, run the jobs at any clock, list the outbox.

    python -m calmdesk.mail check                     # policy/emails.yml, as at start-up
    python -m calmdesk.mail jobs                      # queue what is owed now (the worker does this itself)
    python -m calmdesk.mail jobs --now 2026-12-10T09:00:00Z   # ... as if it were then (check-ins due)
    python -m calmdesk.mail list [--status failed]

Uses $DATABASE_URL and the mail settings of calmdesk/mail/settings.py.  Sending
is the web app's worker's job; ``jobs`` only queues.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone

from calmdesk import mail
from calmdesk.db import make_engine
from calmdesk.desk.remedies import PolicyError
from calmdesk.mail import jobs, outbox


def _instant(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("--now needs a timezone, e.g. 2026-12-10T09:00:00Z")
    return moment.astimezone(timezone.utc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calmdesk.mail", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="check policy/emails.yml")
    run = sub.add_parser("jobs", help="queue the emails owed (check-ins, incident news, remedies fulfilled)")
    run.add_argument("--now", type=_instant, help="the clock to use (ISO 8601 with timezone)")
    listing = sub.add_parser("list", help="the outbox, newest first")
    listing.add_argument("--status", choices=("pending", "sent", "failed", "suppressed"))
    args = parser.parse_args(argv)
    try:
        templates = mail.templates()
    except PolicyError as error:
        print(f"email templates: {error}", file=sys.stderr)
        return 2
    if args.command == "check":
        print(f"{templates.path}: {len(templates.emails)} emails, all fine")
        return 0
    engine = make_engine()
    try:
        if args.command == "jobs":
            print(json.dumps(jobs.run_all(engine, mail.settings(), templates, now=args.now)))
        else:
            for message in outbox.list_messages(engine, status=args.status):
                print(f"{message['id']:>6}  {message['status']:<10} {message['kind']:<18} {message['ticket_reference']}"
                      f"  {message['to']}  {message['last_error'] or ''}")
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
