"""The conversation lock (stores/lock_store.py) on the loopback Redis.

What a customer would notice if it were wrong: two replicas answering the
same message twice or out of order, a conversation stuck behind a replica
that crashed holding its lock, or every turn slower by the lock's round trips.
"""
from __future__ import annotations

import asyncio
import secrets
import threading
import time

import pytest
import redis
from rasa.core.lock_store import RedisLockStore

from stores.lock_store import TAKE, CalmdeskLockStore
from tests.prod.conftest import require_services

pytestmark = pytest.mark.prod


@pytest.fixture
def prefix():
    require_services()
    name = "calmdesktest" + secrets.token_hex(4)
    yield name
    client = redis.StrictRedis(host="127.0.0.1", port=6379, db=1)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)


def store(prefix: str) -> CalmdeskLockStore:
    return CalmdeskLockStore(host="127.0.0.1", port=6379, db=1, key_prefix=prefix)


def test_a_turn_takes_and_gives_back_the_lock_in_two_round_trips(prefix):
    locks = store(prefix)
    commands: list[str] = []
    original = locks.red.execute_command

    def counted(*args, **kwargs):
        commands.append(args[0])
        return original(*args, **kwargs)

    locks.red.execute_command = counted

    async def turn() -> None:
        async with locks.lock("conv-1"):
            pass

    asyncio.run(turn())
    commands.clear()  # the first run also loads the scripts into Redis
    asyncio.run(turn())
    assert commands == ["EVALSHA", "EVALSHA"]  # Rasa's RedisLockStore: GET SET GET  GET SET GET DEL
    assert locks.get_lock("conv-1") is None  # nobody waits: the lock is gone


def test_while_held_rasa_reads_the_same_lock_and_a_second_message_waits_its_turn(prefix):
    locks, order = store(prefix), []

    async def message(name: str, hold: float) -> None:
        async with locks.lock("conv-2", wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            held = RedisLockStore(host="127.0.0.1", port=6379, db=1, key_prefix=prefix).get_lock("conv-2")
            order.append(f"{name} served={held.now_serving}")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async def both() -> None:
        first = asyncio.create_task(message("first", 0.3))
        await asyncio.sleep(0.05)
        await asyncio.gather(first, message("second", 0))

    asyncio.run(both())
    assert order == ["first in", "first served=0", "first out", "second in", "second served=1", "second out"]


def test_replicas_taking_tickets_at_the_same_moment_all_get_different_numbers(prefix):
    """Rasa's GET-then-SET lets two replicas read the same lock and both be served; one script cannot."""
    client = redis.StrictRedis(host="127.0.0.1", port=6379, db=1)
    key = f"{prefix}:lock:conv-3"
    start, numbers = threading.Barrier(12), []

    def replica() -> None:
        take = redis.StrictRedis(host="127.0.0.1", port=6379, db=1).register_script(TAKE)
        start.wait()
        numbers.append(take(keys=[key], args=[time.time(), 60, "conv-3"])[0])

    threads = [threading.Thread(target=replica) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(numbers) == list(range(12))
    assert len(RedisLockStore(host="127.0.0.1", port=6379, db=1, key_prefix=prefix).get_lock("conv-3").tickets) == 12
    client.delete(key)


def test_a_lock_left_by_a_crashed_replica_expires_and_does_not_block_the_conversation(prefix):
    locks = store(prefix)
    crashed = locks.create_lock("conv-4")
    crashed.issue_ticket(lifetime=-1)  # expired a moment ago
    locks.save_lock(crashed)

    async def turn() -> float:
        started = time.monotonic()
        async with locks.lock("conv-4", wait_time_in_seconds=1):
            return time.monotonic() - started

    assert asyncio.run(turn()) < 0.5  # served at once, not after a wait
    assert locks.get_lock("conv-4") is None


def test_rasa_builds_it_from_the_production_endpoints(prefix):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(url="127.0.0.1", type="stores.lock_store.CalmdeskLockStore", port=6379, db=1,
                            key_prefix=prefix)
    made = LockStore.create(config)
    assert isinstance(made, CalmdeskLockStore)
    assert made.key_prefix == f"{prefix}:lock:"
