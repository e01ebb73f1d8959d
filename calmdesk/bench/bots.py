"""Starting and stopping the assistants under test: the starter bot and calmdesk's stacks.

Why a module of its own: scripts/bench.py measures; getting each bot running
is a separate job: scaffolding and training Rasa's starter assistant
(var/bench/starter), starting it with ``rasa run``, starting calmdesk's
embedded or production stack on free ports with its own var dir and
bench-only PostgreSQL databases, queue and lock prefix, and stopping every
process group afterwards. Each bot comes back as a ``Bot``: where customers
reach it and which processes to watch.
"""
from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from calmdesk.bench import conversations
from calmdesk.bench.report import say
from calmdesk.operations.ports import free_port
from calmdesk.operations.stack import Stack, StackConfig
from calmdesk.operations.training import ROOT, rasa_env, rasa_executable

BENCH_DIR = ROOT / "var" / "bench"
STARTER_DIR = BENCH_DIR / "starter"


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
