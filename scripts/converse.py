"""Play the scripted customer conversations against the real running product.

``rasa test`` cannot run our custom actions; this starts Rasa, the action
server and the web app (fresh SQLite, support open, an agent online), plays
every conversation in tests/conversations/*.yml and checks what the bot said
and the ticket it filed. Format: docs/designers.md, "Conversation tests".

    make converse
    .venv/bin/python scripts/converse.py tests/conversations/refunds.yml -k "billed twice"
    .venv/bin/python scripts/converse.py --url-from-env     # against a stack you started (make run)

``--url-from-env`` reads RASA_URL, RASA_API_TOKEN, WEB_URL, SUPPORT_API_TOKEN
and DATABASE_URL (to sign a "converse.agent" staff account in and out: it is
created in that database). Writes the report to results/converse.md and
results/converse.json; exits 1 if any conversation failed, 2 if the files
cannot be run.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from calmdesk.checks import converse  # noqa: E402
from calmdesk.checks.client import ChatClient, started_stack  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "tests" / "conversations")],
                        help="conversation files or folders (default: tests/conversations)")
    parser.add_argument("-k", dest="keyword", default="", help="only conversations whose name contains this")
    parser.add_argument("--url-from-env", action="store_true", help="use a running stack (see above)")
    parser.add_argument("--report", default=str(ROOT / "results" / "converse.md"),
                        help="where to write the Markdown report (the JSON goes next to it)")
    parser.add_argument("--workers", type=int, default=3, help="conversations played at the same time")
    args = parser.parse_args(argv)

    try:
        conversations = converse.load(args.paths)
    except converse.ConversationFileError as error:
        print(f"cannot run the conversations: {error}", file=sys.stderr)
        return 2
    conversations = [c for c in conversations if args.keyword.lower() in c.name.lower()]
    if not conversations:
        print("no conversations to run" + (f" (none matches -k {args.keyword!r})" if args.keyword else ""))
        return 2

    if args.url_from_env:
        from calmdesk.db import default_database_url

        client = ChatClient(os.environ.get("RASA_URL", "http://127.0.0.1:5005"), os.environ.get("RASA_API_TOKEN", ""),
                            os.environ.get("WEB_URL", "http://127.0.0.1:8000"),
                            os.environ.get("SUPPORT_API_TOKEN", ""), database_url=default_database_url())
        results = converse.run_all(client, conversations, args.workers)
    else:
        with started_stack() as client:
            results = converse.run_all(client, conversations, args.workers)

    report = converse.render(results)
    print(report)
    path = Path(args.report)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report, encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(converse.to_json(results), indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    print(f"report: {path} and {path.with_suffix('.json')}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
