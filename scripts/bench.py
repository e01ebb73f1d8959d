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
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calmdesk.bench import burst, conversations, stats  # noqa: E402
from calmdesk.bench.load import (  # noqa: E402
    ACTION_SERVER_PARTS, RASA_PARTS, Profiler, RssSampler, machine_busy_seconds, profile_buckets, read_collapsed,
    run_load, top_leaves, tree_cpu_seconds,
)
from calmdesk.operations.stack import Stack, StackConfig  # noqa: E402
from calmdesk.operations.training import ensure_model, rasa_env, rasa_executable  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
STARTER_DIR = BENCH_DIR / "starter"
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


@dataclasses.dataclass
class Bot:
    """One assistant under test: where customers reach it and which processes are its Rasa."""

    name: str
    url: str
    rasa_pids: list[int]
    all_pids: list[int]
    scripts: object  # count -> list of conversations
    actions_pid: int | None = None
    config: StackConfig | None = None  # ours: where its web app, token and databases are


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
    report["ratios"] = ratios(results["load"])
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


def ratios(load: dict) -> dict:
    """ours / starter (and production / starter, production / embedded) for every figure and level."""
    pairs = [("ours", "starter")]
    if "ours_production" in load:
        pairs += [("ours_production", "starter"), ("ours_production", "ours")]
    out = {}
    for mine, theirs in pairs:
        for level, summary in load[mine].items():
            base = load[theirs].get(level, {})
            out[f"{mine}/{theirs}"] = out.get(f"{mine}/{theirs}", {})
            out[f"{mine}/{theirs}"][level] = {
                key: stats.ratio(summary.get(key), base.get(key)) for key in ("p50_ms", "p95_ms", "p99_ms",
                                                                               "throughput_tps", "cpu_ms_per_turn")}
    return out


# ------------------------------------------------------------ the servers


