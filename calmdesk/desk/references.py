"""References people read aloud: a prefix and six Crockford base32 characters.

Tickets ("CD-7K3M9Q") and incidents ("INC-4QX2ZB") use the same scheme: no I, L,
O or U, so a reference survives being read over the phone; random (``secrets``),
so one customer's reference does not reveal how many others exist. Typed
references are matched case-insensitively.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6


def new(prefix: str) -> str:
    """A fresh random reference with this prefix (callers check it is unused)."""
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(reference: object, prefix: str) -> str | None:
    """The upper-cased reference if it looks like one ("cd-7k3m9q" -> "CD-7K3M9Q"), else None."""
    if not isinstance(reference, str):
        return None
    candidate = reference.strip().upper()
    pattern = re.escape(prefix) + f"[{re.escape(ALPHABET)}]{{{LENGTH}}}"
    return candidate if re.fullmatch(pattern, candidate) else None
