"""Start and stop the running product: Rasa, the action server and the web app.

One place knows how the three processes are started, so that `make run` and
the end-to-end tests run exactly the same thing. Each process gets its own
process group (so Ctrl-C and test teardown stop its children too) and a log
file; ``Stack.wait_ready`` polls each one's health endpoint.

Two profiles: ``embedded`` (the default: SQLite, one Rasa, nothing else to
install) and ``production`` (PostgreSQL, Redis, RabbitMQ, Rasa replicas behind
nginx: see ``calmdesk/operations/production.py`` and docs/deploy.md).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from calmdesk.operations.training import ROOT, model_path, rasa_env, rasa_executable


PROFILES = ("embedded", "production")


@dataclass
class StackConfig:
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8000
    host: str = "127.0.0.1"
    var_dir: Path = ROOT / "var"
    model: Path = field(default_factory=model_path)
    database_url: str | None = None  # default: SQLite in var_dir
    rasa_token: str = ""
    api_token: str = ""
    # "embedded" or "production". In production rasa_port and actions_port are
    # nginx's (customers, and Rasa's calls to the action servers); the replicas
    # get free internal ports.
    profile: str = "embedded"
    settings: dict[str, str] = field(default_factory=dict)  # production: overrides deploy/production.env
    # Addresses the flood limits never count (calmdesk.operations.flood): harnesses that play
    # many customers from one loopback address set "127.0.0.1"; `make run` leaves it empty.
    limit_exempt: str = ""

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}: use one of {', '.join(PROFILES)}")

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        if self.profile == "production":
            from calmdesk.operations import production
            return production.settings(self.settings)["DATABASE_URL"]
        return f"sqlite:///{self.var_dir / 'calmdesk.db'}"


def write_endpoints(config: StackConfig) -> Path:
    """var/endpoints.yml: endpoints.yml with this run's action server and tracker store."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    endpoints["action_endpoint"]["url"] = f"{config.actions_url}/webhook"
    store = endpoints.get("tracker_store") or {}
    if store.get("dialect") == "sqlite":
        store["db"] = str(config.var_dir / "tracker.db")
    path = config.var_dir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return path


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    health_url: str
    command: list[str] = field(default_factory=list)
    env: dict = field(default_factory=dict, repr=False)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Stack:
    """The three running processes."""

    def __init__(self, config: StackConfig):
        self.config = config
        self.processes: list[Process] = []

    def start(self) -> "Stack":
        config = self.config
        config.var_dir.mkdir(parents=True, exist_ok=True)
        logs = config.var_dir / "logs"
        logs.mkdir(exist_ok=True)
        env = rasa_env()
        env.update(
            DATABASE_URL=config.resolved_database_url(),
            SUPPORT_API_TOKEN=config.api_token,
            RASA_API_TOKEN=config.rasa_token,
            RASA_URL=config.rasa_url,
            PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        )
        env.setdefault("MAIL_DIR", str(config.var_dir / "mail"))  # embedded email: .eml files beside the database
        env.setdefault("MAIL_BASE_URL", config.web_url)  # where the links in emails point
        # One BLAS thread per server process. A turn's matrix products are small
        # (one message: 20 tokens x 384), so a second thread does not make a turn
        # faster; under load it only competes with the other requests and
        # processes for the same cores (make bench, docs/bench.md).
        for threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(threads, "1")
        # Sanic (the action server, and Rasa) closes an idle kept-alive connection after 5 s; Rasa's
        # client (aiohttp) reuses one for 15 s, so a turn could be sent down a connection the action
        # server was just closing ("Cannot write to closing transport": the turn is lost, the bot silent).
        # The fuzzer (make fuzz) saw it; the server now keeps them longer than the client does.
        env.setdefault("SANIC_KEEP_ALIVE_TIMEOUT", "20")
        if config.limit_exempt:
            env["CHAT_LIMIT_EXEMPT"] = config.limit_exempt
        python = sys.executable
        if config.profile == "production":
            from calmdesk.operations import production
            production.start(self, env, logs)
            return self
        endpoints = write_endpoints(config)
        # Where the web app finds Rasa's conversations to export or erase one customer (calmdesk/subjects/).
        env["TRACKER_DATABASE_URL"] = f"sqlite:///{config.var_dir / 'tracker.db'}"
        self._spawn(
            "actions",
            [python, "-m", "calmdesk.operations.action_server", "--actions", "actions", "--port", str(config.actions_port)],
            env, logs, f"{config.actions_url}/health",
        )
        self._spawn(
            "web",
            [python, "-m", "uvicorn", "--factory", "calmdesk.web.app:create_app",
             "--host", config.host, "--port", str(config.web_port), "--no-access-log", "--ws", "none"],
            env, logs, f"{config.web_url}/healthz",
        )
        self._spawn(
            "rasa",
            [rasa_executable(), "run", "--model", str(config.model), "--endpoints", str(endpoints),
             "--credentials", str(ROOT / "credentials.yml"), "--enable-api", f"--auth-token={config.rasa_token}",
             "--interface", config.host, "--port", str(config.rasa_port), "--cors", "*"],
            env, logs, f"{config.rasa_url}/status?token={config.rasa_token}",
        )
        return self

    def _spawn(self, name: str, command: list[str], env: dict, logs: Path, health_url: str) -> None:
        log = logs / f"{name}.log"
        self.processes.append(Process(name, _popen(command, env, log, "wb"), log, health_url, command, env))

    def process(self, name: str) -> Process:
        for process in self.processes:
            if process.name == name:
                return process
        raise KeyError(f"no process named {name!r}: {', '.join(p.name for p in self.processes)}")

    def kill(self, name: str, sig: int = signal.SIGKILL, grace: float = 10.0) -> None:
        """Stop one process (``SIGKILL``: a crash; ``SIGTERM``: a clean stop) and wait for it."""
        popen = self.process(name).popen
        _signal_group(popen, sig)
        try:
            popen.wait(grace)
        except subprocess.TimeoutExpired:
            _signal_group(popen, signal.SIGKILL)
            popen.wait()

    def respawn(self, name: str) -> Process:
        """Start a stopped process again with the same command (its log is appended to)."""
        process = self.process(name)
        if process.popen.poll() is None:
            raise RuntimeError(f"{name} is still running")
        process.popen = _popen(process.command, process.env, process.log, "ab")
        return process

    def wait_healthy(self, name: str, timeout: float = 180.0) -> None:
        """Block until one (respawned) process answers its health check."""
        process = self.process(name)
        deadline = time.monotonic() + timeout
        while not _healthy(process.health_url):
            if process.popen.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.popen.returncode}:\n{process.log_tail()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} not ready after {timeout:.0f} s")
            time.sleep(0.5)

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Block until every process answers its health check; raise with its log if one dies."""
        deadline = time.monotonic() + timeout
        waiting = list(self.processes)
        while waiting:
            for process in list(waiting):
                if process.popen.poll() is not None:
                    raise RuntimeError(
                        f"{process.name} exited with code {process.popen.returncode} while starting; "
                        f"last lines of {process.log}:\n{process.log_tail()}"
                    )
                if _healthy(process.health_url):
                    waiting.remove(process)
            if waiting and time.monotonic() > deadline:
                names = ", ".join(p.name for p in waiting)
                raise TimeoutError(f"not ready after {timeout:.0f} s: {names}")
            if waiting:
                time.sleep(0.5)

    def dead(self) -> list[Process]:
        return [p for p in self.processes if p.popen.poll() is not None]

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM every process group, then SIGKILL what is still running after ``grace``."""
        for process in self.processes:
            _signal_group(process.popen, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes:
            try:
                process.popen.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                _signal_group(process.popen, signal.SIGKILL)
                process.popen.wait()


def _popen(command: list[str], env: dict, log: Path, mode: str) -> subprocess.Popen:
    with log.open(mode) as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )


def _signal_group(popen: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(popen.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _healthy(url: str) -> bool:
    if url.startswith("file://"):  # a process that says it is ready by creating a file
        return Path(urllib.request.url2pathname(url[len("file://"):])).exists()
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False
