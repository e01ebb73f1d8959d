"""Rasa's Redis lock store, atomic and in two round trips a turn instead of seven.

Rasa keeps one ticket lock per conversation so that two replicas never
handle the same conversation at once, and a conversation's messages are
handled in the order they arrived (tickets are served first come, first
served). Rasa 3.6's ``RedisLockStore`` does it in Python around plain GET and
SET: to take a ticket it reads the lock and writes it back, then reads it
again to see whether the ticket is served; to let go it reads and writes it,
reads it once more and deletes it - seven round trips per customer turn, each
one blocking the replica's event loop, and two replicas taking a ticket at the
same moment can both read the same lock and both be "served".

This store keeps Rasa's key and the same JSON (a ``TicketLock``), so Rasa's own
class reads it, but each step is one Lua script, which Redis runs atomically:

- ``take``: drop expired tickets, issue the next number, save; answer the new
  ticket and the one now served. Usually that is ours: one round trip.
- ``serving``: while waiting, drop expired tickets and answer who is served.
- ``give_back``: remove our ticket (and expired ones); delete the lock if no
  one else holds a ticket. One round trip.

Configured in deploy/endpoints.production.yml as
``type: stores.lock_store.CalmdeskLockStore`` with Rasa's Redis settings.
"""
from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# Tickets are stored as Rasa stores them: a JSON list of JSON-encoded {number, expires}.
_KEEP_LIVE = """
local function live(raw, now)
  local kept = {}
  if raw then
    for _, encoded in ipairs(cjson.decode(raw).tickets) do
      local ticket = cjson.decode(encoded)
      if ticket.expires >= now then table.insert(kept, ticket) end
    end
  end
  return kept
end
local function save(key, conversation_id, tickets)
  if #tickets == 0 then redis.call('DEL', key) return end
  local encoded = {}
  for i, ticket in ipairs(tickets) do
    encoded[i] = cjson.encode({number = ticket.number, expires = ticket.expires})
  end
  redis.call('SET', key, cjson.encode({conversation_id = conversation_id, tickets = encoded}))
end
"""

# KEYS[1] lock key; ARGV: now, lifetime, conversation id. Returns {ticket, now serving}.
TAKE = _KEEP_LIVE + """
local now = tonumber(ARGV[1])
local tickets = live(redis.call('GET', KEYS[1]), now)
local number = 0
if #tickets > 0 then number = tickets[#tickets].number + 1 end
table.insert(tickets, {number = number, expires = now + tonumber(ARGV[2])})
save(KEYS[1], ARGV[3], tickets)
return {number, tickets[1].number}
"""

# KEYS[1] lock key; ARGV: now, conversation id. Returns the ticket now served, or -1 if no ticket is live.
SERVING = _KEEP_LIVE + """
local raw = redis.call('GET', KEYS[1])
if not raw then return -1 end
local tickets = live(raw, tonumber(ARGV[1]))
save(KEYS[1], ARGV[2], tickets)
if #tickets == 0 then return -1 end
return tickets[1].number
"""

# KEYS[1] lock key; ARGV: now, conversation id, our ticket. Returns how many tickets are left.
GIVE_BACK = _KEEP_LIVE + """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ours = tonumber(ARGV[3])
local left = {}
for _, ticket in ipairs(live(raw, tonumber(ARGV[1]))) do
  if ticket.number ~= ours then table.insert(left, ticket) end
end
save(KEYS[1], ARGV[2], left)
return #left
"""


class CalmdeskLockStore(RedisLockStore):
    """``RedisLockStore`` whose ``lock()`` takes and gives back its ticket with one atomic script each."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by its module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self._take = self.red.register_script(TAKE)
        self._serving = self.red.register_script(SERVING)
        self._give_back = self.red.register_script(GIVE_BACK)

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        key = self.key_prefix + conversation_id
        try:
            ticket, serving = self._take(keys=[key], args=[time.time(), lock_lifetime, conversation_id])
        except Exception as error:  # noqa: BLE001 - Rasa's contract: a LockError, whatever Redis said
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        try:
            while serving != ticket:
                if serving < 0:  # our own ticket expired while we waited
                    raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
                logger.debug(f"Conversation '{conversation_id}': ticket {ticket} waits for {serving}.")
                await asyncio.sleep(wait_time_in_seconds)
                serving = self._serving(keys=[key], args=[time.time(), conversation_id])
            yield TicketLock(conversation_id)
        finally:
            self._give_back(keys=[key], args=[time.time(), conversation_id, ticket])
