"""``make bench``: calmdesk under load, side by side with Rasa's starter assistant.

1. training from scratch (no Rasa cache): our model into a temporary folder
   (models/ is left alone), and the starter bot (``rasa init`` scaffold,
   created once in var/bench/starter) into var/bench/starter/models;
2. starts, on free ports: the starter bot (``rasa run --enable-api``; it has no
   custom actions, so no action server), calmdesk's embedded stack (fresh var
   dir var/bench/embedded) and, unless --no-production, the production
   profile (2 Rasa replicas behind nginx, PostgreSQL, Redis, RabbitMQ; its own
   ``calmdesk_bench*`` databases, queue and lock prefix);
3. warms each one up, then for each concurrency (1, 5, 20 customers) runs the
   same number of 8-turn conversations against each bot, in alternating order
   over several rounds, so background load on this shared machine falls on
   every bot alike;
4. plays several 66-turn conversations to compare turn 5 with turn 60;
5. counts the action-server calls per customer turn (from our tracker store);
6. the outage burst, against the production profile (calmdesk/bench/burst.py):
   staff declare an incident, then 200 customers arrive within 30 seconds, each
   a 4-turn angry complaint about the same outage; per-turn latency, errors,
   and the tickets found afterwards (lost, duplicated, linked to the incident);
   then the same arrival schedule against the starter bot (its own messages),
   the same-run baseline for the burst's p95;
7. samples every server's memory throughout (peak RSS of each process tree);
8. with ``--profile``, records py-spy profiles of our Rasa server and action
   server during the concurrency-20 phase (results/bench-profile-*.svg) and
   prints where the time goes;
9. prints the table and the targets (✔/✘), writes results/bench.json.

Options: ``--quick`` (or BENCH_QUICK=1: fewer conversations, no training),
``--no-train`` (BENCH_TRAIN=0), ``--profile`` (BENCH_PROFILE=1),
``--no-production`` (BENCH_PRODUCTION=0, no burst either), ``--no-burst``
(BENCH_BURST=0). A missed target is a finding, not a
failure: the exit code is 0 whenever the report was written.

This script is the plan, the phases and ``main``; starting and stopping the
bots is calmdesk/bench/bots.py, the figures calmdesk/bench/stats.py, the
console table calmdesk/bench/report.py.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calmdesk.bench import burst, conversations, stats  # noqa: E402
# Bot and the starters live in calmdesk/bench/bots.py; our_stack and production_settings are re-exported
# here because scratch harnesses reuse the benchmark's stacks as ``bench.our_stack(...)``.
from calmdesk.bench.bots import (  # noqa: E402,F401
    BENCH_DIR, STARTER_DIR, Bot, create_starter, our_stack, production_settings, starter_bot, train_from_scratch,
)
from calmdesk.bench.load import (  # noqa: E402
    ACTION_SERVER_PARTS, RASA_PARTS, Profiler, RssSampler, machine_busy_seconds, profile_buckets, read_collapsed,
    run_load, top_leaves, tree_cpu_seconds,
)
from calmdesk.bench.report import print_report, say  # noqa: E402
from calmdesk.operations.training import ensure_model, rasa_env  # noqa: E402

RESULTS = ROOT / "results"
LONG_TURNS = 66  # turn 60 plus the window after it
WINDOW = 2  # turn 5 ± 2 and turn 60 ± 2


@dataclasses.dataclass
class Plan:
    levels: tuple[int, ...]
    conversations: dict[int, int]  # per concurrency level, per bot, per round
    rounds: int
    long_conversations: int
    train: bool
    profile: bool
    production: bool
    burst: bool = True

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "Plan":
        if args.quick:
            return cls((1, 20), {1: 3, 20: 20}, 1, 2, train=args.train, profile=args.profile,
                       production=args.production, burst=args.burst)
        return cls((1, 5, 20), {1: 6, 5: 10, 20: 30}, 2, 8, train=args.train, profile=args.profile,
                   production=args.production, burst=args.burst)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = Plan.from_args(args)
    started = time.monotonic()
    report: dict = {
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
        "plan": dataclasses.asdict(plan),
    }
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    create_starter()

    training: dict = {}
    if plan.train:
        say("training our model from scratch (no Rasa cache) ...")
        training["ours_seconds"] = train_from_scratch(ROOT, ["--domain", "domain", "--data", "data",
                                                             "--config", "config.yml"], out=None)
        say(f"  {training['ours_seconds']:.0f} s")
        say("training the starter bot from scratch ...")
        training["starter_seconds"] = train_from_scratch(STARTER_DIR, [], out=STARTER_DIR / "models")
        say(f"  {training['starter_seconds']:.0f} s")
    else:
        say("training not measured (--no-train / --quick)")
    report["training"] = training
    starter_model = STARTER_DIR / "models" / "starter.tar.gz"
    if not starter_model.exists():
        train_from_scratch(STARTER_DIR, [], out=STARTER_DIR / "models")
    our_model = ensure_model()
    say("reading one message: the encoder and Rasa's whole parse, with 1 and 2 BLAS threads ...")
    report["nlu_per_message"] = nlu_per_message(our_model)

    with ExitStack() as running:
        bots = [running.enter_context(starter_bot(starter_model))]
        bots.append(running.enter_context(our_stack("ours", our_model, production=False)))
        report["production"] = "measured"
        if plan.production:
            try:
                bots.append(running.enter_context(our_stack("ours_production", our_model, production=True)))
            except Exception as error:  # noqa: BLE001 - report it, still measure the rest
                report["production"] = f"failed to start: {error}"[:500]
                say(f"production profile failed to start, measuring embedded only: {error}")
        else:
            report["production"] = "not measured: --no-production"
            say(report["production"])
        groups = {}
        for bot in bots:
            groups[f"{bot.name}:rasa"] = bot.rasa_pids
            groups[f"{bot.name}:all"] = bot.all_pids
            if len(bot.rasa_pids) > 1:  # replicas: each one's own peak too
                groups.update({f"{bot.name}:rasa-{n}": [pid] for n, pid in enumerate(bot.rasa_pids, 1)})
        with RssSampler(groups) as memory:
            results = measure(bots, plan)
        report["memory_peak_mb"] = {name: round(mb, 1) for name, mb in memory.peak_mb.items()}
        ours = next(bot for bot in bots if bot.name == "ours")
        report["actions_per_turn"] = actions_per_turn(ours.config.var_dir / "tracker.db")
        production = [bot for bot in bots if bot.name == "ours_production"]
        if plan.burst and production:
            report["burst"] = outage_burst(production[0])
            # Stock Rasa under the same arrivals, while both stacks still run as they did for ours.
            report["burst"]["starter"] = starter_burst(bots[0])
        else:
            report["burst"] = {"skipped": "--no-burst" if not plan.burst else "the production profile did not run"}

    report.update(results)
    figures = stats.headline(
        results["load"]["ours"], results["load"]["starter"], results["long_conversation"]["p95_ratio"],
        errors=sum(s["errors"] for s in results["load"]["ours"].values()) + results["long_conversation"]["errors"],
        train_seconds=training.get("ours_seconds"), rasa_rss_mb=report["memory_peak_mb"].get("ours:rasa"),
        production=results["load"].get("ours_production"), actions_per_turn=report["actions_per_turn"]["per_turn"],
        burst=report["burst"],
    )
    report = {**figures, "targets": stats.judge(figures), **report}
    report["ratios"] = stats.ratios(results["load"])
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["duration_s"] = round(time.monotonic() - started, 1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print_report(report)
    say(f"\nwrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", default=env.get("BENCH_QUICK") == "1",
                        help="a short run: fewer conversations, one round, no training")
    parser.add_argument("--no-train", dest="train", action="store_false", default=None,
                        help="skip the two training runs (the default with --quick, unless BENCH_TRAIN=1)")
    parser.add_argument("--profile", action="store_true", default=env.get("BENCH_PROFILE") == "1",
                        help="py-spy our Rasa and action server during the concurrency-20 phase")
    parser.add_argument("--no-production", dest="production", action="store_false",
                        default=env.get("BENCH_PRODUCTION", "1") != "0")
    parser.add_argument("--no-burst", dest="burst", action="store_false",
                        default=env.get("BENCH_BURST", "1") != "0")
    parser.add_argument("--out", default=str(RESULTS / "bench.json"))
    args = parser.parse_args(argv)
    if args.train is None:
        args.train = env.get("BENCH_TRAIN") == "1" if args.quick else env.get("BENCH_TRAIN", "1") != "0"
    return args


# ---------------------------------------------------------------- measuring


def measure(bots: list[Bot], plan: Plan) -> dict:
    say("warming up ...")
    for bot in bots:
        run_load(bot.url, bot.scripts(3), concurrency=3, label="warmup")
    turns: dict[str, dict[int, list]] = {bot.name: {c: [] for c in plan.levels} for bot in bots}
    wall: dict[str, dict[int, float]] = {bot.name: {c: 0.0 for c in plan.levels} for bot in bots}
    cpu: dict[str, dict[int, float]] = {bot.name: {c: 0.0 for c in plan.levels} for bot in bots}
    profile: dict = {}
    for level in plan.levels:
        for round_number in range(plan.rounds):
            # Rotate who goes first, so a burst of background load hits each bot in turn.
            shift = (round_number + plan.levels.index(level)) % len(bots)
            for bot in bots[shift:] + bots[:shift]:
                cpu_before = sum(tree_cpu_seconds(pid) for pid in bot.all_pids)
                with maybe_profile(plan.profile and level == max(plan.levels) and round_number == 0
                                   and bot.name == "ours", bot, profile):
                    done, seconds = run_load(bot.url, bot.scripts(plan.conversations[level]), level,
                                             label=f"c{level}")
                cpu[bot.name][level] += sum(tree_cpu_seconds(pid) for pid in bot.all_pids) - cpu_before
                turns[bot.name][level] += done
                wall[bot.name][level] += seconds
                summary = stats.summarize(done, seconds)
                say(f"  c{level:<2} round {round_number + 1}  {bot.name:<16} p50 {summary['p50_ms']:>7} ms  "
                    f"p95 {summary['p95_ms']:>7} ms  {summary['throughput_tps']:>6} turns/s  "
                    f"errors {summary['errors']}")
    load = {bot.name: {f"c{c}": stats.summarize(turns[bot.name][c], wall[bot.name][c]) for c in plan.levels}
            for bot in bots}
    for bot in bots:  # CPU time per turn: what a turn costs, however busy the rest of the machine is
        for c in plan.levels:
            load[bot.name][f"c{c}"]["cpu_ms_per_turn"] = round(cpu[bot.name][c] / max(1, len(turns[bot.name][c]))
                                                               * 1000, 1)
    ours = [b for b in bots if b.name == "ours"][0]
    return {"load": load, "long_conversation": long_conversation(ours, plan.long_conversations),
            "profile": profile or None}


def long_conversation(bot: Bot, count: int) -> dict:
    say(f"{count} conversations of {LONG_TURNS} turns (turn 5 against turn 60) ...")
    played, seconds = run_load(bot.url, [conversations.long_conversation(LONG_TURNS) for _ in range(count)],
                               concurrency=1, label="long")
    early = stats.summarize(stats.window(played, 5, WINDOW), seconds)
    late = stats.summarize(stats.window(played, 60, WINDOW), seconds)
    by_ten = {}
    for start in range(1, LONG_TURNS + 1, 10):
        block = [t for t in played if start <= t.index < start + 10]
        by_ten[f"{start}-{min(start + 9, LONG_TURNS)}"] = stats.summarize(block, seconds)["p50_ms"]
    errors = sum(1 for t in played if t.error)
    return {
        "conversations": count, "turns_each": LONG_TURNS, "errors": errors,
        "turn5": {k: early[k] for k in ("turns", "p50_ms", "p95_ms", "p99_ms", "mean_ms")},
        "turn60": {k: late[k] for k in ("turns", "p50_ms", "p95_ms", "p99_ms", "mean_ms")},
        "p95_ratio": stats.ratio(late["p95_ms"], early["p95_ms"]),
        "p50_ratio": stats.ratio(late["p50_ms"], early["p50_ms"]),
        "p50_ms_by_ten_turns": by_ten,
    }


def nlu_per_message(model: Path) -> list[dict]:
    """calmdesk/bench/nlu.py in a process of its own per BLAS thread count (the servers run with one)."""
    results = []
    for threads in ("1", "2"):
        env = {**rasa_env(), "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads,
               "MKL_NUM_THREADS": threads, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-m", "calmdesk.bench.nlu", str(model)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            results.append({"blas_threads": threads, "error": (done.stderr or done.stdout)[-500:]})
            continue
        results.append(json.loads(lines[-1]))
        say(f"  {threads} BLAS thread(s): " + ", ".join(f"{k} {v}" for k, v in results[-1].items()
                                                        if k.endswith("_ms") or k.endswith("_text")))
    return results


def actions_per_turn(tracker_db: Path) -> dict:
    """Custom-action runs (each one an HTTP call to the action server) per customer message, from Rasa's own log.

    Rasa's tracker store records every action it ran; its built-in actions
    (listen, session start, ...) run inside Rasa and cost no round trip.
    """
    import sqlite3

    from rasa.shared.core.constants import DEFAULT_ACTION_NAMES

    with sqlite3.connect(f"file:{tracker_db}?mode=ro", uri=True) as db:
        user = db.execute("SELECT COUNT(*) FROM events WHERE type_name = 'user'").fetchone()[0]
        names = [name for (name,) in db.execute("SELECT action_name FROM events WHERE type_name = 'action'")]
    custom = sum(1 for name in names if name and name not in DEFAULT_ACTION_NAMES)
    return {"user_messages": user, "custom_action_calls": custom,
            "per_turn": round(custom / user, 3) if user else None}


def outage_burst(bot: Bot) -> dict:
    """Staff declare the outage; then the burst. Latency, errors, memory and the tickets the desk holds after it."""
    import httpx

    from calmdesk.db import make_engine

    config = bot.config
    say(f"outage burst: {burst.CUSTOMERS} customers within {burst.WINDOW_S:.0f} s, "
        f"{bot.name}, incident declared ...")
    declared = httpx.post(f"{config.web_url}/api/incidents", timeout=30,
                          headers={"Authorization": f"Bearer {config.api_token}"},
                          json={"category": burst.CATEGORY, "public_message": burst.PUBLIC_MESSAGE})
    if declared.status_code != 201:
        return {"skipped": f"declaring the incident failed: {declared.status_code} {declared.text[:200]}"}
    incident = declared.json()["reference"]
    crowd = burst.customers()
    cpu_before = {pid: tree_cpu_seconds(pid) for pid in bot.all_pids}
    busy_before = machine_busy_seconds()
    with RssSampler({"rasa": bot.rasa_pids, "all": bot.all_pids}) as memory:
        turns, seconds = burst.run_burst(bot.url, crowd)
    stack_cpu = sum(tree_cpu_seconds(pid) - before for pid, before in cpu_before.items())
    machine_cpu = machine_busy_seconds() - busy_before
    engine = make_engine(config.resolved_database_url())
    try:
        at_end = burst.tickets_of(engine, crowd, incident)
        # Complaints the holding service kept (no action server answered in time) are filed once one
        # does: give it two minutes, then count again. A ticket still missing then is lost.
        deadline = time.monotonic() + 120
        held = burst.held_for(engine, crowd)
        while held["filed_since"] < held["held"] and time.monotonic() < deadline:
            time.sleep(2)
            held = burst.held_for(engine, crowd)
        tickets = burst.tickets_of(engine, crowd, incident)
    finally:
        engine.dispose()
    summary = stats.summarize(turns, seconds)
    say(f"  p50 {summary['p50_ms']} ms  p95 {summary['p95_ms']} ms  p99 {summary['p99_ms']} ms  "
        f"errors {summary['errors']}  tickets {tickets}")
    done = max(1, len(turns))
    cpu = {
        # What one turn costs in CPU, and how many turns a second the machine's cores could serve at
        # that cost: the burst brings customers * 4 / window turns a second.
        "stack_ms_per_turn": round(stack_cpu / done * 1000, 1),
        "machine_ms_per_turn": round(machine_cpu / done * 1000, 1),
        "cores": os.cpu_count(),
        "arriving_turns_per_s": round(len(crowd) * 4 / burst.WINDOW_S, 1),
        "capacity_turns_per_s_at_stack_cost": round(os.cpu_count() / (stack_cpu / done), 1) if stack_cpu else None,
        "note": "stack: the Rasa replicas, action servers, web app and nginx; machine: every process, "
                "PostgreSQL, Redis and RabbitMQ included, and anything else running",
    }
    say(f"  CPU per turn: stack {cpu['stack_ms_per_turn']} ms, machine {cpu['machine_ms_per_turn']} ms; "
        f"{cpu['arriving_turns_per_s']} turns/s arrive, the cores serve "
        f"{cpu['capacity_turns_per_s_at_stack_cost']} at the stack's cost")
    return {"customers": len(crowd), "window_s": burst.WINDOW_S, "turns_each": 4, "incident": incident,
            "turns": summary, "tickets": tickets, "tickets_at_burst_end": at_end, "holding_service": held,
            "cpu": cpu,
            "memory_peak_mb": {name: round(mb, 1) for name, mb in memory.peak_mb.items()}}


def starter_burst(bot: Bot) -> dict:
    """The burst's arrival schedule against the starter bot: what stock Rasa does with that traffic here."""
    crowd = burst.starter_customers()
    say(f"the same arrivals against the starter bot: {len(crowd)} customers within {burst.WINDOW_S:.0f} s, "
        f"{burst.TURNS_EACH} of its own messages each ...")
    cpu_before = sum(tree_cpu_seconds(pid) for pid in bot.all_pids)
    turns, seconds = burst.run_burst(bot.url, crowd)
    cpu = sum(tree_cpu_seconds(pid) for pid in bot.all_pids) - cpu_before
    summary = stats.summarize(turns, seconds)
    say(f"  p50 {summary['p50_ms']} ms  p95 {summary['p95_ms']} ms  p99 {summary['p99_ms']} ms  "
        f"errors {summary['errors']}")
    return {"customers": len(crowd), "window_s": burst.WINDOW_S, "turns_each": burst.TURNS_EACH, "turns": summary,
            "cpu_ms_per_turn": round(cpu / max(1, len(turns)) * 1000, 1)}


