"""Staff accounts, passwords and sessions against a real migrated SQLite file."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from calmdesk.__main__ import main
from calmdesk.models import StaffSession, StaffUser, utcnow
from calmdesk.staff import accounts

PASSWORD = "correct horse battery"


def test_password_hash_is_salted_scrypt_with_its_parameters():
    first, second = accounts.hash_password(PASSWORD), accounts.hash_password(PASSWORD)
    assert first != second  # a random salt each time
    algorithm, n, r, p, _salt, _digest = first.split("$")
    assert (algorithm, n, r, p) == ("scrypt", "16384", "8", "1")
    assert accounts.verify_password(PASSWORD, first)
    assert not accounts.verify_password(PASSWORD + "x", first)
    assert not accounts.verify_password(PASSWORD, "md5$nonsense")
    assert PASSWORD not in first


def test_old_parameters_still_verify():
    """The cost can be raised later: a hash made with other parameters still checks."""
    import base64

    salt = b"s" * 16
    digest = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**10, r=8, p=1, dklen=32)
    stored = f"scrypt$1024$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    assert accounts.verify_password(PASSWORD, stored)


def test_create_authenticate_and_refuse(migrated_engine):
    user = accounts.create_user(migrated_engine, "Sam.Jones", PASSWORD, "agent")
    assert user["username"] == "sam.jones" and user["display_name"] == "Sam" and user["role"] == "agent"
    assert accounts.authenticate(migrated_engine, "sam.jones", PASSWORD)["username"] == "sam.jones"
    assert accounts.authenticate(migrated_engine, "sam.jones", "wrong password!") is None
    assert accounts.authenticate(migrated_engine, "nobody", PASSWORD) is None
    with pytest.raises(accounts.StaffError, match="already"):
        accounts.create_user(migrated_engine, "sam.jones", PASSWORD)
    with pytest.raises(accounts.StaffError, match="at least 10"):
        accounts.create_user(migrated_engine, "kim", "short")
    with pytest.raises(accounts.StaffError, match="role"):
        accounts.create_user(migrated_engine, "kim", PASSWORD, "boss")
    with pytest.raises(accounts.StaffError, match="reserved"):
        accounts.create_user(migrated_engine, "bot", PASSWORD)
    with pytest.raises(accounts.StaffError, match="username"):
        accounts.create_user(migrated_engine, "<script>", PASSWORD)


def test_session_stores_only_a_hash_and_ends_on_logout(migrated_engine):
    accounts.create_user(migrated_engine, "sam", PASSWORD)
    token = accounts.start_session(migrated_engine, "sam")
    with Session(migrated_engine) as session:
        stored = session.scalars(select(StaffSession.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert accounts.session_user(migrated_engine, token)["username"] == "sam"
    assert accounts.session_user(migrated_engine, token + "x") is None
    assert accounts.csrf_token(token) != accounts.csrf_token(token + "x")
    accounts.end_session(migrated_engine, token)
    assert accounts.session_user(migrated_engine, token) is None


def test_idle_session_expires(migrated_engine):
    accounts.create_user(migrated_engine, "sam", PASSWORD)
    token = accounts.start_session(migrated_engine, "sam")
    later = utcnow() + accounts.SESSION_IDLE + timedelta(minutes=1)
    assert accounts.session_user(migrated_engine, token, now=later) is None
    assert accounts.session_user(migrated_engine, token) is None  # deleted, not just refused


def test_disable_and_new_password_end_sessions(migrated_engine):
    accounts.create_user(migrated_engine, "sam", PASSWORD)
    accounts.create_user(migrated_engine, "kim", PASSWORD)
    sam, kim = accounts.start_session(migrated_engine, "sam"), accounts.start_session(migrated_engine, "kim")
    accounts.disable_user(migrated_engine, "sam")
    assert accounts.session_user(migrated_engine, sam) is None
    assert accounts.authenticate(migrated_engine, "sam", PASSWORD) is None
    accounts.set_password(migrated_engine, "kim", "another long password")
    assert accounts.session_user(migrated_engine, kim) is None
    assert accounts.authenticate(migrated_engine, "kim", "another long password")["username"] == "kim"


def test_agents_online_counts_recent_enabled_people(migrated_engine):
    assert accounts.agents_online(migrated_engine) == 0
    for name in ("sam", "kim", "lee"):
        accounts.create_user(migrated_engine, name, PASSWORD)
    accounts.start_session(migrated_engine, "sam")
    accounts.start_session(migrated_engine, "sam")  # two browsers, one person
    accounts.start_session(migrated_engine, "kim")
    assert accounts.agents_online(migrated_engine) == 2
    assert accounts.agents_online(migrated_engine, now=utcnow() + timedelta(minutes=3)) == 0
    accounts.disable_user(migrated_engine, "kim")
    assert accounts.agents_online(migrated_engine) == 1


def test_heartbeat_moves_last_seen(migrated_engine):
    accounts.create_user(migrated_engine, "sam", PASSWORD)
    token = accounts.start_session(migrated_engine, "sam")
    later = utcnow() + timedelta(minutes=10)
    accounts.session_user(migrated_engine, token, now=later)
    assert accounts.agents_online(migrated_engine, now=later) == 1
    with Session(migrated_engine) as session:
        assert session.scalars(select(StaffUser.last_seen_at)).one() >= later - timedelta(seconds=1)


def test_cli_add_list_disable_passwd(migrated_engine, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    assert main(["staff", "add", "sam", "--role", "admin", "--password-stdin"]) == 0
    assert accounts.authenticate(migrated_engine, "sam", PASSWORD)["role"] == "admin"
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "typed at a prompt")
    assert main(["staff", "passwd", "sam"]) == 0
    assert accounts.authenticate(migrated_engine, "sam", "typed at a prompt")
    assert main(["staff", "list"]) == 0
    assert "sam" in capsys.readouterr().out
    assert main(["staff", "disable", "sam"]) == 0
    assert accounts.authenticate(migrated_engine, "sam", "typed at a prompt") is None
    assert main(["staff", "disable", "nobody"]) == 1
    assert "no staff account" in capsys.readouterr().err