def create_starter() -> None:
    """Rasa's own starter assistant, scaffolded once (``rasa init`` also trains it; that model is not used)."""
    if (STARTER_DIR / "config.yml").exists():
        return
    say("creating the starter bot with rasa init ...")
    STARTER_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run([rasa_executable(), "init", "--no-prompt", "--init-dir", str(STARTER_DIR)],
                   cwd=ROOT, env=rasa_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def train_from_scratch(project: Path, inputs: list[str], out: Path | None) -> float:
    """Seconds for ``rasa train`` with an empty cache; the model goes to ``out`` (or is thrown away)."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as scratch:
        env = {**rasa_env(), "RASA_CACHE_DIRECTORY": str(Path(scratch) / "cache")}
        name = "starter" if out is not None else "calmdesk"
        log = BENCH_DIR / f"train-{name}.log"
        started = time.monotonic()
        with log.open("wb") as output:
            subprocess.run([rasa_executable(), "train", *inputs, "--out", str(out or scratch),
                            "--fixed-model-name", name], cwd=project, env=env, check=True,
                           stdout=output, stderr=subprocess.STDOUT)
        return time.monotonic() - started


@contextmanager
def starter_bot(model: Path) -> Iterator[Bot]:
    port = free_port()
    log = BENCH_DIR / "starter-rasa.log"
    with log.open("wb") as output:
        popen = subprocess.Popen(
            [rasa_executable(), "run", "--enable-api", "--model", str(model), "--interface", "127.0.0.1",
             "--port", str(port)],
            cwd=STARTER_DIR, env=rasa_env(), stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        say(f"starting the starter bot on port {port} ...")
        wait_for(f"http://127.0.0.1:{port}/status", popen, log)
        yield Bot("starter", f"http://127.0.0.1:{port}", [popen.pid], [popen.pid], conversations.starter)
    finally:
        stop_group(popen)


@contextmanager
def our_stack(name: str, model: Path, production: bool) -> Iterator[Bot]:
    from calmdesk.db import migrate

    var_dir = BENCH_DIR / name
    shutil.rmtree(var_dir, ignore_errors=True)
    options = dict(rasa_port=free_port(), actions_port=free_port(), web_port=free_port(), var_dir=var_dir,
                   model=model, rasa_token=secrets.token_urlsafe(16), api_token=secrets.token_urlsafe(16),
                   limit_exempt="127.0.0.1")  # hundreds of simulated customers share one loopback address
    if production:
        options.update(profile="production", database_url=fresh_postgres("calmdesk_bench"),
                       settings=production_settings())
    config = StackConfig(**options)
    if production:
        fresh_postgres("calmdesk_bench_tracker")
    migrate(config.resolved_database_url())
    stack = Stack(config)
    say(f"starting calmdesk ({'production' if production else 'embedded'} profile) ...")
    try:
        stack.start()
        stack.wait_ready(timeout=300)
        rasa = [p.popen.pid for p in stack.processes if p.name == "rasa" or p.name.startswith("rasa-")]
        actions = [p.popen.pid for p in stack.processes if p.name.startswith("actions")]
        yield Bot(name, config.rasa_url, rasa, [p.popen.pid for p in stack.processes], conversations.ours,
                  actions_pid=actions[0] if actions else None, config=config)
    finally:
        stack.stop()


def production_settings() -> dict[str, str]:
    """The production profile on its own databases, queue, exchange and lock prefix: nobody else's data."""
    return {"TRACKER_DB_NAME": "calmdesk_bench_tracker", "BROKER_EXCHANGE": "calmdesk-bench-events",
            "BROKER_QUEUE": "calmdesk_bench_events", "LOCK_KEY_PREFIX": "calmdeskbench"}


def fresh_postgres(database: str) -> str:
    """Drop and recreate a bench-only PostgreSQL database on the loopback server; return its URL."""
    from sqlalchemy import create_engine, text

    url = f"postgresql://postgres@127.0.0.1:5432/{database}"
    server = create_engine("postgresql://postgres@127.0.0.1:5432/postgres", future=True,
                           isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        server.dispose()
    return url


def wait_for(url: str, popen: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"exited with {popen.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s; see {log}")


def stop_group(popen: subprocess.Popen, grace: float = 10) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(popen.pid, sig)
        except ProcessLookupError:
            return
        try:
            popen.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------- output


def say(text: str) -> None:
    print(text, flush=True)


def print_report(report: dict) -> None:
    load = report["load"]
    say("\n== per-turn latency (ms) and throughput, 8-turn conversations")
    say(f"{'bot':<16} {'conc':>4} {'turns':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'turns/s':>8} {'errors':>6} "
        f"{'CPU ms/turn':>11}")
    for name, levels in load.items():
        for level, s in levels.items():
            say(f"{name:<16} {level:>4} {s['turns']:>6} {fmt(s['p50_ms']):>8} {fmt(s['p95_ms']):>8} "
                f"{fmt(s['p99_ms']):>8} {fmt(s['throughput_tps']):>8} {s['errors']:>6} "
                f"{fmt(s.get('cpu_ms_per_turn')):>11}")
    say("\n== ratios (same run)")
    for pair, levels in report["ratios"].items():
        for level, r in levels.items():
            say(f"{pair:<26} {level:>4}  p50 {fmt(r['p50_ms'])}×  p95 {fmt(r['p95_ms'])}×  "
                f"p99 {fmt(r['p99_ms'])}×  throughput {fmt(r['throughput_tps'])}×  CPU per turn "
                f"{fmt(r['cpu_ms_per_turn'])}×")
    lc = report["long_conversation"]
    say(f"\n== one long conversation ({lc['conversations']} × {lc['turns_each']} turns, concurrency 1)")
    say(f"turns 3-7:   p50 {fmt(lc['turn5']['p50_ms'])} ms  p95 {fmt(lc['turn5']['p95_ms'])} ms")
    say(f"turns 58-62: p50 {fmt(lc['turn60']['p50_ms'])} ms  p95 {fmt(lc['turn60']['p95_ms'])} ms")
    say("p50 by ten turns: " + "  ".join(f"{k}: {fmt(v)}" for k, v in lc["p50_ms_by_ten_turns"].items()))
    say(f"\n== training from scratch: ours {fmt(report['training'].get('ours_seconds'))} s, "
        f"starter {fmt(report['training'].get('starter_seconds'))} s")
    say("== peak memory (RSS, MB): " + ", ".join(f"{k} {v:.0f}" for k, v in report["memory_peak_mb"].items()))
    say(f"== production profile: {report['production']}")
    say("== reading one message (median ms, in a process of its own): " + "; ".join(
        f"{r['blas_threads']} BLAS thread(s): encoder {fmt(r.get('encode_ms'))}, whole parse of a new text "
        f"{fmt(r.get('parse_ms_new_text'))}, of a text seen before {fmt(r.get('parse_ms_seen_text'))}"
        for r in report["nlu_per_message"]))
    calls = report["actions_per_turn"]
    say(f"== action-server calls per customer turn: {fmt(calls['per_turn'])} "
        f"({calls['custom_action_calls']} calls for {calls['user_messages']} messages)")
    outage = report["burst"]
    if "turns" in outage:
        t = outage["turns"]
        say(f"\n== outage burst: {outage['customers']} customers within {outage['window_s']:.0f} s, "
            f"{outage['turns_each']} turns each, incident {outage['incident']} declared")
        say(f"p50 {fmt(t['p50_ms'])} ms  p95 {fmt(t['p95_ms'])} ms  p99 {fmt(t['p99_ms'])} ms  "
            f"errors {t['errors']}  {t['error_kinds'] or ''}")
        say("tickets: " + ", ".join(f"{k} {v}" for k, v in outage["tickets"].items()))
        say(f"  (at the burst's end: found {outage['tickets_at_burst_end']['found']}; kept by the holding service "
            f"while no action server answered: {outage['holding_service']['held']}, filed since: "
            f"{outage['holding_service']['filed_since']})")
        say("peak memory (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in outage["memory_peak_mb"].items()))
        c = outage["cpu"]
        say(f"CPU per turn: stack {fmt(c['stack_ms_per_turn'])} ms, whole machine {fmt(c['machine_ms_per_turn'])} ms; "
            f"{fmt(c['arriving_turns_per_s'])} turns/s arrive, {c['cores']} cores serve "
            f"{fmt(c['capacity_turns_per_s_at_stack_cost'])} turns/s at the stack's cost")
        theirs = outage.get("starter")
        if theirs:
            s = theirs["turns"]
            say(f"starter bot, the same arrivals ({theirs['turns_each']} of its own messages each): "
                f"p50 {fmt(s['p50_ms'])} ms  p95 {fmt(s['p95_ms'])} ms  p99 {fmt(s['p99_ms'])} ms  "
                f"errors {s['errors']}  CPU {fmt(theirs['cpu_ms_per_turn'])} ms/turn")
            say(f"burst p95, ours / starter: {fmt(report.get('burst_p95_over_starter'))}×")
    else:
        say(f"\n== outage burst: {outage.get('skipped')}")
    if report.get("profile"):
        for server, data in report["profile"].items():
            say(f"\n== where {server} spends its CPU during concurrency 20 ({data['samples']} samples)")
            for part in data["parts"]:
                say(f"  {part['share'] * 100:5.1f}%  {part['part']}")
            for leaf in data["top_functions"][:5]:
                say(f"         top: {leaf['share'] * 100:4.1f}%  {leaf['function'][:100]}")
    say("\n== targets")
    for t in report["targets"]:
        mark = {True: "✔", False: "✘", None: "–"}[t["met"]]
        say(f"{mark} {t['label']:<48} {fmt(t['value']):>8}  (target {t['target']})")


def fmt(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}" if isinstance(value, float) and abs(value) < 10 else f"{value:.0f}" \
        if isinstance(value, float) else str(value)


if __name__ == "__main__":
    sys.exit(main())
