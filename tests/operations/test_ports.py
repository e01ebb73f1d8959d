"""Ports for the servers a stack starts: below the kernel's ephemeral range, so no outgoing
connection can take one between choosing it and the server binding it."""
from __future__ import annotations

import socket

from calmdesk.operations import ports


def test_a_free_port_is_below_the_ephemeral_range_and_can_be_listened_on():
    chosen = {ports.free_port() for _ in range(20)}
    assert all(ports.LOWEST <= port < ports.ephemeral_start() for port in chosen)
    assert len(chosen) > 1  # random, so two stacks started together rarely meet
    for port in chosen:
        with socket.socket() as server:
            server.bind(("0.0.0.0", port))
            server.listen()


def test_a_port_someone_listens_on_is_never_chosen(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        picks = iter([busy, busy, busy + 1])
        monkeypatch.setattr(ports, "LOWEST", 0)
        monkeypatch.setattr(ports.random, "randrange", lambda low, high: next(picks))
        assert ports.free_port() != busy


def test_without_room_below_the_range_the_kernel_chooses(tmp_path, monkeypatch):
    squeezed = tmp_path / "ip_local_port_range"
    squeezed.write_text("20500\t60999\n")
    monkeypatch.setattr(ports, "RANGE_FILE", squeezed)
    assert ports.ephemeral_start() == 20500
    assert ports.free_port() >= 1024
