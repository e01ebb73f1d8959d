"""Flood limits at Rasa's door: refuse a message before it costs a turn (limits: calmdesk.operations.flood).

- REST (``POST /webhooks/rest/webhook``): a request middleware on the
  channel's blueprint answers **429** with ``Retry-After`` and a polite JSON
  body before Rasa parses the message, takes the conversation's lock or runs
  NLU, so a refused message costs well under a millisecond.
- socket.io (the widget): the ``user_uttered`` handler is wrapped; a refused
  message gets one polite bot message back on the same socket (at most one per
  retry window, so a flood is not answered by a flood) and goes no further.

The client's address is Sanic's ``remote_addr`` when the server is told to
trust a proxy header (production sets ``SANIC_REAL_IP_HEADER`` and
``SANIC_PROXIES_COUNT`` for nginx), else the socket's peer address.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional

from sanic import Blueprint, response
from sanic.request import Request

from calmdesk.operations.flood import POLITE_TEXTS, FloodLimits, Verdict

logger = logging.getLogger(__name__)

_limits: Optional[FloodLimits] = None


def limits() -> FloodLimits:
    """This process's limits, read from the environment once (both channels share them)."""
    global _limits
    if _limits is None:
        _limits = FloodLimits.from_env()
    return _limits


def client_address(request: Request) -> str:
    """Who sent this request: the proxy's header when configured to trust it, else the peer."""
    return request.remote_addr or request.ip or ""


def _sender_of(request: Request) -> Optional[str]:
    try:
        body = request.json
    except Exception:  # Rasa's own handler answers a malformed body with its 400
        return None
    sender = body.get("sender") if isinstance(body, dict) else None
    return sender if isinstance(sender, str) else None


def refusal(verdict: Verdict) -> response.HTTPResponse:
    """The polite 429 a REST client gets."""
    return response.json(verdict.body(), status=429, headers={"Retry-After": str(verdict.retry_after)})


def guard_rest(blueprint: Blueprint, flood: Callable[[], FloodLimits] = limits) -> Blueprint:
    """Put the per-client limits in front of the REST channel's webhook route."""

    @blueprint.middleware("request")
    async def limit_webhook(request: Request) -> Optional[response.HTTPResponse]:
        if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
            return None
        address = client_address(request)
        verdict = flood().check(address, _sender_of(request))
        if verdict.allowed:
            return None
        logger.warning("Refused a REST message from %s: over the %s limit (retry in %s s)",
                       address, verdict.by, verdict.retry_after)
        return refusal(verdict)

    return blueprint


Handler = Callable[[str, Dict[str, Any]], Awaitable[Any]]


def guard_socketio(sio: Any, namespace: Optional[str], event: str, bot_event: str,
                   flood: Callable[[], FloodLimits] = limits) -> None:
    """Wrap the socket.io handler of ``event`` (the customer's message) with the per-client limits."""
    space = namespace or "/"
    original: Handler = sio.handlers[space][event]
    told_until: Dict[str, float] = {}  # socket id -> until when the last "slow down" covers

    async def limited(sid: str, data: Any) -> Any:
        request = (sio.get_environ(sid, namespace=space) or {}).get("sanic.request")
        address = client_address(request) if request is not None else ""
        sender = data.get("session_id") if isinstance(data, dict) else None
        verdict = flood().check(address, sender if isinstance(sender, str) else sid)
        if verdict.allowed:
            return await original(sid, data)
        now = time.monotonic()
        if told_until.get(sid, 0.0) <= now:
            if len(told_until) > 10_000:
                told_until.clear()
            told_until[sid] = now + verdict.retry_after
            logger.warning("Refused socket.io messages from %s: over the %s limit (retry in %s s)",
                           address, verdict.by, verdict.retry_after)
            await sio.emit(bot_event, {"text": POLITE_TEXTS[len(told_until) % len(POLITE_TEXTS)],
                                       "metadata": {"flood": verdict.body()}},
                           room=sid, namespace=space)
        return None

    sio.on(event, handler=limited, namespace=space)
