"""Printing the benchmark's report: the table, the ratios, the burst and the targets.

Why a module of its own: scripts/bench.py runs the phases and writes
results/bench.json; turning that report into the console table is a separate
job, and ``say`` is the one way every part of the benchmark talks to the
console (flushed at once, so a long run shows where it is).
"""
from __future__ import annotations


def say(text: str) -> None:
    print(text, flush=True)


def print_report(report: dict) -> None:
    load = report["load"]
    say("\n== per-turn latency (ms) and throughput, 8-turn conversations")
    say(f"{'bot':<16} {'conc':>4} {'turns':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'turns/s':>8} {'errors':>6} "
        f"{'CPU ms/turn':>11}")
    for name, levels in load.items():
        for level, s in levels.items():
            say(f"{name:<16} {level:>4} {s['turns']:>6} {fmt(s['p50_ms']):>8} {fmt(s['p95_ms']):>8} "
                f"{fmt(s['p99_ms']):>8} {fmt(s['throughput_tps']):>8} {s['errors']:>6} "
                f"{fmt(s.get('cpu_ms_per_turn')):>11}")
    say("\n== ratios (same run)")
    for pair, levels in report["ratios"].items():
        for level, r in levels.items():
            say(f"{pair:<26} {level:>4}  p50 {fmt(r['p50_ms'])}×  p95 {fmt(r['p95_ms'])}×  "
                f"p99 {fmt(r['p99_ms'])}×  throughput {fmt(r['throughput_tps'])}×  CPU per turn "
                f"{fmt(r['cpu_ms_per_turn'])}×")
    lc = report["long_conversation"]
    say(f"\n== one long conversation ({lc['conversations']} × {lc['turns_each']} turns, concurrency 1)")
    say(f"turns 3-7:   p50 {fmt(lc['turn5']['p50_ms'])} ms  p95 {fmt(lc['turn5']['p95_ms'])} ms")
    say(f"turns 58-62: p50 {fmt(lc['turn60']['p50_ms'])} ms  p95 {fmt(lc['turn60']['p95_ms'])} ms")
    say("p50 by ten turns: " + "  ".join(f"{k}: {fmt(v)}" for k, v in lc["p50_ms_by_ten_turns"].items()))
    say(f"\n== training from scratch: ours {fmt(report['training'].get('ours_seconds'))} s, "
        f"starter {fmt(report['training'].get('starter_seconds'))} s")
    say("== peak memory (RSS, MB): " + ", ".join(f"{k} {v:.0f}" for k, v in report["memory_peak_mb"].items()))
    say(f"== production profile: {report['production']}")
    say("== reading one message (median ms, in a process of its own): " + "; ".join(
        f"{r['blas_threads']} BLAS thread(s): encoder {fmt(r.get('encode_ms'))}, whole parse of a new text "
        f"{fmt(r.get('parse_ms_new_text'))}, of a text seen before {fmt(r.get('parse_ms_seen_text'))}"
        for r in report["nlu_per_message"]))
    calls = report["actions_per_turn"]
    say(f"== action-server calls per customer turn: {fmt(calls['per_turn'])} "
        f"({calls['custom_action_calls']} calls for {calls['user_messages']} messages)")
    outage = report["burst"]
    if "turns" in outage:
        t = outage["turns"]
        say(f"\n== outage burst: {outage['customers']} customers within {outage['window_s']:.0f} s, "
            f"{outage['turns_each']} turns each, incident {outage['incident']} declared")
        say(f"p50 {fmt(t['p50_ms'])} ms  p95 {fmt(t['p95_ms'])} ms  p99 {fmt(t['p99_ms'])} ms  "
            f"errors {t['errors']}  {t['error_kinds'] or ''}")
        say("tickets: " + ", ".join(f"{k} {v}" for k, v in outage["tickets"].items()))
        say(f"  (at the burst's end: found {outage['tickets_at_burst_end']['found']}; kept by the holding service "
            f"while no action server answered: {outage['holding_service']['held']}, filed since: "
            f"{outage['holding_service']['filed_since']})")
        say("peak memory (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in outage["memory_peak_mb"].items()))
        c = outage["cpu"]
        say(f"CPU per turn: stack {fmt(c['stack_ms_per_turn'])} ms, whole machine {fmt(c['machine_ms_per_turn'])} ms; "
            f"{fmt(c['arriving_turns_per_s'])} turns/s arrive, {c['cores']} cores serve "
            f"{fmt(c['capacity_turns_per_s_at_stack_cost'])} turns/s at the stack's cost")
        theirs = outage.get("starter")
        if theirs:
            s = theirs["turns"]
            say(f"starter bot, the same arrivals ({theirs['turns_each']} of its own messages each): "
                f"p50 {fmt(s['p50_ms'])} ms  p95 {fmt(s['p95_ms'])} ms  p99 {fmt(s['p99_ms'])} ms  "
                f"errors {s['errors']}  CPU {fmt(theirs['cpu_ms_per_turn'])} ms/turn")
            say(f"burst p95, ours / starter: {fmt(report.get('burst_p95_over_starter'))}×")
    else:
        say(f"\n== outage burst: {outage.get('skipped')}")
    if report.get("profile"):
        for server, data in report["profile"].items():
            say(f"\n== where {server} spends its CPU during concurrency 20 ({data['samples']} samples)")
            for part in data["parts"]:
                say(f"  {part['share'] * 100:5.1f}%  {part['part']}")
            for leaf in data["top_functions"][:5]:
                say(f"         top: {leaf['share'] * 100:4.1f}%  {leaf['function'][:100]}")
    say("\n== targets")
    for t in report["targets"]:
        mark = {True: "✔", False: "✘", None: "–"}[t["met"]]
        say(f"{mark} {t['label']:<48} {fmt(t['value']):>8}  (target {t['target']})")


def fmt(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}" if isinstance(value, float) and abs(value) < 10 else f"{value:.0f}" \
        if isinstance(value, float) else str(value)
