"""Start and stop the running product: Rasa, the action server and the web app.

One place knows how the three processes are started, so that `make run` and
the end-to-end tests run exactly the same thing. Each process gets its own
process group (so Ctrl-C and test teardown stop its children too) and a log
file; ``Stack.wait_ready`` polls each one's health endpoint.
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

from calmdesk.training import ROOT, model_path, rasa_env, rasa_executable


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
        return self.database_url or f"sqlite:///{self.var_dir / 'calmdesk.db'}"


def write_endpoints(config: StackConfig) -> Path:
    """var/endpoints.yml: endpoints.yml with this run's action server and tracker store."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    endpoints["action_endpoint"]["url"] = f"{config.actions_url}/webhook"
    store = endpoints.get("tracker_store") or {}
    if store.get("type") == "SQL" and store.get("dialect") == "sqlite":
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
        python = sys.executable
        endpoints = write_endpoints(config)
        self._spawn(
            "actions",
            [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(config.actions_port)],
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
             "--credentials", str(ROOT / "credentials.yml"), "--enable-api", "--auth-token", config.rasa_token,
             "--interface", config.host, "--port", str(config.rasa_port), "--cors", "*"],
            env, logs, f"{config.rasa_url}/status?token={config.rasa_token}",
        )
        return self

    def _spawn(self, name: str, command: list[str], env: dict, logs: Path, health_url: str) -> None:
        log = logs / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self.processes.append(Process(name, popen, log, health_url))

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


def _signal_group(popen: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(popen.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False
