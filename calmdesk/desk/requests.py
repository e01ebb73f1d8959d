"""Requests that are not complaints: what the team does, what the bot needs first, and when.

"Please delete my account and data", "stop your marketing emails", "I need a
VAT invoice": nothing went wrong, so apologising for a fault and offering a
refund or a discount (what a probe of the running product got, 6 Dec 2026) is
the wrong answer. Support leads own the wording as YAML
(``policy/requests.yml``); this module loads and checks it, and a broken file
is a start-up error naming the file and the key, as for the remedy policy.
Which words make a request is ``calmdesk.conversation.request_wording.REQUESTS``.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from calmdesk.desk.remedies import PROMISES_EMAIL, PolicyError
from calmdesk.taxonomy import CATEGORIES

DEFAULT_REQUESTS_PATH = Path(__file__).resolve().parents[2] / "policy" / "requests.yml"
KINDS = ("erase_data", "marketing_opt_out", "invoice_correction", "invoice", "change_address", "change_email",
         "cancel_subscription", "cancel_order", "return_unwanted", "price_drop")
DETAILS = ("order_number", "customer_email")
_KEYS = ("does", "needs", "timeline", "timeline_no_email", "ask", "ask_where", "category")
# A question's answer already in the first message: "...to 14 Elm Road, Leeds LS6 2AB", "...from a@x.com to b@y.com".
# A street address or a UK postcode: "14 Elm Road", "LS6 2AB".
POSTAL_ADDRESS = re.compile(r"\b\d+[a-z]?,? [\w' -]{2,30} (?:road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|"
                            r"court|ct|place|pl|crescent|grove|terrace|gardens|square|mews|row|hill)\b"
                            r"|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.I)
_ANSWERED = {
    "change_address": POSTAL_ADDRESS,
    "change_email": re.compile(r"@.+@"),
}


class RequestsError(PolicyError):
    """The requests file is missing or invalid; the message says where and why."""


@dataclass(frozen=True)
class Request:
    kind: str
    does: str                    # "take you off our marketing emails and texts"
    needs: tuple[str, ...]       # the details asked first, in order
    timeline: str
    timeline_no_email: str | None = None
    ask: str | None = None       # one question after filing, its answer put on the ticket
    ask_where: str | None = None  # where to send it, asked after filing when wanted elsewhere (request_wording)
    category: str = "other"      # the ticket's category, for the staff queue: a cancellation is "cancellation"

    def asks_after(self, text: str) -> str | None:
        """The question to ask after filing, unless ``text`` (the first message) already answers it."""
        answered = _ANSWERED.get(self.kind)
        return None if self.ask is None or answered and answered.search(text or "") else self.ask

    def timeline_for(self, emailed: bool) -> str:
        """When it happens, without an email promised to a customer who gave no address."""
        return self.timeline if emailed or not self.timeline_no_email else self.timeline_no_email


def _fail(path: Path, where: str, problem: str) -> RequestsError:
    return RequestsError(f"{path}: {where}: {problem}")


def _text(entry: dict, key: str, path: Path, where: str, required: bool = True) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"{where}.{key}", "expected a sentence of text")
    if "{" in value or "}" in value:
        raise _fail(path, f"{where}.{key}", "no {placeholders} here: the bot fills none in")
    return value.strip()


def parse_requests(raw: Any, path: Path) -> dict[str, Request]:
    """Check the parsed YAML and build the requests; every problem names the exact key."""
    if not isinstance(raw, dict) or set(raw) != {"requests"}:
        raise _fail(path, "(top level)", "expected one key, requests")
    entries = raw["requests"]
    if not isinstance(entries, dict):
        raise _fail(path, "requests", "expected a mapping of request kinds")
    unknown, missing = set(entries) - set(KINDS), set(KINDS) - set(entries)
    if unknown:
        raise _fail(path, f"requests.{sorted(unknown)[0]}", f"unknown request kind (known: {', '.join(KINDS)})")
    if missing:
        raise _fail(path, "requests", f"missing {', '.join(sorted(missing))}: the bot recognises every kind")
    requests: dict[str, Request] = {}
    for kind in KINDS:
        where, entry = f"requests.{kind}", entries[kind]
        if not isinstance(entry, dict):
            raise _fail(path, where, "expected a mapping with does, needs and timeline")
        extra = set(entry) - set(_KEYS)
        if extra:
            raise _fail(path, f"{where}.{sorted(extra)[0]}", f"unknown key (allowed: {', '.join(_KEYS)})")
        needs = entry.get("needs") or []
        if not isinstance(needs, list) or any(n not in DETAILS for n in needs) or len(set(needs)) != len(needs):
            raise _fail(path, f"{where}.needs", f"expected a list of {' and/or '.join(DETAILS)}")
        timeline = _text(entry, "timeline", path, where)
        no_email = _text(entry, "timeline_no_email", path, where, required=False)
        if PROMISES_EMAIL.search(timeline) and no_email is None:
            raise _fail(path, f"{where}.timeline_no_email",
                        "the timeline promises an email: say what happens for a customer who gave none")
        category = entry.get("category", "other")
        if category not in CATEGORIES:
            raise _fail(path, f"{where}.category", f"unknown ticket category (known: {', '.join(CATEGORIES)})")
        requests[kind] = Request(kind=kind, does=_text(entry, "does", path, where), needs=tuple(needs),
                                 timeline=timeline, timeline_no_email=no_email,
                                 ask=_text(entry, "ask", path, where, required=False),
                                 ask_where=_text(entry, "ask_where", path, where, required=False), category=category)
    return requests


def load_requests(path: str | Path | None = None) -> dict[str, Request]:
    path = Path(path or DEFAULT_REQUESTS_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RequestsError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise RequestsError(f"{path}: not valid YAML: {error}") from None
    return parse_requests(raw, path)


@lru_cache(maxsize=1)
def default_requests() -> dict[str, Request]:
    """The shipped file, read once per process (checked at action-server start-up)."""
    return load_requests()


if __name__ == "__main__":  # python -m calmdesk.desk.requests [FILE]
    try:
        loaded = load_requests(sys.argv[1] if len(sys.argv) > 1 else None)
    except RequestsError as error:
        sys.exit(str(error))
    print(f"requests OK: {len(loaded)} kinds")
