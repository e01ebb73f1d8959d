"""Email in the web app: the links customers click, the admin outbox page, and email from the console.

Routes:

* ``GET /mail/l/{token}`` (public): a link from an email - rate the fix,
  "still not fixed", unsubscribe - done at once (idempotent,
  calmdesk/mail/clicks.py), answered with a short page; a ``resume`` link
  redirects to the shop with the token in the URL fragment (never sent to
  any server log), where the widget trades it for its conversation;
* ``POST /mail/l/{token}``: the same, for mail programs' one-click
  unsubscribe (``List-Unsubscribe-Post``, RFC 8058);
* ``POST /chat/resume`` ``{"token"}`` (public): a resume link's conversation id;
* ``GET /console/mail`` (admin) over ``GET /console/api/mail?status=`` and
  ``POST /console/api/mail/{id}/retry``;
* ``GET /console/api/conversations/{reference}/presence`` (staff): is the
  customer's chat window open now, and can we email them?
* ``POST /console/api/conversations/{reference}/email`` ``{"text"}`` (staff):
  send the reply by email to a customer who has left.

``mail_worker`` runs the sender (calmdesk/mail/worker.py) for the app's life.
"""
from __future__ import annotations

import contextlib
import html
import re
import uuid
from pathlib import Path
from typing import AsyncIterator

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from calmdesk import mail
from calmdesk.desk.tickets import get_ticket
from calmdesk.mail import clicks, links, outbox
from calmdesk.mail.worker import MailWorker
from calmdesk.web import presence
from calmdesk.web.auth import JSON_HEADERS, PAGE_HEADERS, require_staff
from calmdesk.web.body import BadRequest, json_body
from calmdesk.web import background

STATIC_DIR = Path(__file__).resolve().parent / "static" / "mail"
MAX_REPLY = 10000

# What the customer reads after a click: short, and it says what happens next.
ANSWERS = {
    "rate": "Thank you - we've noted {score} out of 5 for {reference}.",
    "not_fixed": "We're sorry it's still not right. {reference} is open again and a person from our team "
                 "will pick it up first - you don't need to explain it again.",
    "not_fixed_again": "{reference} is already open again; a person from our team will be in touch.",
    "unsubscribe": "Done - we won't email you again.",
}


def routes() -> list[Route]:
    return [
        Route("/mail/l/{token}", follow_link, methods=["GET", "POST"]),
        Route("/chat/resume", resume, methods=["POST"]),
        Route("/console/mail", admin_page, methods=["GET"]),
        Route("/console/api/mail", mail_index, methods=["GET"]),
        Route("/console/api/mail/{message_id}/retry", mail_retry, methods=["POST"]),
        Route("/console/api/conversations/{reference}/presence", conversation_presence, methods=["GET"]),
        Route("/console/api/conversations/{reference}/email", conversation_email, methods=["POST"]),
    ]


@contextlib.asynccontextmanager
async def mail_worker(engine: Engine) -> AsyncIterator[None]:
    """Send email in the background for as long as the app runs (nothing when email is off)."""
    settings = mail.settings()
    if not settings.enabled:
        yield
        return
    worker = MailWorker(engine, settings, mail.templates())
    async with background.every(settings.poll_seconds, worker.run_once, "mail worker pass"):
        yield


# --------------------------------------------------------------------------
# Customers


def _page(title: str, text: str, status_code: int = 200) -> HTMLResponse:
    shop = html.escape(mail.templates().shop_name)
    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)} · {shop}</title>"
            f"<link rel=\"stylesheet\" href=\"/static/mail/answer.css\"></head><body><main class=\"mail-answer\">"
            f"<h1>{html.escape(title)}</h1><p id=\"answer\">{html.escape(text)}</p>"
            f"<p><a href=\"/\">Back to {shop}</a></p></main></body></html>")
    return HTMLResponse(body, status_code=status_code, headers={**PAGE_HEADERS, "Cache-Control": "no-store",
                                                                "Referrer-Policy": "no-referrer"})


