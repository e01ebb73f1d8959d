"""Which offered remedy a customer picks when they type rather than press a button.

"the credit please" picks store credit, "goodwill credit" picks goodwill (the
longest name wins), "the first one" picks the first offered. The remedies on
offer come from the remedy policy (calmdesk.desk.remedies).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

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
