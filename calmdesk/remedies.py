"""The remedy policy: which remedies the assistant may offer, and how to word them.

Support leads own the policy as YAML (``policy/remedies.yml``); this module
loads it, checks it thoroughly (unknown categories or kinds, amounts over the
limits, a default that is not on offer) and answers one question for the bot:
"what may I offer for this complaint?". A broken policy is a clear start-up
error naming the file and the key, never a surprise mid-conversation.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from calmdesk.taxonomy import CATEGORIES, REMEDY_KINDS

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent.parent / "policy" / "remedies.yml"
_UNITS = ("percent", "currency")


class PolicyError(ValueError):
    """The policy file is missing or invalid; the message says where and why."""


@dataclass(frozen=True)
class Remedy:
    """One remedy the bot may offer: what it is, how it is worded, what happens next."""

    kind: str
    label: str
    timeline: str
    amount: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class RemedyPolicy:
    currency: str
    offers: dict[str, tuple[Remedy, ...]]  # category -> remedies, default first

    def offers_for(self, category: str) -> tuple[Remedy, ...]:
        """The remedies to offer for a category, the default first."""
        return self.offers.get(category) or self.offers["other"]

    def remedy(self, category: str, kind: str) -> Remedy | None:
        """The remedy of this kind on offer for the category, if any."""
        return next((r for r in self.offers_for(category) if r.kind == kind), None)


def _fail(path: Path, where: str, problem: str) -> PolicyError:
    return PolicyError(f"{path}: {where}: {problem}")


def _mapping(value: Any, path: Path, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(path, where, f"expected a mapping, got {type(value).__name__}")
    return value


def _amount(spec: dict, path: Path, where: str, limits: dict) -> tuple[float | None, str | None]:
    amount, unit = spec.get("amount"), spec.get("unit")
    if amount is None:
        if unit is not None:
            raise _fail(path, where, "'unit' given without 'amount'")
        return None, None
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
        raise _fail(path, f"{where}.amount", f"must be a positive number, got {amount!r}")
    if unit not in _UNITS:
        raise _fail(path, f"{where}.unit", f"must be one of {', '.join(_UNITS)}, got {unit!r}")
    cap_key = "max_discount_percent" if unit == "percent" else "max_credit"
    cap = limits.get(cap_key)
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, (int, float))):
        raise _fail(path, f"limits.{cap_key}", f"must be a number, got {cap!r}")
    if cap is not None and amount > cap:
        raise _fail(path, f"{where}.amount", f"{amount:g} is over limits.{cap_key} ({cap:g})")
    return float(amount), unit


def _word(template: Any, path: Path, where: str, amount: float | None, currency: str) -> str:
    if not isinstance(template, str) or not template.strip():
        raise _fail(path, where, "must be a non-empty text")
    try:
        return template.format(amount=f"{amount:g}" if amount is not None else "", currency=currency)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        raise _fail(path, where, f"only {{amount}} and {{currency}} may be used ({exc})") from None


def parse_policy(raw: Any, path: Path) -> RemedyPolicy:
    """Build a RemedyPolicy from parsed YAML, raising PolicyError on any problem."""
    raw = _mapping(raw, path, "top level")
    currency = str(raw.get("currency", "€"))
    limits = _mapping(raw.get("limits"), path, "limits")
    remedies = _mapping(raw.get("remedies"), path, "remedies")
    categories = _mapping(raw.get("categories"), path, "categories")

    for kind in remedies:
        if kind not in REMEDY_KINDS:
            raise _fail(path, f"remedies.{kind}", f"unknown remedy kind (allowed: {', '.join(REMEDY_KINDS)})")
    for category in categories:
        if category not in CATEGORIES:
            raise _fail(path, f"categories.{category}", f"unknown category (allowed: {', '.join(CATEGORIES)})")
    if "other" not in categories:
        raise _fail(path, "categories", "'other' is required: it is the fallback for every category")

    offers: dict[str, tuple[Remedy, ...]] = {}
    for category, entry in categories.items():
        where = f"categories.{category}"
        entry = _mapping(entry, path, where)
        kinds = entry.get("offer")
        if not isinstance(kinds, list) or not kinds:
            raise _fail(path, f"{where}.offer", "must be a non-empty list of remedy kinds")
        default = entry.get("default", kinds[0])
        if default not in kinds:
            raise _fail(path, f"{where}.default", f"{default!r} is not in the offer list {kinds}")
        labels = _mapping(entry.get("labels"), path, f"{where}.labels")
        timelines = _mapping(entry.get("timelines"), path, f"{where}.timelines")
        for extra in set(labels) | set(timelines):
            if extra not in kinds:
                raise _fail(path, where, f"wording given for {extra!r}, which is not offered here")
        built = []
        for kind in [default] + [k for k in kinds if k != default]:
            if kind not in remedies:
                raise _fail(path, f"{where}.offer", f"{kind!r} is not defined under remedies")
            spec = _mapping(remedies[kind], path, f"remedies.{kind}")
            amount, unit = _amount(spec, path, f"remedies.{kind}", limits)
            # Name the key the wording actually came from: the category's override or the remedy's own.
            label_at = f"{where}.labels.{kind}" if kind in labels else f"remedies.{kind}.label"
            timeline_at = f"{where}.timelines.{kind}" if kind in timelines else f"remedies.{kind}.timeline"
            label = _word(labels.get(kind, spec.get("label")), path, label_at, amount, currency)
            timeline = _word(timelines.get(kind, spec.get("timeline")), path, timeline_at, amount, currency)
            built.append(Remedy(kind, label, timeline, amount, unit))
        offers[category] = tuple(built)
    return RemedyPolicy(currency=currency, offers=offers)


def load_policy(path: str | Path | None = None) -> RemedyPolicy:
    """Read and check the policy file (default: policy/remedies.yml)."""
    path = Path(path) if path else DEFAULT_POLICY_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the remedy policy ({exc.strerror})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: not valid YAML: {exc}") from None
    return parse_policy(raw, path)


# How customers name a remedy when they type rather than press a button.
_NAMES: dict[str, re.Pattern[str]] = {
    kind: re.compile(pattern, re.I)
    for kind, pattern in {
        "refund": r"refund|money back|reimburs\w*|pay me back",
        "replacement": r"replace\w*|new one|another one|exchange|swap",
        "discount": r"discount|% off|percent off|money off|off (?:my|the) next \w+|price reduction",
        "store_credit": r"store credit|credit|voucher|gift ?card",
        "expedited_reship": r"express|re-?deliver\w*|resend|re-?ship|send it again|faster",
        "goodwill": r"goodwill\w*(?: credit| gesture| payment)?|compensation|gesture",
    }.items()
}
_ORDINALS = (
    re.compile(r"\b(?:first|1st|top)\b|^\s*1\s*$", re.I),
    re.compile(r"\b(?:second|2nd|middle)\b|^\s*2\s*$", re.I),
    re.compile(r"\b(?:third|3rd)\b|^\s*3\s*$", re.I),
)
_LAST = re.compile(r"\b(?:last|final)\b", re.I)


def match_remedy(text: str | None, offered: Sequence[str]) -> str | None:
    """Which of the offered remedy kinds a typed answer picks, if it is clear.

    "the credit please" picks store credit; "goodwill credit" picks goodwill
    (the longest name wins); "the first one" picks the first offered.
    """
    if not text:
        return None
    best, best_length = None, 0
    for kind in offered:
        pattern = _NAMES.get(kind)
        match = pattern.search(text) if pattern else None
        if match and len(match.group(0)) > best_length:
            best, best_length = kind, len(match.group(0))
    if best:
        return best
    if _LAST.search(text) and offered:
        return offered[-1]
    for position, ordinal in enumerate(_ORDINALS[: len(offered)]):
        if ordinal.search(text):
            return offered[position]
    return None


if __name__ == "__main__":  # python -m calmdesk.remedies [path]: check a policy file
    try:
        policy = load_policy(sys.argv[1] if len(sys.argv) > 1 else None)
    except PolicyError as error:
        print(f"remedy policy: {error}", file=sys.stderr)
        sys.exit(1)
    print(f"remedy policy OK: {len(policy.offers)} categories")