async def follow_link(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        outcome = await run_in_threadpool(clicks.follow, request.app.state.engine, mail.settings().secret, token)
    except links.BadLink as error:
        return _page("This link doesn't work", f"Sorry - {error}. Reply to our email and a person will help.", 400)
    except LookupError as error:
        return _page("This link doesn't work", f"Sorry - {error}.", 404)
    if outcome.action == "resume":
        return RedirectResponse(f"/#resume={token}", status_code=303)
    if request.method == "POST":
        return Response(status_code=204)
    if outcome.action == "rate":
        return _page("Thank you", ANSWERS["rate"].format(score=outcome.score, reference=outcome.reference))
    if outcome.action == "not_fixed":
        key = "not_fixed" if outcome.changed else "not_fixed_again"
        return _page("We're on it", ANSWERS[key].format(reference=outcome.reference))
    return _page("Unsubscribed", ANSWERS["unsubscribe"])


async def resume(request: Request) -> Response:
    """A resume link's token -> the conversation's sender id, for the widget to continue it."""
    try:
        body = await json_body(request, ("token",), required=("token",))
        claim = links.read_token(mail.settings().secret, str(body["token"]))
        if claim.action != "resume":
            raise links.BadLink("this is not a link back to a chat")
        outcome = await run_in_threadpool(clicks.follow, request.app.state.engine, mail.settings().secret,
                                          str(body["token"]))
    except (BadRequest, links.BadLink) as error:
        return JSONResponse({"error": str(error)}, status_code=400, headers=JSON_HEADERS)
    except LookupError as error:
        return JSONResponse({"error": str(error)}, status_code=404, headers=JSON_HEADERS)
    return JSONResponse({"sender_id": outcome.conversation_id}, headers=JSON_HEADERS)


# --------------------------------------------------------------------------
# Staff


def admin_page(request: Request) -> Response:
    require_staff(request, "admin")
    return HTMLResponse((STATIC_DIR / "mail.html").read_text(encoding="utf-8"), headers=PAGE_HEADERS)


def mail_index(request: Request) -> Response:
    require_staff(request, "admin")
    engine = request.app.state.engine
    try:
        messages = outbox.list_messages(engine, status=request.query_params.get("status") or None)
    except ValueError as error:
        return JSONResponse({"error": str(error)}, status_code=400, headers=JSON_HEADERS)
    return JSONResponse({"messages": messages, "counts": outbox.counts(engine)}, headers=JSON_HEADERS)


def mail_retry(request: Request) -> Response:
    require_staff(request, "admin")
    raw = request.path_params["message_id"]
    try:
        if not re.fullmatch(r"[0-9]{1,12}", raw):
            raise LookupError(raw)
        message = outbox.retry_now(request.app.state.engine, int(raw))
    except LookupError:
        return JSONResponse({"error": "email not found"}, status_code=404, headers=JSON_HEADERS)
    except ValueError as error:
        return JSONResponse({"error": str(error)}, status_code=409, headers=JSON_HEADERS)
    return JSONResponse(message, headers=JSON_HEADERS)


def conversation_presence(request: Request) -> Response:
    """Connected: the customer's chat window is open now (its live stream is).  Else the console offers email."""
    require_staff(request)
    engine = request.app.state.engine
    ticket = get_ticket(engine, request.path_params["reference"])
    if ticket is None:
        return JSONResponse({"error": "ticket not found"}, status_code=404, headers=JSON_HEADERS)
    return JSONResponse({"connected": presence.is_connected(ticket["conversation_id"]),
                         "can_email": mail.will_email(engine, ticket["customer_email"])}, headers=JSON_HEADERS)


async def conversation_email(request: Request) -> Response:
    """``{"text"}``: the reply goes to the customer by email -> 201 with the queued email."""
    user = require_staff(request)
    engine = request.app.state.engine
    try:
        body = await json_body(request, ("text",), required=("text",))
        text = body["text"]
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_REPLY:
            raise BadRequest(f"text must be 1 to {MAX_REPLY} characters")
    except BadRequest as error:
        return JSONResponse({"error": str(error)}, status_code=400, headers=JSON_HEADERS)

    def work() -> tuple[int, dict]:
        ticket = get_ticket(engine, request.path_params["reference"])
        if ticket is None:
            return 404, {"error": "ticket not found"}
        if not mail.will_email(engine, ticket["customer_email"]):
            return 409, {"error": "we can't email this customer (no address, unsubscribed, or email is off)"}
        queued = mail.agent_reply(engine, ticket["reference"], user["display_name"], text.strip(),
                                  key=uuid.uuid4().hex)
        return 201, queued

    status_code, data = await run_in_threadpool(work)
    return JSONResponse(data, status_code=status_code, headers=JSON_HEADERS)
