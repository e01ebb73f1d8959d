"""Command line: ``python -m calmdesk <command>``.

  run                     start Rasa, the action server and the web app (make run)
  run --profile production   the same on PostgreSQL, Redis, RabbitMQ, Rasa replicas
                          behind nginx (deploy/production.env, docs/deploy.md)
  handback CONVERSATION   give a paused conversation back to the bot
  staff add|list|disable|passwd   staff accounts for the console (staff add sam --role agent)
  backup [--to DIR]       consistent copy of the embedded profile's two SQLite databases
  restore DIR [--var-dir DIR]   write a backup into a (fresh) var folder (docs/operations.md#backups)
  export --email E | --conversation C [--out FILE]   everything held about one customer (JSON)
  erase --email E | --conversation C --yes           erase one customer everywhere
  retention [--days N]    anonymise transcripts older than N days (also a job in the web app)

(The database schema: ``python -m calmdesk.db upgrade``.)
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time

from calmdesk.db import create_database, default_database_url, migrate
from calmdesk.desk.remedies import PolicyError, load_policy
from calmdesk.desk.requests import RequestsError, load_requests
from calmdesk.mail.settings import MailSettings
from calmdesk.mail.templates import load_templates
from calmdesk.operations import backup
from calmdesk.operations.stack import PROFILES, Stack, StackConfig
from calmdesk.staff import accounts
from calmdesk.staff.rasa_api import RasaClient, RasaError
from calmdesk.subjects import cli as subjects_cli
from calmdesk.operations.training import ensure_model


def _token(name: str) -> tuple[str, bool]:
    value = os.environ.get(name, "")
    return (value, False) if value else (secrets.token_urlsafe(24), True)


def run(profile: str = "embedded") -> int:
    try:
        load_policy()
    except PolicyError as error:
        print(f"cannot start: remedy policy: {error}", file=sys.stderr)
        return 2
    try:
        load_requests()
    except RequestsError as error:
        print(f"cannot start: requests: {error}", file=sys.stderr)
        return 2
    try:
        mail_settings = MailSettings.from_env()
        load_templates()
    except (PolicyError, ValueError) as error:
        print(f"cannot start: email: {error}", file=sys.stderr)
        return 2
    if profile == "production":
        from calmdesk.operations import production
        database_url = production.settings()["DATABASE_URL"]
        create_database(database_url)
    else:
        database_url = default_database_url()
    migrate(database_url)
    ensure_model()
    rasa_token, rasa_generated = _token("RASA_API_TOKEN")
    api_token, api_generated = _token("SUPPORT_API_TOKEN")
    config = StackConfig(
        rasa_port=int(os.environ.get("RASA_PORT", 5005)),
        actions_port=int(os.environ.get("ACTIONS_PORT", 5055)),
        web_port=int(os.environ.get("WEB_PORT", 8000)),
        host=os.environ.get("HOST", "127.0.0.1"),
        database_url=database_url,
        rasa_token=rasa_token,
        api_token=api_token,
        profile=profile,
    )
    stack = Stack(config)
    # `kill` (SIGTERM) stops everything cleanly, like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"starting Rasa, the action server and the web app ({profile} profile)...", flush=True)
    try:
        stack.start()
        stack.wait_ready()
        print(
            f"""
calmdesk is running. Ctrl-C stops everything.

  Rasa (REST + socket.io + HTTP API)  {config.rasa_url}
  Action server                       {config.actions_url}
  Shop with the chat widget           {config.web_url}/
  Staff console                       {config.web_url}/console
  Staff API                           {config.web_url}/api/tickets
  Logs                                {config.var_dir / 'logs'}
  Email to customers                  {mail_settings.describe()}{_profile_note(stack)}

  RASA_API_TOKEN={rasa_token}{'   (generated; set it to keep one)' if rasa_generated else ''}
  SUPPORT_API_TOKEN={api_token}{'   (generated; set it to keep one)' if api_generated else ''}

Console accounts: .venv/bin/python -m calmdesk staff add <name> --role admin

Try it:
  curl -s {config.rasa_url}/webhooks/rest/webhook -d '{{"sender": "demo-1", "message": "My TV arrived with a cracked screen!!"}}'
  curl -s -H "Authorization: Bearer {api_token}" "{config.web_url}/api/tickets?conversation_id=demo-1"
""",
            flush=True,
        )
        while not stack.dead():
            time.sleep(1)
        for process in stack.dead():
            print(f"{process.name} stopped unexpectedly (exit {process.popen.returncode}):\n{process.log_tail()}",
                  file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    finally:
        stack.stop()


def _profile_note(stack: Stack) -> str:
    if stack.config.profile != "production":
        return ""
    names = ", ".join(p.name for p in stack.processes)
    return f"\n  Processes (production profile)      {names}\n  nginx config                        {stack.config.var_dir / 'nginx' / 'nginx.conf'}"


def handback(conversation_id: str) -> int:
    try:
        said = RasaClient.from_env().hand_back(conversation_id)
    except RasaError as error:
        print(f"handback failed: {error}", file=sys.stderr)
        return 1
    print("the bot is back in the conversation" + ("; it said:\n  " + "\n  ".join(said) if said else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calmdesk", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="start everything")
    run_parser.add_argument("--profile", choices=PROFILES, default="embedded",
                            help="embedded (default) or production (see docs/deploy.md)")
    back = commands.add_parser("handback", help="give a paused conversation back to the bot")
    back.add_argument("conversation_id")
    accounts.add_cli(commands)
    backup.add_cli(commands)
    subjects_cli.add_cli(commands)
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.profile)
    if args.command == "staff":
        return accounts.run_cli(args)
    if args.command in ("backup", "restore"):
        return backup.run_cli(args)
    if args.command in ("export", "erase", "retention"):
        return subjects_cli.run_cli(args)
    return handback(args.conversation_id)


if __name__ == "__main__":
    sys.exit(main())
