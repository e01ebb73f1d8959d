"""The flood limits' arithmetic: bursts, refill, separate clients, exemptions, bounded memory, settings."""
from __future__ import annotations

import pytest

from calmdesk.operations.flood import POLITE_TEXTS, Buckets, FloodLimits, Rate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limits(clock: Clock, sender=(3, 60), address=(5, 120), exempt=()) -> FloodLimits:
    return FloodLimits(Rate(*sender), Rate(*address), exempt=frozenset(exempt), clock=clock)


def test_a_burst_is_allowed_then_the_next_message_waits_for_the_refill():
    clock = Clock()
    flood = limits(clock)  # per sender: 3 at once, then one a second
    assert [flood.check("10.0.0.1", "ann").allowed for _ in range(3)] == [True, True, True]
    refused = flood.check("10.0.0.1", "ann")
    assert not refused.allowed and refused.by == "sender" and refused.retry_after == 1
    clock.now += 1.0
    assert flood.check("10.0.0.1", "ann").allowed
    assert not flood.check("10.0.0.1", "ann").allowed


def test_one_flooding_sender_does_not_use_up_another_customers_allowance():
    clock = Clock()
    flood = limits(clock, address=(100, 6000))
    for _ in range(10):
        flood.check("10.0.0.1", "flooder")
    assert flood.check("10.0.0.2", "bob").allowed
    assert flood.check("10.0.0.1", "carol").allowed  # same address, own conversation, address limit not reached


def test_rotating_sender_ids_is_caught_by_the_address_limit():
    clock = Clock()
    flood = limits(clock)  # per address: 5 at once, then two a second
    verdicts = [flood.check("10.0.0.9", f"sender-{n}") for n in range(6)]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False]
    assert verdicts[-1].by == "address"
    assert flood.check("10.0.0.8", "sender-x").allowed  # other addresses are untouched


def test_retry_after_says_how_long_in_whole_seconds_at_least_one():
    clock = Clock()
    flood = limits(clock, sender=(1, 6))  # one every ten seconds
    flood.check(None, "ann")
    assert flood.check(None, "ann").retry_after == 10
    clock.now += 7.5
    assert flood.check(None, "ann").retry_after == 3


def test_refused_attempts_do_not_push_the_wait_further_back():
    clock = Clock()
    flood = limits(clock, sender=(1, 60))
    flood.check(None, "ann")
    for _ in range(50):
        flood.check(None, "ann")
    clock.now += 1.0
    assert flood.check(None, "ann").allowed


def test_exempt_addresses_and_switched_off_limits_allow_everything():
    clock = Clock()
    flood = limits(clock, exempt=["127.0.0.1"])
    assert all(flood.check("127.0.0.1", "load-test").allowed for _ in range(100))
    off = FloodLimits.from_env({"CHAT_LIMITS": "off", "CHAT_SENDER_BURST": "1"})
    assert all(off.check("10.0.0.1", "x").allowed for _ in range(10))


def test_the_number_of_remembered_clients_is_bounded():
    buckets = Buckets(Rate(1, 60), Clock(), max_keys=100)
    for n in range(1000):
        buckets.take(f"id-{n}")
    assert len(buckets) == 100


def test_the_refusal_is_polite_and_machine_readable():
    clock = Clock()
    flood = limits(clock, sender=(1, 60))
    flood.check(None, "ann")
    body = flood.check(None, "ann").body()
    assert body["error"] == "too_many_messages" and body["retry_after"] == 1
    assert body["message"] in POLITE_TEXTS


def test_settings_come_from_the_environment_and_bad_ones_are_named():
    flood = FloodLimits.from_env({"CHAT_SENDER_BURST": "2", "CHAT_SENDER_PER_MINUTE": "6", "CHAT_IP_BURST": "9",
                                  "CHAT_IP_PER_MINUTE": "60", "CHAT_LIMIT_EXEMPT": " 10.1.1.1 , ::1 "})
    assert flood.senders.rate == Rate(2, 6) and flood.addresses.rate == Rate(9, 60)
    assert flood.exempt == {"10.1.1.1", "::1"}
    defaults = FloodLimits.from_env({})
    assert defaults.senders.rate == Rate(12, 30) and defaults.addresses.rate == Rate(30, 120) and defaults.enabled
    with pytest.raises(ValueError, match="CHAT_SENDER_PER_MINUTE"):
        FloodLimits.from_env({"CHAT_SENDER_PER_MINUTE": "lots"})
    with pytest.raises(ValueError, match="CHAT_LIMITS"):
        FloodLimits.from_env({"CHAT_LIMITS": "maybe"})
    with pytest.raises(ValueError, match="burst"):
        FloodLimits.from_env({"CHAT_IP_BURST": "0"})
