"""Staff login for the web console: sessions in a cookie, CSRF, roles.

Public surface (what other console pages use):

- ``require_staff(request, role="agent") -> dict``: the logged-in account
  (``username``, ``display_name``, ``role``...).  HTTPException 401 without
  a session, 403 if the account lacks ``role`` (an admin may do what an agent may).
- ``current_staff(request) -> dict | None``: the same, without raising.
- ``ConsoleGuard``: middleware that makes every ``/console`` path need a
  session, so a page added later cannot forget it.  Anonymous visitors of a
  page are sent to ``/console/login?next=...``; ``/console/api/...`` answers
  401 JSON.  Every unsafe method (POST, PUT, PATCH, DELETE) must carry the
  session's CSRF token in ``X-CSRF-Token`` (403 otherwise);
  ``GET /console/api/me`` tells the page its token.
- ``session_allows_api(scope)``: lets a console session use the bearer-token
  ``/api`` routes too (same CSRF rule), see ``BearerTokenGuard``.
- ``routes()``: ``/console/login`` (GET form, POST) and ``/console/logout`` (POST).

The session cookie is HttpOnly and SameSite=Strict (Secure over https); the
database keeps only a hash of its token (``calmdesk.staff.accounts``).  The login form
is protected by a double-submit token (a cookie plus a hidden field), and
failed logins are throttled per username and per client address in memory:
enough for one web process, and forgotten on restart.  Every sign-in, and
every failed one, is in the audit log (``calmdesk.staff.audit``).
"""
from __future__ import annotations

import hmac
import html
import secrets
import time
from collections import defaultdict, deque
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from calmdesk.staff import accounts, audit

