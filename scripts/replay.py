"""Replay the real customers of ../shared/benchmarks/real_openers_dev.jsonl through the product.

Starts Rasa, the action server and the web app (fresh SQLite, support open,
an agent online), plays every conversation turn by turn and scores the four
targets of calmdesk/checks/replay.py against the hand labels in
tests/replay/labels.jsonl. Writes results/replay.md and results/replay.json.

    make replay
    .venv/bin/python scripts/replay.py --limit 30
    .venv/bin/python scripts/replay.py --ids 1,5,9 --strict
    .venv/bin/python scripts/replay.py --url-from-env   # against a stack you started (make run)

The full replay is a report: the exit code is 0 whenever the report was
written, unless ``--strict`` is given, then 1 if any target is above 0. 2 when
the benchmark or the labels cannot be used.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from calmdesk.checks import replay  # noqa: E402
from calmdesk.checks.client import ChatClient, started_stack  # noqa: E402


def _ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected ids separated by commas, got {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N conversations (after --ids)")
    parser.add_argument("--ids", type=_ids, help="only these conversation ids, e.g. 1,5,9")
    parser.add_argument("--concurrency", type=int, default=4, help="conversations played at the same time")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any of the four targets is above 0")
    parser.add_argument("--url-from-env", action="store_true",
                        help="use a running stack: RASA_URL, RASA_API_TOKEN, WEB_URL, SUPPORT_API_TOKEN, DATABASE_URL")
    parser.add_argument("--report", default=str(ROOT / "results" / "replay.md"),
                        help="where to write the Markdown report (the JSON goes next to it)")
    parser.add_argument("--var-dir", help="keep the stack's database and logs here (default: a temporary folder)")
    parser.add_argument("--quiet", action="store_true", help="no line per conversation while it runs")
    args = parser.parse_args(argv)

    try:
        cases = replay.select(replay.load_cases(), args.limit, args.ids)
    except replay.ReplayInputError as error:
        print(f"cannot replay: {error}", file=sys.stderr)
        return 2
    if not cases:
        print("no conversations to replay", file=sys.stderr)
        return 2

    def progress(result: replay.CaseResult, done: int, total: int) -> None:
        if not args.quiet:
            failed = ", ".join(result.failures) or "ok"
            print(f"[{done}/{total}] id {result.id} ({result.company}, {len(result.turns)} turn(s), "
                  f"{result.seconds:.1f} s): {failed}", flush=True)

    print(f"replaying {len(cases)} conversation(s), {args.concurrency} at a time", flush=True)
    if args.url_from_env:
        from calmdesk.db import default_database_url

        client = ChatClient(os.environ.get("RASA_URL", "http://127.0.0.1:5005"), os.environ.get("RASA_API_TOKEN", ""),
                            os.environ.get("WEB_URL", "http://127.0.0.1:8000"),
                            os.environ.get("SUPPORT_API_TOKEN", ""), database_url=default_database_url())
        results = replay.run_all(client, cases, args.concurrency, progress=progress)
    else:
        with started_stack(args.var_dir) as client:
            results = replay.run_all(client, cases, args.concurrency, progress=progress)

    numbers = replay.figures(results)
    report = Path(args.report)
    replay.write(results, numbers, report)
    print()
    for name, what in replay.TARGETS:
        value = numbers["targets"][name]
        print(f"{'PASS' if value == 0 else 'MISS'}  {what}: {value} (target 0)")
    accuracy = numbers["category_accuracy_on_complaints"]
    print(f"handoffs {numbers['handoffs']}, tickets {numbers['tickets']}, category accuracy on complaints "
          f"{'n/a' if accuracy is None else f'{accuracy:.1%}'}")
    print(f"report: {report} and {report.with_suffix('.json')}")
    return 1 if args.strict and not replay.passed(numbers) else 0


if __name__ == "__main__":
    sys.exit(main())
