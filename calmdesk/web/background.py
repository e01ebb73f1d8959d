"""Background jobs of the web app: a blocking pass run in a thread every few seconds, for the app's lifetime.

The webhook sender, the email sender and the retention job all need the same
loop: run one pass off the event loop (it blocks on HTTP, SMTP and SQL), log a
failed pass and go on (the database may be away for a moment; the web app keeps
serving), sleep until the next pass or until the app stops, then finish the pass
under way rather than abandon it halfway.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Callable

logger = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def every(seconds: float, work: Callable[[], object], name: str, first: float = 0.0,
                close: Callable[[], None] | None = None) -> AsyncIterator[None]:
    """Run ``work()`` in a thread every ``seconds`` (the first time after ``first``) while the block runs."""
    stop = asyncio.Event()

    async def pause(delay: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)

    async def loop() -> None:
        if first:
            await pause(first)
        while not stop.is_set():
            try:
                await asyncio.to_thread(work)
            except Exception:  # noqa: BLE001 - a bad pass must not end the loop
                logger.exception("%s failed; trying again", name)
            await pause(seconds)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        await task
        if close is not None:
            close()
