"""Staff accounts and their sessions: who may use the console, and who is at their desk.

Passwords are never stored, only ``hashlib.scrypt`` hashes with a random
salt per user.  The hash string names its algorithm and parameters
(``scrypt$n$r$p$salt$hash``), so the cost can be raised later without
breaking existing accounts; checks compare in constant time.

A login creates a server-side session.  The browser gets a random token in a
cookie; the database keeps only its SHA-256, so a leaked database does not
let anyone log in.  A session ends on logout, when the account is disabled
or its password changed, or after ``SESSION_IDLE`` without a request.  Each
request refreshes ``last_seen_at`` (at most every ``TOUCH_EVERY``, to spare
the database), which is also the heartbeat ``agents_online`` counts: the bot
can then tell a customer whether a person can take over now.

The CSRF token of a session is derived from its token (an HMAC), so it needs
no column and cannot be read out of the database either.

Plain Python over SQLAlchemy; the command line is ``python -m calmdesk staff``
(each change it makes is in the audit log, as the operating-system user).
"""
from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import re
import secrets
import sys
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calmdesk.models import STAFF_ROLES, StaffSession, StaffUser, utcnow
from calmdesk.staff import audit

SESSION_IDLE = timedelta(hours=12)  # a session unused this long has ended
TOUCH_EVERY = timedelta(seconds=20)  # how often a busy session's last_seen_at is written
ONLINE_WITHIN = timedelta(minutes=2)

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # scrypt hashes anything, but nobody needs a novel
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
# Names the rest of calmdesk already uses as actors ("bot" offered a remedy ...).
RESERVED_USERNAMES = frozenset({"bot", "customer", "staff", "system", "detection", "admin", "agent"})

# scrypt cost: 2**14 x 8 x 1 uses 16 MiB and about 50 ms per check.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024


class StaffError(ValueError):
    """A staff account operation was refused; the message says why, politely."""


# --------------------------------------------------------------------------
# Passwords


def hash_password(password: str) -> str:
    """``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (salt and hash in base64)."""
    _check_password(password)
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)))


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the stored hash string (False for a malformed one)."""
    try:
        algorithm, n, r, p, salt, digest = stored.split("$")
        if algorithm != "scrypt":
            return False
        expected = base64.b64decode(digest)
        given = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = 32) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=length)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# A hash to check against when the username is unknown, so a wrong username
# takes as long as a wrong password (no telling which usernames exist).
_DUMMY_HASH = "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(b"\0" * 16), _b64(b"\0" * 32)))


# --------------------------------------------------------------------------
# Accounts


def create_user(
    engine: Engine, username: str, password: str, role: str = "agent", display_name: str | None = None
) -> dict[str, Any]:
    """Add a staff account.  ``display_name`` is what customers read ("Sam"); default: the username."""
    username = _check_username(username)
    if role not in STAFF_ROLES:
        raise StaffError(f"role must be one of {', '.join(STAFF_ROLES)}, not {role!r}")
    name = _check_display_name(display_name if display_name is not None else username.split(".")[0].title())
    password_hash = hash_password(password)
    try:
        with Session(engine) as session, session.begin():
            user = StaffUser(username=username, display_name=name, password_hash=password_hash, role=role,
                             disabled=False, created_at=utcnow())
            session.add(user)
            session.flush()
            return _user_to_dict(user)
    except IntegrityError:
        raise StaffError(f"there is already a staff account called {username!r}") from None


def list_users(engine: Engine) -> list[dict[str, Any]]:
    """Every staff account, by username."""
    with Session(engine) as session:
        return [_user_to_dict(user) for user in session.scalars(select(StaffUser).order_by(StaffUser.username))]


def disable_user(engine: Engine, username: str) -> dict[str, Any]:
    """The account can no longer log in; its open sessions end now."""
    with Session(engine) as session, session.begin():
        user = _user_or_raise(session, username)
        user.disabled = True
        session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
        return _user_to_dict(user)


def set_password(engine: Engine, username: str, password: str) -> dict[str, Any]:
    """A new password; every open session of the account ends (log in again)."""
    password_hash = hash_password(password)
    with Session(engine) as session, session.begin():
        user = _user_or_raise(session, username)
        user.password_hash = password_hash
        session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
        return _user_to_dict(user)


def authenticate(engine: Engine, username: str, password: str) -> dict[str, Any] | None:
    """The account if the username and password match an enabled account, else None."""
    if not isinstance(username, str) or not isinstance(password, str) or len(password) > MAX_PASSWORD:
        return None
    with Session(engine) as session:
        user = _user_by_name(session, username)
        stored = user.password_hash if user is not None else _DUMMY_HASH
        matches = verify_password(password, stored)
        if user is None or user.disabled or not matches:
            return None
        return _user_to_dict(user)


# --------------------------------------------------------------------------
# Sessions


def start_session(engine: Engine, username: str) -> str:
    """Log the (already authenticated) account in; returns the token for the browser's cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with Session(engine) as session, session.begin():
        user = _user_or_raise(session, username)
        if user.disabled:
            raise StaffError(f"the staff account {username!r} is disabled")
        session.add(StaffSession(token_hash=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now))
        user.last_seen_at = now
    return token


