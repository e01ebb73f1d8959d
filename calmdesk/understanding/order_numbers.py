"""Order numbers in the shop's own formats, found inside whatever the customer typed.

Real shops number orders differently ("#1001", "A-20931", Amazon's
"112-4459123-7781234"), and customers type them inside sentences full of
other numbers: phone numbers, dates, prices, "40 minutes on hold". So the
formats come from a policy file (policy/order_numbers.yml) and everything
that is clearly something else is masked before a token is even considered.

A bare four-digit number is ambiguous ("1042" could be a year or a price), so
it counts only when it is clearly meant: "#1042", "order 1042", or as the
answer right after the bot asked for the order number (``asked=True``).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "policy" / "order_numbers.yml"


class OrderNumberPolicyError(ValueError):
    """The order-number policy file is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class OrderNumberPolicy:
    example: str
    where: str
    formats: tuple[re.Pattern[str], ...]
    min_length: int
    max_length: int
    min_digits: int
    required_for: frozenset[str]

    def accepts(self, token: str) -> bool:
        """Whether ``token`` (no '#') is one of the shop's order numbers by its shape alone."""
        digits = sum(c.isdigit() for c in token)
        return (self.min_length <= len(token) <= self.max_length and digits >= self.min_digits
                and any(f.fullmatch(token) for f in self.formats))


def parse_policy(raw: Any, path: Path) -> OrderNumberPolicy:
    from calmdesk.taxonomy import CATEGORIES

    def fail(key: str, problem: str) -> OrderNumberPolicyError:
        return OrderNumberPolicyError(f"{path}: {key}: {problem}")

    if not isinstance(raw, dict):
        raise fail("(top level)", "expected a mapping with example, where, formats, length, min_digits, required_for")
    unknown = set(raw) - {"example", "where", "formats", "length", "min_digits", "required_for"}
    if unknown:
        raise fail(sorted(unknown)[0], "unknown key")
    formats = raw.get("formats")
    if not isinstance(formats, list) or not formats:
        raise fail("formats", "give at least one regular expression")
    compiled = []
    for index, pattern in enumerate(formats):
        try:
            compiled.append(re.compile(str(pattern), re.I))
        except re.error as error:
            raise fail(f"formats[{index}]", f"not a valid regular expression: {error}") from None
    length = raw.get("length") or {}
    if not isinstance(length, dict) or not all(isinstance(length.get(k), int) for k in ("min", "max")):
        raise fail("length", "expected {min: N, max: N}")
    if not 1 <= length["min"] <= length["max"] <= 64:
        raise fail("length", "min and max must satisfy 1 <= min <= max <= 64 (the ticket column holds 64)")
    min_digits = raw.get("min_digits", 0)
    if not isinstance(min_digits, int) or min_digits < 0:
        raise fail("min_digits", "expected a whole number")
    required = raw.get("required_for") or []
    for category in required:
        if category not in CATEGORIES:
            raise fail("required_for", f"unknown category {category!r} (known: {', '.join(CATEGORIES)})")
    example = str(raw.get("example") or "").strip()
    policy = OrderNumberPolicy(example=example, where=str(raw.get("where") or "").strip(), formats=tuple(compiled),
                               min_length=length["min"], max_length=length["max"], min_digits=min_digits,
                               required_for=frozenset(required))
    if not example or not policy.accepts(example.lstrip("#")):
        raise fail("example", f"{example!r} is not accepted by the formats, so customers would be shown a wrong one")
    return policy


