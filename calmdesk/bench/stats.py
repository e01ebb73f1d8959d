"""Figures from raw per-turn timings: percentiles, throughput, ratios, targets.

Pure functions over plain data, so the arithmetic behind every number the
benchmark prints is unit-tested (tests/test_bench.py) apart from the servers.
Percentiles interpolate linearly between the two nearest samples (numpy's
default), so p99 of a few hundred samples is not simply the maximum.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Turn:
    """One customer message and what came of it."""

    conversation: int  # which simulated conversation (0-based)
    index: int  # position in its conversation, 1-based (turn 1 is the first message)
    seconds: float  # from sending the request to having the whole reply
    error: str | None = None  # "http 500", "timeout", "empty reply", ...


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation; NaN for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(turns: Iterable[Turn], wall_seconds: float) -> dict:
    """Latency percentiles (ms) of the successful turns, throughput and error counts."""
    turns = list(turns)
    ok = [t.seconds * 1000 for t in turns if t.error is None]
    errors: dict[str, int] = {}
    for turn in turns:
        if turn.error is not None:
            errors[turn.error] = errors.get(turn.error, 0) + 1
    return {
        "turns": len(turns),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "p50_ms": _round(percentile(ok, 50)),
        "p95_ms": _round(percentile(ok, 95)),
        "p99_ms": _round(percentile(ok, 99)),
        "mean_ms": _round(sum(ok) / len(ok)) if ok else None,
        "max_ms": _round(max(ok)) if ok else None,
        "wall_s": round(wall_seconds, 2),
        # Completed turns per second of wall time, errors excluded: a server that
        # fails fast must not look fast.
        "throughput_tps": round(len(ok) / wall_seconds, 2) if wall_seconds > 0 else None,
    }


def window(turns: Iterable[Turn], around: int, half_width: int) -> list[Turn]:
    """The turns whose index is within ``half_width`` of ``around`` (turn 5 ± 2: turns 3..7)."""
    return [t for t in turns if abs(t.index - around) <= half_width]


def ratio(ours: float | None, theirs: float | None) -> float | None:
    """ours / theirs, rounded; None when either side is missing or theirs is zero."""
    if ours is None or theirs is None or theirs == 0 or math.isnan(ours) or math.isnan(theirs):
        return None
    return round(ours / theirs, 3)


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
                key: ratio(summary.get(key), base.get(key)) for key in ("p50_ms", "p95_ms", "p99_ms",
                                                                         "throughput_tps", "cpu_ms_per_turn")}
    return out


@dataclass(frozen=True)
class Target:
    key: str  # the results/bench.json key
    label: str
    limit: float
    at_most: bool  # True: value <= limit is met; False: value >= limit is met
    unit: str = ""

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.limit if self.at_most else value >= self.limit

    def describe(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.limit:g}{self.unit}"


# The targets (issue 11), on this 2-core machine.
TARGETS = (
    Target("p50_ratio_c1", "p50 per turn, ours / starter, concurrency 1", 1.5, at_most=True, unit="×"),
    Target("throughput_ratio_c20", "throughput, ours / starter, concurrency 20", 0.8, at_most=False, unit="×"),
    Target("errors", "errors (ours, all phases)", 0, at_most=True),
    Target("p95_turn60_over_turn5", "p95 at turn 60 / turn 5 (one conversation)", 1.2, at_most=True, unit="×"),
    Target("production_over_embedded_c20", "throughput, production / embedded, c20", 0.9, at_most=False,
           unit="×"),
    Target("actions_per_turn", "action-server calls per customer turn", 1, at_most=True),
    Target("burst_p95_ms", "outage burst: p95 per turn", 3000, at_most=True, unit=" ms"),
    Target("burst_errors", "outage burst: errors", 0, at_most=True),
    Target("burst_tickets_lost", "outage burst: tickets lost or duplicated", 0, at_most=True),
    Target("burst_tickets_unlinked", "outage burst: tickets not linked to the incident", 0, at_most=True),
    Target("train_seconds", "rasa train from scratch", 180, at_most=True, unit=" s"),
    Target("rasa_rss_mb", "Rasa server RSS, peak", 1536, at_most=True, unit=" MB"),
)


def headline(ours: dict, starter: dict, long_ratio: float | None, errors: int,
             train_seconds: float | None, rasa_rss_mb: float | None, production: dict | None = None,
             actions_per_turn: float | None = None, burst: dict | None = None) -> dict:
    """The required top-level keys of results/bench.json.

    ``ours``, ``starter`` and ``production`` map "c1", "c20", ... to
    ``summarize`` results; ``burst`` is the outage burst's section.
    """
    burst = burst or {}
    tickets = burst.get("tickets") or {}
    burst_p95 = (burst.get("turns") or {}).get("p95_ms")
    starter_p95 = ((burst.get("starter") or {}).get("turns") or {}).get("p95_ms")
    return {
        "p50_ratio_c1": ratio(ours.get("c1", {}).get("p50_ms"), starter.get("c1", {}).get("p50_ms")),
        "throughput_ratio_c20": ratio(ours.get("c20", {}).get("throughput_tps"),
                                      starter.get("c20", {}).get("throughput_tps")),
        "errors": errors,
        "p95_turn60_over_turn5": long_ratio,
        "production_over_embedded_c20": ratio((production or {}).get("c20", {}).get("throughput_tps"),
                                              ours.get("c20", {}).get("throughput_tps")),
        "actions_per_turn": actions_per_turn,
        "burst_p95_ms": burst_p95,
        # Stock Rasa (the starter bot) under the same arrivals, same run: not a target, the yardstick for one.
        "burst_starter_p95_ms": starter_p95,
        "burst_p95_over_starter": ratio(burst_p95, starter_p95),
        "burst_errors": (burst.get("turns") or {}).get("errors"),
        "burst_tickets_lost": tickets["lost"] + tickets["duplicated"] if tickets else None,
        "burst_tickets_unlinked": tickets["found"] - tickets["linked_to_incident"] if tickets else None,
        "train_seconds": None if train_seconds is None else round(train_seconds, 1),
        "rasa_rss_mb": None if rasa_rss_mb is None else round(rasa_rss_mb, 1),
    }


def judge(figures: dict) -> list[dict]:
    """Each target with its measured value and whether it is met (None: not measured)."""
    return [
        {"key": t.key, "label": t.label, "value": figures.get(t.key), "target": t.describe(),
         "met": t.met(figures.get(t.key))}
        for t in TARGETS
    ]


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 1)
