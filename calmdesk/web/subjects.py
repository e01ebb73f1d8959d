"""A customer's data from the console (admins): export it, erase it; and the scheduled retention job.

``POST /console/api/subjects/export`` ``{"email"}`` or ``{"conversation_id"}``
answers the JSON document as a download; ``POST /console/api/subjects/erase``
with the same and ``"confirm": "ERASE"`` erases (calmdesk/subjects/).  Both
are admin-only and on the audit record with the ticket references (set here
for ``calmdesk.web.audit``), never the email address.

``retention_worker`` runs ``calmdesk.subjects.erase.retain`` once a while
after start and then every ``RETENTION_INTERVAL_SECONDS`` (default an hour)
with ``RETENTION_DAYS`` (default 365; 0: off).  It runs in the thread pool:
an erase or retention run rebuilds SQLite files, which takes a moment.
"""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import AsyncIterator

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from calmdesk import mail
from calmdesk.subjects import SubjectError, find, tracker
from calmdesk.subjects.cli import retention_days
from calmdesk.subjects.erase import erase, retain
from calmdesk.subjects.export import export, to_json
from calmdesk.web.auth import JSON_HEADERS, PAGE_HEADERS, require_staff
from calmdesk.web.body import BadRequest, json_body
from calmdesk.web import background

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static" / "console"


def routes() -> list[Route]:
    return [
        Route("/console/privacy", privacy_page, methods=["GET"]),
        Route("/console/api/subjects/export", subject_export, methods=["POST"]),
        Route("/console/api/subjects/erase", subject_erase, methods=["POST"]),
    ]


def _mail_dir() -> Path | None:
    settings = mail.settings()
    return settings.mail_dir if settings.smtp is None else None


def privacy_page(request: Request) -> Response:
    require_staff(request, "admin")
    return HTMLResponse((STATIC_DIR / "privacy.html").read_text(encoding="utf-8"), headers=PAGE_HEADERS)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=JSON_HEADERS)


async def _subject(request: Request, fields: tuple[str, ...]):
    body = await json_body(request, ("email", "conversation_id", *fields))
    for name in ("email", "conversation_id"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise BadRequest(f"{name} must be a text")
    engine = request.app.state.engine
    subject = await run_in_threadpool(find, engine, tracker.default_url(), email=body.get("email") or None,
                                      conversation_id=body.get("conversation_id") or None)
    # What the audit middleware records as the target: ticket references, never the address.
    state = request.scope.setdefault("state", {})
    state["audit_target"] = ",".join(subject.references) or None
    return body, subject


async def subject_export(request: Request) -> Response:
    require_staff(request, "admin")
    try:
        _body, subject = await _subject(request, ())
    except (BadRequest, SubjectError) as error:
        return _error(400, str(error))
    document = await run_in_threadpool(export, request.app.state.engine, tracker.default_url(), subject)
    return Response(to_json(document), media_type="application/json; charset=utf-8", headers={
        **JSON_HEADERS, "Content-Disposition": 'attachment; filename="calmdesk-customer-export.json"'})


async def subject_erase(request: Request) -> Response:
    require_staff(request, "admin")
    try:
        body, subject = await _subject(request, ("confirm",))
    except (BadRequest, SubjectError) as error:
        return _error(400, str(error))
    if body.get("confirm") != "ERASE":
        return _error(400, 'erasing cannot be undone: send "confirm": "ERASE"')
    if subject.empty:
        return _error(404, "nothing is held about that customer")
    counts = await run_in_threadpool(erase, request.app.state.engine, tracker.default_url(), subject, _mail_dir())
    request.scope["state"]["audit_detail"] = counts
    return JSONResponse({"erased": counts, "tickets": subject.references}, headers=JSON_HEADERS)


@contextlib.asynccontextmanager
async def retention_worker(engine: Engine) -> AsyncIterator[None]:
    """Run the retention job in the background for the app's lifetime (nothing if RETENTION_DAYS is 0)."""
    days = retention_days()  # a bad value stops the start, not a run
    every = float(os.environ.get("RETENTION_INTERVAL_SECONDS") or 3600)
    first = float(os.environ.get("RETENTION_FIRST_RUN_SECONDS") or 60)

    def run_once() -> None:
        counts = retain(engine, tracker.default_url(), days, mail_dir=_mail_dir())
        if any(counts.values()):
            from calmdesk.staff import audit
            audit.record(engine, "system", "retention", channel="system", detail={"days": days, **counts})
            logger.info("retention (%d days): %s", days, counts)

    if days <= 0:
        yield
        return
    async with background.every(every, run_once, "the retention job", first=first):
        yield