def session_user(engine: Engine, token: str | None, now: datetime | None = None) -> dict[str, Any] | None:
    """The account behind a session token, or None (unknown, expired, or the account is disabled).

    Also the heartbeat: the session's and the account's ``last_seen_at`` move to now.
    """
    if not token or not isinstance(token, str) or len(token) > 256:
        return None
    now = now or utcnow()
    with Session(engine) as session, session.begin():
        row = session.execute(
            select(StaffSession, StaffUser)
            .join(StaffUser, StaffSession.user_id == StaffUser.id)
            .where(StaffSession.token_hash == _token_hash(token))
        ).first()
        if row is None:
            return None
        staff_session, user = row
        if user.disabled or staff_session.last_seen_at < now - SESSION_IDLE:
            session.delete(staff_session)
            return None
        if staff_session.last_seen_at < now - TOUCH_EVERY:
            staff_session.last_seen_at = now
            session.execute(update(StaffUser).where(StaffUser.id == user.id).values(last_seen_at=now))
        return _user_to_dict(user)


def end_session(engine: Engine, token: str | None) -> None:
    """Log out: the token stops working (an unknown token is fine)."""
    if token and isinstance(token, str):
        with Session(engine) as session, session.begin():
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))


def csrf_token(token: str) -> str:
    """The CSRF token that goes with a session token (sent back in ``X-CSRF-Token``)."""
    return hmac.new(token.encode("utf-8"), b"calmdesk csrf", hashlib.sha256).hexdigest()


def agents_online(engine: Engine, now: datetime | None = None, within: timedelta = ONLINE_WITHIN) -> int:
    """How many enabled staff accounts (agents or admins) had a request within ``within``."""
    cutoff = (now or utcnow()) - within
    query = (
        select(func.count(func.distinct(StaffSession.user_id)))
        .join(StaffUser, StaffSession.user_id == StaffUser.id)
        .where(StaffSession.last_seen_at >= cutoff, StaffUser.disabled.is_(False))
    )
    with Session(engine) as session:
        return int(session.scalar(query) or 0)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------
# Helpers


def _user_to_dict(user: StaffUser) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "disabled": bool(user.disabled),
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "last_seen_at": user.last_seen_at.isoformat() if user.last_seen_at else None,
    }


def _user_by_name(session: Session, username: object) -> StaffUser | None:
    if not isinstance(username, str) or len(username) > 40:
        return None
    return session.scalars(select(StaffUser).where(StaffUser.username == username.strip().lower())).first()


def _user_or_raise(session: Session, username: str) -> StaffUser:
    user = _user_by_name(session, username)
    if user is None:
        raise StaffError(f"there is no staff account called {username!r}")
    return user


def _check_username(username: object) -> str:
    if not isinstance(username, str) or not USERNAME.fullmatch(username.strip().lower()):
        raise StaffError(
            "a username is 2 to 40 characters: lowercase letters, digits, '.', '_' or '-', "
            f"starting with a letter or digit (not {username!r})"
        )
    username = username.strip().lower()
    if username in RESERVED_USERNAMES:
        raise StaffError(f"{username!r} is reserved for the system; pick another username")
    return username


def _check_display_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 80 or any(c < " " for c in name):
        raise StaffError("a display name is 1 to 80 printable characters, e.g. 'Sam'")
    return name.strip()


def _check_password(password: object) -> None:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise StaffError(f"a password needs at least {MIN_PASSWORD} characters")


# --------------------------------------------------------------------------
# Command line: python -m calmdesk staff ...


def add_cli(commands: argparse._SubParsersAction) -> None:
    """Add ``staff add|list|disable|passwd`` to the ``python -m calmdesk`` parser."""
    staff = commands.add_parser("staff", help="staff accounts for the console")
    sub = staff.add_subparsers(dest="staff_command", required=True)
    add = sub.add_parser("add", help="add a staff account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", choices=STAFF_ROLES, default="agent")
    add.add_argument("--name", help="the name customers read, e.g. Sam (default: from the username)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("list", help="list staff accounts")
    disable = sub.add_parser("disable", help="stop an account from logging in; ends its sessions")
    disable.add_argument("username")
    passwd = sub.add_parser("passwd", help="set a new password; ends the account's sessions")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")


def run_cli(args: argparse.Namespace, engine: Engine | None = None) -> int:
    """Run a parsed ``staff`` command; prints what happened, returns the exit code."""
    from calmdesk.db import make_engine

    engine = engine or make_engine()
    try:
        if args.staff_command == "list":
            for user in list_users(engine):
                state = "disabled" if user["disabled"] else "active"
                print(f"{user['username']:<20} {user['role']:<6} {state:<8} {user['display_name']}"
                      f"  last seen {user['last_seen_at'] or 'never'}")
            return 0
        if args.staff_command == "disable":
            user = disable_user(engine, args.username)
            audit.record_cli(engine, "staff_disable", target_type="staff", target=user["username"])
            print(f"{args.username} can no longer log in")
            return 0
        password = _read_password(args.password_stdin)
        if args.staff_command == "add":
            user = create_user(engine, args.username, password, args.role, args.name)
            audit.record_cli(engine, "staff_add", target_type="staff", target=user["username"],
                             detail={"role": user["role"]})
            print(f"added {user['role']} {user['username']} (customers read: {user['display_name']})")
        else:
            user = set_password(engine, args.username, password)
            audit.record_cli(engine, "staff_password", target_type="staff", target=user["username"])
            print(f"new password set for {args.username}; their sessions have ended")
        return 0
    except StaffError as error:
        print(f"staff {args.staff_command}: {error}", file=sys.stderr)
        return 1


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise StaffError("the two passwords differ")
    return first
