"""The action server launcher (calmdesk/operations/action_server.py): rasa_sdk's server, with a deep listen queue."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from calmdesk.checks.client import free_port
from calmdesk.operations.action_server import BACKLOG
from calmdesk.operations.training import rasa_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss (iproute2) to read the listen queue")
def test_it_serves_our_actions_and_queues_a_burst_of_connections_instead_of_refusing_them(tmp_path):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "calmdesk.operations.action_server", "--actions", "actions",
                               "--port", str(port)], cwd=ROOT, env={**rasa_env(), "DATABASE_URL":
                               f"sqlite:///{tmp_path / 'calmdesk.db'}"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "the action server did not start"
            time.sleep(0.5)
        actions = httpx.get(f"http://127.0.0.1:{port}/actions", timeout=10).json()
        assert {"name": "action_turn"} in actions
        listening = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True).stdout
        queue = int(listening.split()[2])  # Send-Q of a listening socket: its backlog
        assert queue >= min(BACKLOG, int(Path("/proc/sys/net/core/somaxconn").read_text())) > 100
    finally:
        server.terminate()
        server.wait(20)