@contextmanager
def maybe_profile(enabled: bool, bot: Bot, profile: dict) -> Iterator[None]:
    if not enabled:
        yield
        return
    say("  (profiling our Rasa server and action server with py-spy during this phase)")
    rasa_svg = RESULTS / "bench-profile-rasa.svg"
    rasa_raw = BENCH_DIR / "profile-rasa.txt"
    actions_raw = BENCH_DIR / "profile-actions.txt"
    pid = bot.rasa_pids[0]
    with ExitStack() as profilers:
        profilers.enter_context(Profiler(pid, rasa_svg, "flamegraph"))
        profilers.enter_context(Profiler(pid, rasa_raw, "raw"))
        if bot.actions_pid:
            profilers.enter_context(Profiler(bot.actions_pid, actions_raw, "raw"))
        yield
    if rasa_raw.exists():
        stacks = read_collapsed(rasa_raw)
        profile["rasa"] = {"flamegraph": str(rasa_svg.relative_to(ROOT)), "samples": sum(stacks.values()),
                           "parts": profile_buckets(stacks, RASA_PARTS), "top_functions": top_leaves(stacks)}
    if actions_raw.exists():
        stacks = read_collapsed(actions_raw)
        profile["actions"] = {"samples": sum(stacks.values()),
                              "parts": profile_buckets(stacks, ACTION_SERVER_PARTS),
                              "top_functions": top_leaves(stacks)}


if __name__ == "__main__":
    sys.exit(main())
