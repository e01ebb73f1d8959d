"""make fuzz: hostile customer messages against the real product, with four figures that must be 0.

FUZZ_MESSAGES (default 10,000), FUZZ_SENDERS (8, of which 2 on socket.io), FUZZ_SEED (1).
Writes results/fuzz.json; exits 1 if a figure is not 0.  The generator and the
figures: calmdesk/checks/fuzz.py.  A 1,000-message run is part of make test
(tests/e2e/test_fuzz.py).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calmdesk.checks import fuzz  # noqa: E402

TARGETS = ("http_5xx", "no_response", "processes_died", "stopped_answering", "text_mismatches")


def main() -> int:
    total = int(os.environ.get("FUZZ_MESSAGES", "10000"))
    senders = int(os.environ.get("FUZZ_SENDERS", "8"))
    seed = int(os.environ.get("FUZZ_SEED", "1"))
    with tempfile.TemporaryDirectory(prefix="calmdesk-fuzz-") as folder:
        with fuzz.fuzz_stack(Path(folder)) as (stack, client):
            client.nobody_online()
            print(f"fuzzing: {total} messages from {senders} conversations at once (seed {seed})...", flush=True)
            figures = fuzz.run(stack.config.rasa_url, client.tickets, total, senders=senders,
                               socketio_senders=min(2, senders), seed=seed, alive=lambda: len(stack.dead()))
    result = figures.as_dict()
    out = ROOT / "results" / "fuzz.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: result[k] for k in ("messages", "seconds", *TARGETS, "unanswered_turns",
                                              "tickets_checked", "lines_checked")}, indent=2))
    failed = [name for name in TARGETS if result[name]]
    print(f"targets {'missed: ' + ', '.join(failed) if failed else 'all 0'} (results/fuzz.json)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
