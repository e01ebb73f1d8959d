"""Is the customer's chat window open right now?  (So staff know whether to reply in chat or by email.)

The widget keeps one live stream (``/chat/stream``) open while its page is
open, and the stream notices within a second when the page goes away.  So an
open stream is the signal: counted here per conversation, in this web app
process (the embedded and production profiles both run one web app; several
would need this in the database).
"""
from __future__ import annotations

import contextlib
import threading
from collections import Counter
from typing import Iterator

_open: Counter[str] = Counter()
_lock = threading.Lock()


@contextlib.contextmanager
def connected(conversation_id: str) -> Iterator[None]:
    with _lock:
        _open[conversation_id] += 1
    try:
        yield
    finally:
        with _lock:
            _open[conversation_id] -= 1
            if _open[conversation_id] <= 0:
                del _open[conversation_id]


def is_connected(conversation_id: str) -> bool:
    with _lock:
        return _open.get(conversation_id, 0) > 0
