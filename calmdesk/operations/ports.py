"""Free TCP ports for the servers a stack starts, chosen below the kernel's ephemeral range.

The port the kernel hands out for ``bind(("127.0.0.1", 0))`` comes from the
ephemeral range (``/proc/sys/net/ipv4/ip_local_port_range``, 32768-60999 on
Linux), the range every outgoing connection takes its source port from. Between
choosing such a port and the server binding it, any connection opened meanwhile
can take it, and the server dies with "address already in use" (seen in CI: the
action server of an end-to-end test). Below that range only listeners bind,
so a port found free there stays free until our server binds it, unless
another stack picks the very same one (1 in ~12,000 per pick, and checked).
"""
from __future__ import annotations

import random
import socket
from pathlib import Path

LOWEST = 20000
RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def ephemeral_start() -> int:
    """The first port of the kernel's ephemeral range (32768 where it cannot be read)."""
    try:
        return int(RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A port no one listens on, below the ephemeral range when there is room for it."""
    top = ephemeral_start()
    if top - LOWEST >= 1000:
        for _ in range(200):
            port = random.randrange(LOWEST, top)
            if _bindable(port):
                return port
    with socket.socket() as s:  # a system configured without room below the range: the kernel's choice
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("0.0.0.0", port))  # the action server listens on every address
        except OSError:
            return False
    return True
