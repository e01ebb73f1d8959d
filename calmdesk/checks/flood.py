"""Flooding clients (REST, and the widget's socket.io), for checking the flood limits of a running calmdesk (tests/e2e/test_flood.py, operators).

    python -m calmdesk.checks.flood http://127.0.0.1:5005 --address 127.0.0.9 --connections 32

sends customer messages to the REST channel from one address over
``--connections`` connections at once, as fast as answers come back (half of
the connections keep to one conversation, the other half start a new one with
every message, as a script hammering the endpoint would), until ``--seconds``
have passed or it gets SIGTERM or SIGINT.  Then it prints one JSON line: the
count of each HTTP status, connection failures and a few of the 429 answers
(``Retry-After`` and body).

It runs as a process of its own so that, in a test, its own CPU use does not
slow down the measuring threads (Python runs one thread at a time).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import secrets
import signal
import time

import httpx

from calmdesk.checks.socketio_client import hang_up

MESSAGE = "ANSWER ME NOW"


async def flood(base_url: str, address: str, connections: int, seconds: float) -> dict:
    """Send until ``seconds`` pass or a stop signal arrives; return the figures."""
    webhook = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    statuses: collections.Counter = collections.Counter()
    refusals: list[dict] = []
    failures: list[str] = []
    one_sender = f"flood-{secrets.token_hex(6)}"
    transport = httpx.AsyncHTTPTransport(local_address=address, limits=httpx.Limits(max_connections=connections))
    started = time.monotonic()

    async def worker(rotate: bool) -> None:
        while not stop.is_set():
            sender = f"flood-{secrets.token_hex(6)}" if rotate else one_sender
            try:
                response = await client.post(webhook, json={"sender": sender, "message": MESSAGE})
            except httpx.HTTPError as error:
                failures.append(repr(error))
                await asyncio.sleep(0.01)
                continue
            statuses[response.status_code] += 1
            if response.status_code == 429 and len(refusals) < 20:
                refusals.append({"retry_after": response.headers.get("retry-after"), "body": response.json()})

    async with httpx.AsyncClient(transport=transport, timeout=120) as client:
        workers = [asyncio.create_task(worker(n % 2 == 1)) for n in range(connections)]
        try:
            await asyncio.wait_for(stop.wait(), seconds)
        except asyncio.TimeoutError:
            stop.set()
        await asyncio.gather(*workers)
    return {"seconds": round(time.monotonic() - started, 2), "sender": one_sender,
            "statuses": {str(code): count for code, count in sorted(statuses.items())},
            "failures": failures[:10], "failure_count": len(failures), "refusals": refusals}


async def flood_widget(base_url: str, address: str, messages: int, gap: float, settle: float) -> list[dict]:
    """One widget conversation (socket.io, polling) from ``address`` sending ``messages`` a ``gap`` apart.

    Returns every bot message it received, including those that arrived
    within ``settle`` seconds after the last one; fails if the server dropped
    the connection. One message per long-poll request: engine.io refuses a
    payload of over 16 packets, so ``gap`` should be a few tens of ms.
    """
    import aiohttp
    import socketio

    connector = aiohttp.TCPConnector(local_addr=(address, 0))
    async with aiohttp.ClientSession(connector=connector) as session:
        client = socketio.AsyncClient(reconnection=False, http_session=session)
        confirmed: asyncio.Queue = asyncio.Queue()
        said: list[dict] = []
        client.on("session_confirm", confirmed.put)
        client.on("bot_uttered", said.append)
        sender = f"sockflood-{secrets.token_hex(6)}"
        await client.connect(base_url, socketio_path="/socket.io", transports=["polling"])
        try:
            await client.emit("session_request", {"session_id": sender})
            await asyncio.wait_for(confirmed.get(), 60)
            for n in range(messages):
                await client.emit("user_uttered", {"message": f"hello?? {n}", "session_id": sender})
                await asyncio.sleep(gap)
            await asyncio.sleep(settle)  # let the accepted ones be answered
            if not client.connected:
                raise ConnectionError("the server dropped the widget's connection during the flood")
        finally:
            await hang_up(client)
        return said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="Rasa's (or nginx's) base URL, e.g. http://127.0.0.1:5005")
    parser.add_argument("--address", default="127.0.0.9", help="the local address to send from")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(flood(args.url, args.address, args.connections, args.seconds))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
