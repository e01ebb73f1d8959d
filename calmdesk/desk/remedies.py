"""The remedy policy: which remedies the assistant may offer, and how to word them.

Support leads own the policy as YAML (``policy/remedies.yml``); this module
loads it, checks it thoroughly (unknown categories, kinds, variants or keys,
amounts over the limits, a default that is not on offer, wrong types) and
answers one question for the bot: "what may I offer for this complaint?".
A broken policy is a clear start-up error naming the file and the exact key
(``categories.delivery_problem.recurrent.offer``), never a surprise
mid-conversation.

The answer depends on the situation as well as the category. A category may
add variants that replace its ``offer``, ``default``, ``labels``,
``timelines`` and ``amounts``:

* ``online``: the fault is in our app or website, with no item or order
  (``calmdesk.conversation.online``): no replacement for an app crash;
* ``discount_code``: a discount or promo code that did not come off
  (``calmdesk.understanding.category_cues.code_not_taken``): the code honoured;
* ``recurrent``: the same problem again within 90 days;
* ``angry``: the customer is angry or abusive;
* ``recurrent_angry``: both.

Lookup tries online and discount_code (when they apply, they win: what fits
an app fault or a code does not change with the mood), then recurrent_angry, then recurrent, then angry,
then the category's own entry; a missing variant falls back to the next one
that applies. Every variant starts from the category's own entry (never from
another variant): what it leaves out is inherited from there.

Which offered remedy a typed answer picks: ``calmdesk.desk.remedy_matching``.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calmdesk.policy_files import (PolicyError, fail, is_number, known_keys, mapping, positive,  # noqa: F401
                                   read_policy_yaml)  # (PolicyError, read_policy_yaml: importable from here, as before)
from calmdesk.taxonomy import CATEGORIES, REMEDY_KINDS, anger_rank

DEFAULT_POLICY_PATH = Path(__file__).resolve().parents[2] / "policy" / "remedies.yml"
_UNITS = ("percent", "currency")

# The situations a category may have its own offer for, in lookup order.
VARIANTS: tuple[str, ...] = ("online", "discount_code", "recurrent_angry", "recurrent", "angry")
# From this anger level on, the "angry" variants apply.
ANGRY_FROM = "angry"

_TOP_KEYS = ("currency", "limits", "remedies", "categories")
_LIMIT_KEYS = ("max_discount_percent", "max_credit", "max_refund")
_REMEDY_KEYS = ("label", "timeline", "timeline_no_email", "amount", "unit")
# A timeline that promises an email needs a "timeline_no_email" for a customer who gave none.
PROMISES_EMAIL = re.compile(r"\b(?:e-?mail\w*|inbox)\b", re.I)
_ENTRY_KEYS = ("offer", "default", "labels", "timelines", "amounts")


@dataclass(frozen=True)
class Remedy:
    """One remedy the bot may offer: what it is, how it is worded, what happens next."""

    kind: str
    label: str
    timeline: str
    amount: float | None = None
    unit: str | None = None
    timeline_no_email: str | None = None  # what happens next for a customer we cannot email (None: the same)

    def timeline_for(self, emailed: bool) -> str:
        """The timeline to tell a customer: no "tracking by email" to one who gave no address."""
        return self.timeline if emailed or not self.timeline_no_email else self.timeline_no_email


def variant_order(recurrent: bool = False, anger: str | None = "calm", online: bool = False,
                  code: bool = False) -> tuple[str, ...]:
    """The variants that apply to a situation, the one to try first first.

    Anger counts from "angry" up (angry, abusive); unknown levels or None
    count as calm, as everywhere in calmdesk.
    """
    angry = anger_rank(anger or "calm") >= anger_rank(ANGRY_FROM)
    first = ("online",) * online + ("discount_code",) * code
    if recurrent and angry:
        return (*first, "recurrent_angry", "recurrent", "angry")
    if recurrent:
        return (*first, "recurrent")
    if angry:
        return (*first, "angry")
    return first


@dataclass(frozen=True)
class RemedyPolicy:
    currency: str
    offers: dict[str, tuple[Remedy, ...]]  # category -> remedies, default first
    # category -> variant name -> remedies, default first (only the variants the file gives)
    variants: dict[str, dict[str, tuple[Remedy, ...]]] = field(default_factory=dict)

    def _category(self, category: str) -> str:
        return category if category in self.offers else "other"

    def variant_for(self, category: str, *, recurrent: bool = False, anger: str | None = "calm",
                    online: bool = False, code: bool = False) -> str | None:
        """Which variant answers for this situation (None: the category's own entry)."""
        own = self.variants.get(self._category(category), {})
        return next((name for name in variant_order(recurrent, anger, online, code) if name in own), None)

    def offers_for(self, category: str, *, recurrent: bool = False, anger: str | None = "calm", online: bool = False,
                   code: bool = False) -> tuple[Remedy, ...]:
        """The remedies to offer for a category in this situation, the default first.

        A category the policy does not mention gets the offers of "other".
        """
        category = self._category(category)
        name = self.variant_for(category, recurrent=recurrent, anger=anger, online=online, code=code)
        return self.variants[category][name] if name else self.offers[category]

    def remedy(self, category: str, kind: str, *, recurrent: bool = False, anger: str | None = "calm",
               online: bool = False, code: bool = False) -> Remedy | None:
        """The remedy of this kind on offer for the category in this situation, if any."""
        offers = self.offers_for(category, recurrent=recurrent, anger=anger, online=online, code=code)
        return next((r for r in offers if r.kind == kind), None)


# --- checking the file -------------------------------------------------------


def _cap_key(kind: str, unit: str) -> str:
    if unit == "percent":
        return "max_discount_percent"
    return "max_refund" if kind == "refund" else "max_credit"


def _within_limits(kind: str, unit: str, amount: float, limits: dict, path: Path, where: str) -> None:
    cap_key = _cap_key(kind, unit)
    cap = limits.get(cap_key)
    if cap is not None and amount > cap:
        raise fail(path, where, f"{amount:g} is over limits.{cap_key} ({cap:g})")


def _limits(raw: Any, path: Path) -> dict[str, float]:
    limits = mapping(raw, path, "limits")
    known_keys(limits, _LIMIT_KEYS, path, "limits", "limit")
    for key, cap in limits.items():
        if cap is not None and not is_number(cap):
            raise fail(path, f"limits.{key}", f"must be a number, got {cap!r}")
        if cap is not None and cap < 0:
            raise fail(path, f"limits.{key}", f"must not be negative, got {cap!r}")
    return {key: float(cap) for key, cap in limits.items() if cap is not None}


@dataclass(frozen=True)
class _Spec:
    """A remedy kind as defined under ``remedies``: default wording and amount."""

    label: Any
    timeline: Any
    amount: float | None
    unit: str | None
    timeline_no_email: Any = None


def _spec(kind: str, raw: Any, path: Path, limits: dict) -> _Spec:
    where = f"remedies.{kind}"
    spec = mapping(raw, path, where)
    known_keys(spec, _REMEDY_KEYS, path, where)
    amount, unit = spec.get("amount"), spec.get("unit")
    if amount is None:
        if unit is not None:
            raise fail(path, where, "'unit' given without 'amount'")
    else:
        amount = positive(amount, path, f"{where}.amount")
        if unit not in _UNITS:
            raise fail(path, f"{where}.unit", f"must be one of {', '.join(_UNITS)}, got {unit!r}")
        if kind == "refund" and unit != "currency":
            raise fail(path, f"{where}.unit", f"a refund amount must be in currency (capped by limits.max_refund), got {unit!r}")
        _within_limits(kind, unit, amount, limits, path, f"{where}.amount")
    return _Spec(spec.get("label"), spec.get("timeline"), amount, unit, spec.get("timeline_no_email"))


def _word(template: Any, path: Path, where: str, amount: float | None, currency: str) -> str:
    if not isinstance(template, str) or not template.strip():
        raise fail(path, where, "must be a non-empty text")
    try:
        return template.format(amount=f"{amount:g}" if amount is not None else "", currency=currency)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        raise fail(path, where, f"only {{amount}} and {{currency}} may be used ({exc})") from None


@dataclass(frozen=True)
class _Layer:
    """One entry (a category's own or a variant) with everything inherited filled in.

    Wording and amounts remember the key they came from, so an error names it.
    """

    kinds: tuple[str, ...]
    default: str
    labels: dict[str, tuple[Any, str]]
    timelines: dict[str, tuple[Any, str]]
    amounts: dict[str, tuple[float, str]]


def _offer(value: Any, specs: dict[str, _Spec], path: Path, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise fail(path, where, f"must be a non-empty list of remedy kinds, got {value!r}")
    for kind in value:
        if not isinstance(kind, str):
            raise fail(path, where, f"every entry must be a remedy kind, got {kind!r}")
        if kind not in specs:
            raise fail(path, where, f"{kind!r} is not defined under remedies")
    repeated = next((kind for i, kind in enumerate(value) if kind in value[:i]), None)
    if repeated is not None:
        raise fail(path, where, f"{repeated!r} is listed twice")
    return tuple(value)


def _layer(
    entry: dict,
    where: str,
    parent: _Layer | None,
    specs: dict[str, _Spec],
    limits: dict,
    path: Path,
) -> _Layer:
    """Check one entry and merge it over its parent (None: a category's own entry)."""
    if parent is None or "offer" in entry:
        kinds = _offer(entry.get("offer"), specs, path, f"{where}.offer")
        default = entry.get("default", kinds[0])
    else:
        kinds = parent.kinds
        default = entry.get("default", parent.default)
    if default not in kinds:
        raise fail(path, f"{where}.default", f"{default!r} is not in the offer list {list(kinds)}")

    labels = mapping(entry.get("labels"), path, f"{where}.labels")
    timelines = mapping(entry.get("timelines"), path, f"{where}.timelines")
    for extra in list(labels) + list(timelines):
        if extra not in kinds:
            raise fail(path, where, f"wording given for {extra!r}, which is not offered here")

    amounts = mapping(entry.get("amounts"), path, f"{where}.amounts")
    checked: dict[str, tuple[float, str]] = {}
    for kind, value in amounts.items():
        at = f"{where}.amounts.{kind}"
        if kind not in REMEDY_KINDS:
            raise fail(path, at, f"unknown remedy kind (allowed: {', '.join(REMEDY_KINDS)})")
        if kind not in kinds:
            raise fail(path, at, f"amount given for {kind!r}, which is not offered here")
        spec = specs[kind]
        if spec.amount is None:
            raise fail(path, at, f"{kind!r} has no amount to change (remedies.{kind} gives no amount and unit)")
        amount = positive(value, path, at)
        _within_limits(kind, spec.unit, amount, limits, path, at)
        checked[kind] = (amount, at)

    inherited = parent or _Layer((), "", {}, {}, {})
    return _Layer(
        kinds=kinds,
        default=default,
        labels={**inherited.labels, **{k: (v, f"{where}.labels.{k}") for k, v in labels.items()}},
        timelines={**inherited.timelines, **{k: (v, f"{where}.timelines.{k}") for k, v in timelines.items()}},
        amounts={**inherited.amounts, **checked},
    )


def _remedies(layer: _Layer, specs: dict[str, _Spec], currency: str, path: Path) -> tuple[Remedy, ...]:
    built = []
    for kind in (layer.default, *(k for k in layer.kinds if k != layer.default)):
        spec = specs[kind]
        amount = layer.amounts[kind][0] if kind in layer.amounts else spec.amount
        # Name the key the wording actually came from: an override or the remedy's own.
        label, label_at = layer.labels.get(kind, (spec.label, f"remedies.{kind}.label"))
        timeline, timeline_at = layer.timelines.get(kind, (spec.timeline, f"remedies.{kind}.timeline"))
        if PROMISES_EMAIL.search(str(timeline)) and kind in layer.timelines:
            raise fail(path, timeline_at, "a category's timeline may not promise an email (a customer may give "
                                           f"none); put it in remedies.{kind}.timeline with a timeline_no_email")
        no_email = spec.timeline_no_email if kind not in layer.timelines else None
        built.append(Remedy(
            kind,
            _word(label, path, label_at, amount, currency),
            _word(timeline, path, timeline_at, amount, currency),
            amount,
            spec.unit,
            _word(no_email, path, f"remedies.{kind}.timeline_no_email", amount, currency) if no_email else None,
        ))
    return tuple(built)


def parse_policy(raw: Any, path: Path) -> RemedyPolicy:
    """Build a RemedyPolicy from parsed YAML, raising PolicyError on any problem."""
    raw = mapping(raw, path, "top level")
    known_keys(raw, _TOP_KEYS, path, "")
    currency = raw.get("currency", "€")
    if not isinstance(currency, str) or not currency.strip():
        raise fail(path, "currency", f"must be a non-empty text such as '€', got {currency!r}")
    limits = _limits(raw.get("limits"), path)
    remedies = mapping(raw.get("remedies"), path, "remedies")
    categories = mapping(raw.get("categories"), path, "categories")

    for kind in remedies:
        if kind not in REMEDY_KINDS:
            raise fail(path, f"remedies.{kind}", f"unknown remedy kind (allowed: {', '.join(REMEDY_KINDS)})")
    for category in categories:
        if category not in CATEGORIES:
            raise fail(path, f"categories.{category}", f"unknown category (allowed: {', '.join(CATEGORIES)})")
    if "other" not in categories:
        raise fail(path, "categories", "'other' is required: it is the fallback for every category")

    specs = {kind: _spec(kind, spec, path, limits) for kind, spec in remedies.items()}
    for kind, spec in specs.items():  # every remedy's own wording must work, offered anywhere or not
        _word(spec.label, path, f"remedies.{kind}.label", spec.amount, currency)
        _word(spec.timeline, path, f"remedies.{kind}.timeline", spec.amount, currency)
        if PROMISES_EMAIL.search(str(spec.timeline)) and not spec.timeline_no_email:
            raise fail(path, f"remedies.{kind}.timeline_no_email", "the timeline promises an email; say what happens "
                                                                     "for a customer who gave no address")
        if spec.timeline_no_email is not None:
            _word(spec.timeline_no_email, path, f"remedies.{kind}.timeline_no_email", spec.amount, currency)
            if PROMISES_EMAIL.search(str(spec.timeline_no_email)):
                raise fail(path, f"remedies.{kind}.timeline_no_email", "must not promise an email")

    offers: dict[str, tuple[Remedy, ...]] = {}
    variants: dict[str, dict[str, tuple[Remedy, ...]]] = {}
    for category, entry in categories.items():
        where = f"categories.{category}"
        entry = mapping(entry, path, where)
        known_keys(entry, _ENTRY_KEYS + VARIANTS, path, where, "key or variant")
        base = _layer(entry, where, None, specs, limits, path)
        offers[category] = _remedies(base, specs, currency, path)
        for name in VARIANTS:
            if name not in entry:
                continue
            at = f"{where}.{name}"
            variant = mapping(entry[name], path, at)
            nested = next((key for key in variant if key in VARIANTS), None)
            if nested is not None:
                raise fail(path, f"{at}.{nested}", f"variants cannot be nested: put it directly under {where}")
            known_keys(variant, _ENTRY_KEYS, path, at)
            if not variant:
                raise fail(path, at, f"is empty: give at least one of {', '.join(_ENTRY_KEYS)}, or remove it")
            layer = _layer(variant, at, base, specs, limits, path)
            variants.setdefault(category, {})[name] = _remedies(layer, specs, currency, path)
    return RemedyPolicy(currency=currency, offers=offers, variants=variants)


def load_policy(path: str | Path | None = None) -> RemedyPolicy:
    """Read and check the policy file (default: policy/remedies.yml)."""
    path = Path(path) if path else DEFAULT_POLICY_PATH
    return parse_policy(read_policy_yaml(path, "remedy policy"), path)


if __name__ == "__main__":  # python -m calmdesk.desk.remedies [path]: check a policy file
    try:
        policy = load_policy(sys.argv[1] if len(sys.argv) > 1 else None)
    except PolicyError as error:
        print(f"remedy policy: {error}", file=sys.stderr)
        sys.exit(1)
    count = sum(len(v) for v in policy.variants.values())
    print(f"remedy policy OK: {len(policy.offers)} categories, {count} variants")