SESSION_COOKIE = "calmdesk_staff"
LOGIN_CSRF_COOKIE = "calmdesk_login_csrf"
CSRF_HEADER = "x-csrf-token"
CONSOLE_PREFIX = "/console"
CONSOLE_API_PREFIX = "/console/api/"
PUBLIC_PATHS = frozenset({"/console/login"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW_SECONDS = 15 * 60

# Every console page: no inline script or style, nothing from elsewhere, no framing.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
JSON_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


# --------------------------------------------------------------------------
# For handlers


def current_staff(request: HTTPConnection) -> dict[str, Any] | None:
    """The logged-in staff account (set by ConsoleGuard or the /api guard), or None."""
    return request.scope.get("state", {}).get("staff")


def require_staff(request: HTTPConnection, role: str = "agent") -> dict[str, Any]:
    """The logged-in account; HTTPException 401 if nobody is, 403 if it is not allowed ``role``."""
    user = current_staff(request)
    if user is None:
        raise HTTPException(401, "log in to the console first")
    if role == "admin" and user["role"] != "admin":
        raise HTTPException(403, "only an admin can do this")
    return user


def csrf_for(request: HTTPConnection) -> str | None:
    """The CSRF token of the request's session (for ``/console/api/me``)."""
    token = request.cookies.get(SESSION_COOKIE)
    return accounts.csrf_token(token) if token and current_staff(request) else None


# --------------------------------------------------------------------------
# Middleware


def _engine(scope: Scope):
    return scope["app"].state.engine


async def _session(scope: Scope) -> tuple[dict[str, Any] | None, str | None]:
    """(account, session token) for the request's session cookie; (None, None) without a live one."""
    token = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
    if not token:
        return None, None
    user = await run_in_threadpool(accounts.session_user, _engine(scope), token)
    return (user, token) if user else (None, None)


def _csrf_ok(scope: Scope, token: str) -> bool:
    given = Headers(scope=scope).get(CSRF_HEADER, "")
    return hmac.compare_digest(given.encode("latin-1"), accounts.csrf_token(token).encode("ascii"))


def _is_console_path(path: str) -> bool:
    return path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/")


class ConsoleGuard:
    """ASGI middleware: every ``/console`` path (but the login form) needs a staff session and, if unsafe, CSRF."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_console_path(scope["path"]) or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        user, token = await _session(scope)
        is_api = scope["path"].startswith(CONSOLE_API_PREFIX)
        if user is None:
            if is_api:
                response: Response = _json_error(401, "log in to the console first")
            else:
                response = RedirectResponse(login_url(scope), status_code=303)
            await response(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS and not _csrf_ok(scope, token):
            message = "missing or wrong CSRF token (send the X-CSRF-Token header); reload the page"
            await _json_error(403, message)(scope, receive, send)
            return
        scope.setdefault("state", {})["staff"] = user
        await self.app(scope, receive, send)


async def session_allows_api(scope: Scope) -> bool:
    """Whether a console session may use an ``/api`` route: logged in, and CSRF-checked if unsafe."""
    user, token = await _session(scope)
    if user is None or (scope["method"] not in SAFE_METHODS and not _csrf_ok(scope, token)):
        return False
    scope.setdefault("state", {})["staff"] = user
    return True


def login_url(scope: Scope) -> str:
    path = scope["path"]
    query = scope.get("query_string", b"").decode("latin-1")
    target = path + (f"?{query}" if query else "")
    return f"/console/login?next={quote(target, safe='')}"


def safe_next(target: str | None) -> str:
    """A local console path to go to after login; anything else (another site, //evil) becomes /console."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return CONSOLE_PREFIX
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not _is_console_path(parts.path):
        return CONSOLE_PREFIX
    return target


def _json_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=JSON_HEADERS)


# --------------------------------------------------------------------------
# Login throttle


class LoginThrottle:
    """Counts failed logins per username and per client address over a sliding window."""

    def __init__(self) -> None:
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self.failures[key]
        while times and times[0] < now - FAILURE_WINDOW_SECONDS:
            times.popleft()
        return times

    def blocked_for(self, username: str, address: str, now: float | None = None) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = now or time.monotonic()
        waits = []
        for key, limit in ((f"user:{username}", MAX_FAILURES_PER_USER), (f"addr:{address}", MAX_FAILURES_PER_ADDRESS)):
            times = self._recent(key, now)
            if len(times) >= limit:
                waits.append(int(times[0] + FAILURE_WINDOW_SECONDS - now) + 1)
        return max(waits, default=0)

    def failed(self, username: str, address: str, now: float | None = None) -> None:
        now = now or time.monotonic()
        self.failures[f"user:{username}"].append(now)
        self.failures[f"addr:{address}"].append(now)

    def succeeded(self, username: str) -> None:
        self.failures.pop(f"user:{username}", None)


def _throttle(request: Request) -> LoginThrottle:
    state = request.app.state
    if not hasattr(state, "login_throttle"):
        state.login_throttle = LoginThrottle()
    return state.login_throttle


# --------------------------------------------------------------------------
# Login and logout


LOGIN_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>calmdesk console: log in</title>
<link rel="stylesheet" href="/static/console/console.css">
</head>
<body class="login">
<main>
<h1>calmdesk console</h1>
<form method="post" id="login-form">
<p class="error" role="alert" id="login-error">{error}</p>
<input type="hidden" name="csrf_token" value="{csrf}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="login-submit" type="submit">Log in</button>
</form>
</main>
</body>
</html>
"""


def _login_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    """The form, with a fresh login CSRF token in the hidden field and in a cookie."""
    csrf = secrets.token_urlsafe(24)
    body = LOGIN_PAGE.format(error=html.escape(error, quote=False), csrf=html.escape(csrf, quote=True))
    response = HTMLResponse(body, status_code=status_code, headers=PAGE_HEADERS)
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, max_age=3600, path="/console/login", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


def login_form(request: Request) -> Response:
    return _login_page(request)


async def login_submit(request: Request) -> Response:
    try:
        form = await request.form()
    except Exception:  # a body that is not a form at all
        return _login_page(request, "Something went wrong with the form; please try again.", 400)
    given_csrf = str(form.get("csrf_token") or "")
    expected_csrf = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected_csrf or not hmac.compare_digest(given_csrf.encode(), expected_csrf.encode()):
        return _login_page(request, "This form had expired; please log in again.", 403)
    username = str(form.get("username") or "").strip().lower()[:64]
    password = str(form.get("password") or "")
    address = request.client.host if request.client else "unknown"
    throttle = _throttle(request)
    wait = throttle.blocked_for(username, address)
    if wait:
        minutes = max(1, round(wait / 60))
        return _login_page(request, f"Too many attempts. Please wait {minutes} minute(s) and try again.", 429)
    engine = request.app.state.engine
    user = await run_in_threadpool(accounts.authenticate, engine, username, password)
    if user is None:
        throttle.failed(username, address)
        # Who tried is on the record only if it could be a username (never a password typed in the wrong box).
        tried = username if accounts.USERNAME.fullmatch(username) else "(not a username)"
        await run_in_threadpool(audit.record, engine, tried, "sign_in_failed", channel="console",
                                target_type="staff", target=tried, address=address)
        return _login_page(request, "That username and password don't match. Please try again.", 401)
    throttle.succeeded(username)
    token = await run_in_threadpool(accounts.start_session, engine, user["username"])
    await run_in_threadpool(audit.record, engine, user["username"], "sign_in", channel="console",
                            target_type="staff", target=user["username"], address=address)
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console/login")
    return response


async def logout(request: Request) -> Response:
    """End the session (ConsoleGuard already checked it and its CSRF token)."""
    await run_in_threadpool(accounts.end_session, request.app.state.engine, request.cookies.get(SESSION_COOKIE))
    response = JSONResponse({"logged_out": True, "next": "/console/login"}, headers=JSON_HEADERS)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def routes() -> list:
    return [
        Route("/console/login", login_form, methods=["GET"]),
        Route("/console/login", login_submit, methods=["POST"]),
        Route("/console/logout", logout, methods=["POST"]),
    ]
