"""The REST and socket.io input channels, masking secrets before Rasa sees them (and limiting floods).

Rasa's processor writes the user message to the tracker store, runs NLU on it,
sends it to the action server (which files it on the ticket transcript) and logs
it.  Masking is therefore done here, at the edge: the ``on_new_message``
callback Rasa gives each channel is wrapped so that ``UserMessage.text`` is
replaced by ``calmdesk.privacy.mask_pii(text).text`` before the processor gets
the message, and ``{"masked": [kinds...]}`` is added to the message metadata
(stored with the user event in the tracker) when something was masked.

The channels keep Rasa's names, so the URLs do not change:
``/webhooks/rest/webhook`` and the socket.io path (``/socket.io`` unless
``socketio_path`` says otherwise).  credentials.yml names them by module path::

    channels.masked.MaskedRestInput:
    channels.masked.MaskedSocketIOInput:
      user_message_evt: user_uttered
      ...

Both channels also refuse a client sending faster than the flood limits allow,
before the message costs a turn (``channels.flood``).

The REST channel also masks the text where Rasa's own webhook reads it
(``_extract_message``), because Rasa logs the raw text when handling a message
fails or times out; a message that is not a string (a JSON number, list ...) is
turned into its JSON text and masked, instead of reaching Rasa (and its error
log) unmasked.
"""
from __future__ import annotations

import functools
import inspect
import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from sanic.request import Request

from calmdesk.privacy import KINDS, mask_pii
from channels import flood
from components import rasa_speedups, typed_commands

logger = logging.getLogger(__name__)

# `rasa run` imports this module for credentials.yml: the place to speed up Rasa's own check of
# every action-server reply (see components/rasa_speedups.py).
rasa_speedups.install()
# ...and to read a typed "/restart" as words, not as a command (components/typed_commands.py).
typed_commands.install()

METADATA_KEY = "masked"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def as_text(message: Any) -> Optional[str]:
    """A message as text: strings as they are, None as None, anything else as its JSON."""
    if message is None or isinstance(message, str):
        return message
    try:
        return json.dumps(message, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(message)


def with_kinds(metadata: Any, kinds: tuple[str, ...]) -> Any:
    """``metadata`` plus ``{"masked": [...]}`` naming what was masked (merged with kinds already named)."""
    if not kinds:
        return metadata
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        return metadata  # nowhere to say it; the text is masked all the same
    previous = metadata.get(METADATA_KEY)
    named = set(kinds) | (set(previous) & set(KINDS) if isinstance(previous, list) else set())
    return {**metadata, METADATA_KEY: [kind for kind in KINDS if kind in named]}


def mask_message(message: UserMessage) -> UserMessage:
    """Mask ``message.text`` in place (and note the kinds in its metadata); return the message."""
    text = as_text(message.text)
    if text is None:
        return message
    masked = mask_pii(text)
    message.text = masked.text
    message.metadata = with_kinds(message.metadata, masked.kinds)
    return message


def masking(on_new_message: OnNewMessage) -> OnNewMessage:
    """Rasa's ``on_new_message`` callback, masking each message before passing it on."""

    @functools.wraps(on_new_message)
    async def on_masked_message(message: UserMessage) -> Any:
        return await on_new_message(mask_message(message))

    return on_masked_message


class MaskedRestInput(RestInput):
    """Rasa's REST channel (name ``rest``), masking card numbers and passwords."""

    def _extract_message(self, req: Request) -> Optional[Text]:
        text = as_text(super()._extract_message(req))
        return None if text is None else mask_pii(text).text

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = super().get_metadata(request)
        text = as_text(super()._extract_message(request))
        return metadata if text is None else with_kinds(metadata, mask_pii(text).kinds)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return flood.guard_rest(super().blueprint(masking(on_new_message)))


class MaskedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel (name ``socketio``), masking card numbers and passwords.

    It also replaces Rasa's ``session_request`` handler by one that awaits
    ``AsyncServer.enter_room``: Rasa 3.6 calls it without ``await``, which with
    the python-socketio 5.x we install (where it is a coroutine) never puts the
    client in its session's room, so with ``session_persistence: true`` the
    bot's answers reached no one.
    """

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        blueprint = super().blueprint(masking(on_new_message))
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint

        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            if data is None:
                data = {}
            if "session_id" not in data or data["session_id"] is None:
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, data["session_id"], namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=self.namespace)
            logger.debug(f"User {sid} connected to socketIO endpoint.")

        sio.on("session_request", handler=session_request, namespace=self.namespace)
        flood.guard_socketio(sio, self.namespace, self.user_message_evt, self.bot_message_evt)
        return blueprint
