"""``python -m calmdesk export|erase|retention``: one customer's data from the command line.

    python -m calmdesk export --email jane@example.com --out jane.json
    python -m calmdesk erase --email jane@example.com --yes
    python -m calmdesk erase --conversation <conversation id> --yes
    python -m calmdesk retention --days 365

Databases: ``$DATABASE_URL`` and ``$TRACKER_DATABASE_URL`` (or the
production settings), or ``--var-dir`` for an embedded installation's folder
(its calmdesk.db, tracker.db and mail/).  Every run is in the audit log as
the operating-system user, with the ticket references and counts (never the
email address, so the log holds nothing to erase).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from calmdesk.staff import audit
from calmdesk.subjects import SubjectError, find, tracker

DEFAULT_RETENTION_DAYS = 365


def retention_days() -> int:
    """``$RETENTION_DAYS`` (default 365; 0 turns the scheduled job off)."""
    raw = os.environ.get("RETENTION_DAYS", "").strip() or str(DEFAULT_RETENTION_DAYS)
    if not raw.isdigit():
        raise ValueError(f"RETENTION_DAYS must be a whole number of days (0: off), not {raw!r}")
    return int(raw)


def add_cli(commands: Any) -> None:
    for name, text in (("export", "everything held about one customer, as JSON"),
                       ("erase", "erase one customer everywhere (keeps anonymous counts)")):
        parser = commands.add_parser(name, help=text)
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--email")
        who.add_argument("--conversation", help="a conversation id (the widget's sender id)")
        parser.add_argument("--var-dir", type=Path, help="an embedded installation's var folder")
        if name == "export":
            parser.add_argument("--out", type=Path, help="write the JSON here (default: standard output)")
        else:
            parser.add_argument("--yes", action="store_true", help="really erase (it cannot be undone)")
    keep = commands.add_parser("retention", help="anonymise transcripts older than N days")
    keep.add_argument("--days", type=int, help=f"default: $RETENTION_DAYS or {DEFAULT_RETENTION_DAYS}")
    keep.add_argument("--var-dir", type=Path, help="an embedded installation's var folder")


def _places(var_dir: Path | None) -> tuple[Any, str, Path | None]:
    from calmdesk.db import make_engine
    from calmdesk.mail.settings import MailSettings

    if var_dir:
        return (make_engine(f"sqlite:///{var_dir / 'calmdesk.db'}"), f"sqlite:///{var_dir / 'tracker.db'}",
                var_dir / "mail")
    settings = MailSettings.from_env()
    return make_engine(), tracker.default_url(), settings.mail_dir if settings.smtp is None else None


def run_cli(args: argparse.Namespace) -> int:
    from calmdesk.subjects.erase import erase, retain
    from calmdesk.subjects.export import export, to_json

    engine, tracker_url, mail_dir = _places(args.var_dir)
    try:
        if args.command == "retention":
            days = args.days if args.days is not None else retention_days()
            counts = retain(engine, tracker_url, days, mail_dir=mail_dir)
            audit.record_cli(engine, "retention", detail={"days": days, **counts})
            print(f"retention ({days} days): " + ", ".join(f"{v} {k}" for k, v in counts.items()))
            return 0
        subject = find(engine, tracker_url, email=args.email, conversation_id=args.conversation)
        target = ",".join(subject.references) or None
        if args.command == "export":
            document = to_json(export(engine, tracker_url, subject))
            audit.record_cli(engine, "export_customer", target_type="tickets", target=target,
                             detail={"conversations": len(subject.conversation_ids)})
            if args.out:
                args.out.write_text(document, encoding="utf-8")
                print(f"wrote {args.out}: {len(subject.references)} tickets, "
                      f"{len(subject.conversation_ids)} conversations")
            else:
                sys.stdout.write(document)
            return 0
        if subject.empty:
            print("nothing is held about that customer", file=sys.stderr)
            return 1
        if not args.yes:
            print(f"this erases {len(subject.references)} tickets ({', '.join(subject.references) or 'none'}) and "
                  f"{len(subject.conversation_ids)} conversations for good; run again with --yes", file=sys.stderr)
            return 2
        counts = erase(engine, tracker_url, subject, mail_dir=mail_dir)
        audit.record_cli(engine, "erase_customer", target_type="tickets", target=target, detail=counts)
        print("erased: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return 0
    except (SubjectError, ValueError) as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