def load_policy(path: str | Path | None = None) -> OrderNumberPolicy:
    path = Path(path) if path else DEFAULT_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise OrderNumberPolicyError(f"{path}: cannot read the order-number policy ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise OrderNumberPolicyError(f"{path}: not valid YAML: {error}") from None
    return parse_policy(raw, path)


@lru_cache(maxsize=1)
def default_policy() -> OrderNumberPolicy:
    return load_policy()


# --- What is never an order number: masked (replaced by spaces) before looking.
_MASKS = [re.compile(p, re.I) for p in (
    r"\S+@\S+",                                            # email addresses (and anything @-shaped)
    r"(?:https?://|www\.)\S+",                             # links
    r"\b\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}\b|\b\d{13,19}\b",  # card numbers
    r"(?:post\s?code|postal code|zip(?:\s?code)?|plz)\W{0,3}[a-z0-9]+(?:\s[a-z0-9]{3})?",  # postcodes, named
    r"\b[a-z]{1,2}\d[a-z\d]?\s+\d[a-z]{2}\b",              # UK postcodes: SW1A 1AA, M1 1AE
    r"\+\d[\d ()-]{7,}\d",                                 # international phone numbers
    r"\(\d{2,5}\)\s?\d{3,4}[ -]?\d{3,4}",                  # (555) 123-4567
    r"\b0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}\b",               # 07700 900123, 020 7946 0018
    r"\b\d{3}[-. ]\d{3}[-. ]\d{4}\b",                     # 555-123-4567
    r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b",                # dates: 12/03/2024, 2024-03-12, 12.3.24
    r"\b\d{1,2}/\d{1,2}\b|\b(?:19|20)\d{2}/(?:0?[1-9]|1[0-2])\b",  # 14/03, 24/7, 50/50, 2024/03
    r"\b\d{1,2}:\d{2}(?::\d{2})?\b",                       # times
    r"[£$€¥]\s?\d[\d,.]*(?:\s?[km]\b)?",                   # prices with a symbol first
    r"\b\d[\d,.]*\s?(?:€|£|\$|eur(?:os?)?|usd|gbp|dollars?|pounds?|quid|bucks|cents?|pence|p)\b",
    r"\b\d+[.,]\d+\b",                                      # decimals and thousands: 49.99, 1,234,567
    r"\b\d+\s?(?:min(?:ute)?s?|h|hrs?|hours?|days?|weeks?|wks?|months?|years?|yrs?|times|x|items?|pcs|pieces?"
    r"|kg|g|lbs?|ml|l|cm|mm|km|miles?|gb|mb|tb|%|percent|calls|emails)\b",
)]
# "483 9201": a number typed in groups of three or more digits is one number.
_GROUPED = re.compile(r"(?<=\b\d{3})\s(?=\d{3,}\b)")
# A token: letters and digits joined by dashes, or by slashes ("ORD/2291/88": the shop's whole reference, never
# a fragment of it; where the slashes only list numbers, "5512/5513", each part is looked at on its own).
_TOKEN = re.compile(r"(#\s?)?(?<![\w/-])([a-z0-9]+(?:[-/][a-z0-9]+)*)(?![\w/-])", re.I)
_PART = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*", re.I)
# Words that announce an order number just before it: "order no. 1042", "ref: A-20931".
_CONTEXT = re.compile(r"(?:order|ord|purchase|ref(?:erence)?|booking|invoice|confirmation)\s*(?:number|num|no\.?|nr|#|id|code)?"
                      r"\s*(?:is|was|=|:|-)?\s*#?\s*$", re.I)


def find_order_numbers(text: str | None, *, asked: bool = False,
                       policy: OrderNumberPolicy | None = None) -> list[str]:
    """Every order number in ``text``, best first (announced ones first), upper-cased, without '#'."""
    if not text:
        return []
    policy = policy or default_policy()
    masked = text
    for mask in _MASKS:
        masked = mask.sub(lambda m: " " * len(m.group(0)), masked)
    masked = _GROUPED.sub("", masked)
    announced, plain = [], []
    for start, hashed, token in _tokens(masked, policy):
        if not policy.accepts(token) or _phone_like(token):
            continue
        in_context = hashed or bool(_CONTEXT.search(masked[max(0, start - 40):start]))
        if not (in_context or asked) and not _plausible_alone(token):
            continue
        (announced if in_context else plain).append(token.upper())
    found = []
    for token in announced + plain:
        if token not in found:
            found.append(token)
    if asked:
        # Asked for it, the whole answer is the number typed in groups ("its 4471 823", "44 10 29 3"): that number.
        spaced = _SPACED.match(masked)
        joined = spaced.group(1).replace(" ", "") if spaced else ""
        if joined and policy.accepts(joined) and not _phone_like(joined):
            return [joined]
    return found


def _tokens(masked: str, policy: OrderNumberPolicy) -> list[tuple[int, bool, str]]:
    """(where, after a '#', token) of every token; one with slashes the policy does not accept, part by part."""
    found = []
    for match in _TOKEN.finditer(masked):
        hashed, token = bool(match.group(1)), match.group(2)
        if "/" not in token or policy.accepts(token):
            found.append((match.start(), hashed, token))
            continue
        for part in _PART.finditer(token):
            found.append((match.start(2) + part.start(), hashed and part.start() == 0, part.group(0)))
    return found


def said_back(number: str) -> bool:
    """A reference with slashes ("ORD/2291/88") is typed in many ways: it is said back, so the customer sees it
    was kept whole (and can put it right)."""
    return "/" in number


# The whole answer is one number in space-separated groups, perhaps after "it's" / "order" / "#".
_SPACED = re.compile(r"^\W*(?:(?:it'?s|its|it is|order|number|no\.?|nr|is|the|my|#)\W*)*((?:\d+ ){1,4}\d+)\W*$", re.I)


def _phone_like(token: str) -> bool:
    """07700900123: a phone number typed without spaces is never an order number."""
    return token.isdigit() and token.startswith("0") and len(token) >= 10


def _plausible_alone(token: str) -> bool:
    """Whether a token with no "order"/"#" before it still reads as an order number."""
    if token.isdigit():
        if len(token) == 4:
            return False  # a year, a PIN, a model number: only when clearly meant
        return True
    if "/" in token:
        return token[0].isalpha()  # "ORD/2291/88"; a bare "2291/88" only when announced or asked for
    if "-" in token:
        return True  # "A-20931", "NG-2024-00412", "112-4459123-7781234"
    letters = re.match(r"[a-z]*", token, re.I).group(0)
    # "A4839201", "NW88213": a short prefix, then digits. "RTX4090" (a product) only when announced.
    return len(letters) in (1, 2) and token[len(letters):].isdigit()


def parse_order_number(text: str | None, *, asked: bool = False,
                       policy: OrderNumberPolicy | None = None) -> str | None:
    """The best order number in ``text``, or None."""
    found = find_order_numbers(text, asked=asked, policy=policy)
    return found[0] if found else None


if __name__ == "__main__":  # python -m calmdesk.understanding.order_numbers [path]: check a policy file
    try:
        checked = load_policy(sys.argv[1] if len(sys.argv) > 1 else None)
    except OrderNumberPolicyError as error:
        print(f"order-number policy: {error}", file=sys.stderr)
        sys.exit(1)
    print(f"order-number policy OK: {len(checked.formats)} formats, example {checked.example}")
