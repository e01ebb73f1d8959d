"""Mass incidents: declaring, confirming, updating, closing, linking tickets, detection, settings, CLI."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import calmdesk.desk.incidents as incidents
from calmdesk.desk.incidents import lifecycle, settings
from calmdesk.desk.incidents import (
    IncidentSettings,
    NotFoundError,
    PolicyError,
    active_incident,
    close_incident,
    confirm_incident,
    declare_incident,
    detect_incidents,
    get_incident,
    link_ticket,
    list_incidents,
    load_incident_settings,
    post_update,
    updates_since,
)
from calmdesk.desk.incidents.cli import main
from calmdesk.desk.tickets import TicketDraft, get_ticket, list_tickets, save_ticket
from calmdesk.models import Incident, Ticket, utcnow

NOW = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)
REFERENCE = re.compile(r"INC-[0-9A-HJKMNP-TV-Z]{6}")
MESSAGE = "Card payments are failing for some customers; we're fixing it and nobody will be charged twice."


def declare(engine, category="payment_failed", message=MESSAGE, **kwargs) -> dict:
    return declare_incident(engine, category, message, "agent:alice", **kwargs)


def file(engine, conversation_id: str, category="payment_failed", at: datetime | None = None) -> str:
    """A ticket, optionally with its created_at moved to ``at``."""
    reference = save_ticket(engine, TicketDraft(conversation_id, category=category))["reference"]
    if at is not None:
        with Session(engine) as session, session.begin():
            session.execute(update(Ticket).where(Ticket.reference == reference).values(created_at=at))
    return reference


def burst(engine, count: int, category="payment_failed", *, minutes_ago: float = 1, now=NOW) -> list[str]:
    return [
        file(engine, f"{category}-{minutes_ago}-{n}", category, now - timedelta(minutes=minutes_ago))
        for n in range(count)
    ]


def incident_rows(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Incident))


# --- declaring --------------------------------------------------------------------------


def test_declared_incident_is_open_with_its_message(migrated_engine):
    started = NOW - timedelta(hours=1)
    incident = declare(migrated_engine, started_at=started)

    assert REFERENCE.fullmatch(incident["reference"])
    assert set(incident) == {
        "reference", "category", "public_message", "status", "started_at", "created_at", "updated_at",
        "closed_at", "created_by", "updates", "tickets",
    }  # fmt: skip
    assert incident["status"] == "open"
    assert incident["category"] == "payment_failed"
    assert incident["public_message"] == MESSAGE
    assert incident["started_at"] == "2024-05-01T08:30:00+00:00"
    assert incident["closed_at"] is None
    assert incident["created_by"] == "agent:alice"
    assert incident["updates"] == [] and incident["tickets"] == []
    assert get_incident(migrated_engine, incident["reference"]) == incident
    assert active_incident(migrated_engine, "payment_failed") == incident


def test_started_at_defaults_to_now_and_message_is_stripped(migrated_engine):
    before = utcnow()
    incident = declare(migrated_engine, message=f"  {MESSAGE}\n")
    assert datetime.fromisoformat(incident["started_at"]) >= before
    assert incident["public_message"] == MESSAGE


def test_a_category_has_one_open_incident(migrated_engine):
    first = declare(migrated_engine)
    with pytest.raises(ValueError, match=f"already has an open incident, {first['reference']}.*update"):
        declare(migrated_engine)
    declare(migrated_engine, category="delivery_problem")  # another category is fine
    assert incident_rows(migrated_engine) == 2


def test_declaring_while_a_suggestion_waits_points_to_it(migrated_engine):
    burst(migrated_engine, 3)
    [suggested] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)
    with pytest.raises(ValueError, match=f"suggested incident, {suggested['reference']}.*confirm"):
        declare(migrated_engine)


def test_losing_the_declare_race_is_refused_not_duplicated(migrated_engine, monkeypatch):
    """Another process declares between our check and our insert: the unique index catches it."""
    winner = declare(migrated_engine)
    real_lookup = lifecycle._active_for
    calls = []

    def stale_first_lookup(session, category):
        calls.append(1)
        return None if len(calls) == 1 else real_lookup(session, category)

    monkeypatch.setattr(lifecycle, "_active_for", stale_first_lookup)
    with pytest.raises(ValueError, match=winner["reference"]):
        declare(migrated_engine)
    assert len(calls) == 2
    assert incident_rows(migrated_engine) == 1


def test_concurrent_declarations_open_one_incident(migrated_engine):
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            declare(migrated_engine)
            outcomes.append("declared")
        except ValueError:
            outcomes.append("refused")
        except BaseException as error:  # reported below
            outcomes.append(repr(error))

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["declared"] + ["refused"] * 5
    assert incident_rows(migrated_engine) == 1


@pytest.mark.parametrize(
    "kwargs, mentions",
    [
        ({"category": "weather"}, "'weather'.*allowed: delivery_problem"),
        ({"category": "other"}, "not 'other'"),
        ({"message": ""}, "must not be empty"),
        ({"message": "   "}, "must not be empty"),
        ({"message": None}, "must be a string"),
        ({"message": "x" * 2001}, "at most 2000"),
        ({"message": "a\x00b"}, "NUL"),
        ({"started_at": datetime(2024, 5, 1)}, "timezone-aware"),
        ({"started_at": utcnow() + timedelta(hours=1)}, "in the future"),
        ({"actor": ""}, "actor"),
    ],
)
def test_declare_refuses_bad_input(migrated_engine, kwargs, mentions):
    arguments = {"category": "payment_failed", "message": MESSAGE, "actor": "staff", **kwargs}
    with pytest.raises(ValueError, match=mentions):
        declare_incident(
            migrated_engine, arguments["category"], arguments["message"], arguments["actor"],
            started_at=arguments.get("started_at"),
        )  # fmt: skip
    assert incident_rows(migrated_engine) == 0


# --- lifecycle ------------------------------------------------------------------------------


def test_open_incident_takes_updates_and_closes(migrated_engine):
    reference = declare(migrated_engine)["reference"]

    post_update(migrated_engine, reference, "The fix is being deployed.", "agent:bob")
    closed = close_incident(migrated_engine, reference, "agent:alice", message="Payments work again. Sorry!")

    assert closed["status"] == "closed"
    assert closed["closed_at"] is not None
    assert [(u["message"], u["author"]) for u in closed["updates"]] == [
        ("The fix is being deployed.", "agent:bob"),
        ("Payments work again. Sorry!", "agent:alice"),
    ]
    assert active_incident(migrated_engine, "payment_failed") is None
    assert declare(migrated_engine)["reference"] != reference  # a new one may be declared now


def test_close_without_a_message_adds_no_update(migrated_engine):
    reference = declare(migrated_engine)["reference"]
    assert close_incident(migrated_engine, reference, "staff")["updates"] == []


def test_suggested_incident_is_confirmed_with_the_staff_message(migrated_engine):
    burst(migrated_engine, 3)
    [suggested] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)
    assert active_incident(migrated_engine, "payment_failed") is None  # customers never see suggestions

    confirmed = confirm_incident(migrated_engine, suggested["reference"].lower(), MESSAGE, "agent:alice")

    assert confirmed["status"] == "open"
    assert confirmed["public_message"] == MESSAGE
    assert confirmed["created_by"] == "detection"
    assert confirmed["updated_at"] > suggested["updated_at"]
    assert active_incident(migrated_engine, "payment_failed")["reference"] == suggested["reference"]


def test_a_suggestion_can_be_dismissed(migrated_engine):
    burst(migrated_engine, 3)
    [suggested] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)
    assert close_incident(migrated_engine, suggested["reference"], "staff")["status"] == "closed"


@pytest.mark.parametrize(
    "status, action, mentions",
    [
        ("open", "confirm", "cannot confirm .* it is 'open'.*only go to: closed"),
        ("closed", "confirm", "cannot confirm .* 'closed'.*final"),
        ("closed", "close", "cannot close .* 'closed'.*final"),
        ("closed", "update", "cannot post an update .* 'closed'"),
        ("suggested", "update", "'suggested' \\(confirm it first\\)"),
    ],
)
def test_invalid_transitions_are_refused(migrated_engine, status, action, mentions):
    if status == "suggested":
        burst(migrated_engine, 3)
        reference = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)[0]["reference"]
    else:
        reference = declare(migrated_engine)["reference"]
        if status == "closed":
            close_incident(migrated_engine, reference, "staff")
    before = get_incident(migrated_engine, reference)

    with pytest.raises(ValueError, match=mentions):
        if action == "confirm":
            confirm_incident(migrated_engine, reference, MESSAGE, "staff")
        elif action == "close":
            close_incident(migrated_engine, reference, "staff", message="again")
        else:
            post_update(migrated_engine, reference, "news", "staff")
    assert get_incident(migrated_engine, reference) == before


def test_a_close_that_lost_a_race_is_rechecked(migrated_engine, monkeypatch):
    """Someone closes the incident between our read and our write; our update must not land."""
    reference = declare(migrated_engine)["reference"]
    real_lookup = lifecycle._incident_or_raise
    calls = []

    def lookup_then_someone_closes(session, ref):
        found = real_lookup(session, ref)
        if not calls:
            with migrated_engine.begin() as other:
                other.execute(
                    text("UPDATE incidents SET status = 'closed', closed_at = '2024-05-01 10:00:00.000000'")
                )
        calls.append(1)
        return found

    monkeypatch.setattr(lifecycle, "_incident_or_raise", lookup_then_someone_closes)
    with pytest.raises(ValueError, match="cannot post an update .* 'closed'"):
        post_update(migrated_engine, reference, "news", "staff")
    assert len(calls) == 2
    assert get_incident(migrated_engine, reference)["updates"] == []


@pytest.mark.parametrize("reference", ["INC-000000", "nope", "CD-000000", "", "INC-ILOU00"])
def test_unknown_incident_references(migrated_engine, reference):
    assert get_incident(migrated_engine, reference) is None
    with pytest.raises(NotFoundError):
        confirm_incident(migrated_engine, reference, MESSAGE, "staff")
    with pytest.raises(NotFoundError):
        post_update(migrated_engine, reference, "news", "staff")
    with pytest.raises(NotFoundError):
        close_incident(migrated_engine, reference, "staff")
    with pytest.raises(NotFoundError):
        updates_since(migrated_engine, reference, NOW)


def test_update_messages_are_checked(migrated_engine):
    reference = declare(migrated_engine)["reference"]
    with pytest.raises(ValueError, match="message must not be empty"):
        post_update(migrated_engine, reference, " ", "staff")
    with pytest.raises(ValueError, match="at most 2000"):
        close_incident(migrated_engine, reference, "staff", message="x" * 2001)
    with pytest.raises(ValueError, match="actor"):
        post_update(migrated_engine, reference, "news", "")


# --- listing ---------------------------------------------------------------------------------


def test_list_incidents_filters_and_orders_newest_first(migrated_engine):
    payments = declare(migrated_engine)["reference"]
    delivery = declare(migrated_engine, category="delivery_problem")["reference"]
    close_incident(migrated_engine, payments, "staff")
    billing = declare(migrated_engine, category="billing_problem")["reference"]

    def refs(**filters) -> list[str]:
        return [incident["reference"] for incident in list_incidents(migrated_engine, **filters)]

    assert refs() == [billing, delivery, payments]
    assert refs(status="open") == [billing, delivery]
    assert refs(status="closed") == [payments]
    assert refs(category="delivery_problem") == [delivery]
    assert refs(status="suggested") == []


@pytest.mark.parametrize("filters", [{"status": "pending"}, {"category": "weather"}])
def test_list_incidents_refuses_bad_filters(migrated_engine, filters):
    with pytest.raises(ValueError, match="allowed"):
        list_incidents(migrated_engine, **filters)


def test_active_incident_checks_the_category(migrated_engine):
    assert active_incident(migrated_engine, "payment_failed") is None
    with pytest.raises(ValueError, match="'weather'"):
        active_incident(migrated_engine, "weather")


# --- linking tickets and updates for returning customers ------------------------------------------


def test_linked_ticket_shows_its_incident_and_the_incident_its_tickets(migrated_engine):
    incident = declare(migrated_engine)["reference"]
    first, second = file(migrated_engine, "c-1"), file(migrated_engine, "c-2")

    linked = link_ticket(migrated_engine, first.lower(), incident.lower())
    link_ticket(migrated_engine, second, incident)
    again = link_ticket(migrated_engine, first, incident)  # no-op

    assert linked["incident"] == incident and again == get_ticket(migrated_engine, first)
    assert get_ticket(migrated_engine, first)["incident"] == incident
    assert get_incident(migrated_engine, incident)["tickets"] == [first, second]
    assert {t["reference"]: t["incident"] for t in list_tickets(migrated_engine)} == {
        first: incident,
        second: incident,
    }


def test_a_ticket_moves_to_the_next_incident(migrated_engine):
    old = declare(migrated_engine)["reference"]
    ticket = file(migrated_engine, "c-1")
    link_ticket(migrated_engine, ticket, old)
    close_incident(migrated_engine, old, "staff")
    new = declare(migrated_engine)["reference"]

    assert link_ticket(migrated_engine, ticket, new)["incident"] == new
    assert get_incident(migrated_engine, old)["tickets"] == []
    assert get_incident(migrated_engine, new)["tickets"] == [ticket]


def test_tickets_link_only_to_an_active_incident_of_their_category(migrated_engine):
    incident = declare(migrated_engine)["reference"]
    delivery_ticket = file(migrated_engine, "c-1", category="delivery_problem")
    with pytest.raises(ValueError, match="about 'delivery_problem', the incident about 'payment_failed'"):
        link_ticket(migrated_engine, delivery_ticket, incident)

    payment_ticket = file(migrated_engine, "c-2")
    close_incident(migrated_engine, incident, "staff")
    with pytest.raises(ValueError, match="'closed'; allowed: suggested, open"):
        link_ticket(migrated_engine, payment_ticket, incident)
    assert get_ticket(migrated_engine, payment_ticket)["incident"] is None


def test_linking_unknown_things(migrated_engine):
    incident = declare(migrated_engine)["reference"]
    ticket = file(migrated_engine, "c-1")
    with pytest.raises(NotFoundError, match="ticket"):
        link_ticket(migrated_engine, "CD-000000", incident)
    with pytest.raises(NotFoundError, match="incident"):
        link_ticket(migrated_engine, ticket, "INC-000000")


def test_updates_since_tells_a_returning_customer_what_they_missed(migrated_engine):
    incident = declare(migrated_engine)["reference"]
    first = post_update(migrated_engine, incident, "We found the cause.", "agent:bob")["updates"][0]
    seen_at = datetime.fromisoformat(first["at"])
    post_update(migrated_engine, incident, "The fix is live.", "agent:bob")
    close_incident(migrated_engine, incident, "agent:alice", message="All clear.")

    everything = updates_since(migrated_engine, incident, seen_at - timedelta(seconds=1))
    missed = updates_since(migrated_engine, incident, seen_at)  # strictly after

    assert [u["message"] for u in everything] == ["We found the cause.", "The fix is live.", "All clear."]
    assert [u["message"] for u in missed] == ["The fix is live.", "All clear."]
    assert set(missed[0]) == {"message", "author", "at"}
    assert updates_since(migrated_engine, incident, utcnow() + timedelta(minutes=1)) == []
    with pytest.raises(ValueError, match="timezone-aware"):
        updates_since(migrated_engine, incident, datetime(2024, 5, 1))


# --- detection ------------------------------------------------------------------------------------


def test_n_minus_one_tickets_suggest_nothing_and_n_suggest_one(migrated_engine):
    first = burst(migrated_engine, 1, minutes_ago=20)
    burst(migrated_engine, 3, minutes_ago=5)
    assert detect_incidents(migrated_engine, tickets=5, minutes=30, now=NOW) == []
    assert incident_rows(migrated_engine) == 0

    burst(migrated_engine, 1, minutes_ago=1)
    [suggested] = detect_incidents(migrated_engine, tickets=5, minutes=30, now=NOW)

    assert suggested["status"] == "suggested"
    assert suggested["category"] == "payment_failed"
    assert suggested["created_by"] == "detection"
    assert suggested["public_message"] == "We're seeing reports of payment problems and are looking into it."
    assert suggested["started_at"] == get_ticket(migrated_engine, first[0])["created_at"]
    assert suggested["tickets"] == []  # nobody was told about it, so nobody is linked


def test_window_edges(migrated_engine):
    burst(migrated_engine, 1, minutes_ago=31)  # too old
    burst(migrated_engine, 1, minutes_ago=-1)  # after "now"
    burst(migrated_engine, 2, minutes_ago=1)
    assert detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW) == []

    burst(migrated_engine, 1, minutes_ago=30)  # exactly on the edge counts
    assert len(detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)) == 1


def test_detection_is_idempotent_and_respects_open_incidents(migrated_engine):
    burst(migrated_engine, 3)
    burst(migrated_engine, 3, category="delivery_problem")
    declare(migrated_engine, category="delivery_problem")

    first = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)
    burst(migrated_engine, 3)
    second = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)

    assert [incident["category"] for incident in first] == ["payment_failed"]
    assert second == []
    assert incident_rows(migrated_engine) == 2


def test_other_is_never_suggested(migrated_engine):
    burst(migrated_engine, 10, category="other")
    assert detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW) == []


def test_several_categories_at_once(migrated_engine):
    burst(migrated_engine, 3, category="payment_failed")
    burst(migrated_engine, 3, category="account_access")
    burst(migrated_engine, 2, category="billing_problem")

    suggested = detect_incidents(migrated_engine, tickets=3, minutes=30, now=NOW)

    assert sorted(incident["category"] for incident in suggested) == ["account_access", "payment_failed"]


def test_tickets_from_before_a_closed_incident_do_not_count_again(migrated_engine):
    now = utcnow()
    burst(migrated_engine, 3, now=now)
    [suggested] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=now)
    closed = close_incident(migrated_engine, suggested["reference"], "staff")
    closed_at = datetime.fromisoformat(closed["closed_at"])

    later = closed_at + timedelta(minutes=1)
    assert detect_incidents(migrated_engine, tickets=3, minutes=30, now=later) == []  # the same burst

    burst(migrated_engine, 3, minutes_ago=0.5, now=later)  # a new burst after the dismissal
    [again] = detect_incidents(migrated_engine, tickets=3, minutes=30, now=later)
    assert again["reference"] != suggested["reference"]


def test_detection_defaults_come_from_the_settings_file(migrated_engine, tmp_path, monkeypatch):
    settings_file = tmp_path / "incidents.yml"
    settings_file.write_text("detection:\n  tickets: 2\n  minutes: 10\n", encoding="utf-8")
    monkeypatch.setattr(settings, "DEFAULT_SETTINGS_PATH", settings_file)
    burst(migrated_engine, 2, minutes_ago=9)

    assert len(detect_incidents(migrated_engine, now=NOW)) == 1


@pytest.mark.parametrize(
    "kwargs, mentions",
    [
        ({"tickets": 1}, "tickets must be a whole number from 2"),
        ({"tickets": "5"}, "tickets"),
        ({"tickets": True}, "tickets"),
        ({"minutes": 0}, "minutes must be a whole number from 1"),
        ({"minutes": 2.5}, "minutes"),
        ({"now": datetime(2024, 5, 1)}, "timezone-aware"),
    ],
)
def test_detection_refuses_bad_parameters(migrated_engine, kwargs, mentions):
    with pytest.raises(ValueError, match=mentions):
        detect_incidents(migrated_engine, **{"tickets": 5, "minutes": 30, **kwargs})


# --- settings: policy/incidents.yml ------------------------------------------------------------------


def test_the_shipped_settings_load():
    assert load_incident_settings() == IncidentSettings(detection_tickets=5, detection_minutes=30)


@pytest.mark.parametrize(
    "content, mentions",
    [
        ("detection: [5, 30]\n", "detection: expected a mapping"),
        ("- detection\n", "top level: expected a mapping"),
        ("", "top level: expected a mapping"),
        ("thresholds:\n  tickets: 5\n", "thresholds: unknown key"),
        ("{}\n", "detection: is required"),
        ("detection:\n  minutes: 30\n", "detection.tickets: is required"),
        ("detection:\n  tickets: 5\n", "detection.minutes: is required"),
        ("detection:\n  tickets: five\n  minutes: 30\n", "detection.tickets: must be a whole number .* 'five'"),
        ("detection:\n  tickets: 1\n  minutes: 30\n", "detection.tickets: must be a whole number from 2"),
        ("detection:\n  tickets: true\n  minutes: 30\n", "detection.tickets: .* True"),
        ("detection:\n  tickets: 5\n  minutes: 0\n", "detection.minutes: must be a whole number from 1"),
        ("detection:\n  tickets: 5\n  minutes: 1.5\n", "detection.minutes"),
        ("detection:\n  tickets: 5\n  minutes: 30\n  ticket: 4\n", "detection.ticket: unknown key"),
        ("detection: {tickets: 5, minutes: 30\n", "not valid YAML"),
    ],
)
def test_bad_settings_name_the_file_and_the_key(tmp_path, content, mentions):
    path = tmp_path / "incidents.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError, match=mentions) as raised:
        load_incident_settings(path)
    assert str(raised.value).startswith(str(path))


def test_missing_settings_file(tmp_path):
    with pytest.raises(PolicyError, match="cannot read the incident settings"):
        load_incident_settings(tmp_path / "nope.yml")


# --- database guarantees ---------------------------------------------------------------------------


def insert_incident(engine, reference: str, status: str, closed_at: str | None = None) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (reference, category, public_message, status, started_at, created_at,"
                " updated_at, closed_at, created_by) VALUES (:reference, 'payment_failed', 'm', :status,"
                " '2024-01-01 00:00:00', '2024-01-01 00:00:00', '2024-01-01 00:00:00', :closed_at, 'x')"
            ),
            {"reference": reference, "status": status, "closed_at": closed_at},
        )


def test_database_holds_one_active_incident_per_category(migrated_engine):
    insert_incident(migrated_engine, "INC-AAAAAA", "closed", "2024-01-02 00:00:00")
    insert_incident(migrated_engine, "INC-BBBBBB", "closed", "2024-01-03 00:00:00")
    insert_incident(migrated_engine, "INC-CCCCCC", "suggested")
    with pytest.raises(IntegrityError):
        insert_incident(migrated_engine, "INC-DDDDDD", "open")


def test_database_refuses_bad_incident_rows(migrated_engine):
    with pytest.raises(IntegrityError, match="ck_incidents_status"):
        insert_incident(migrated_engine, "INC-AAAAAA", "ongoing")
    with pytest.raises(IntegrityError, match="ck_incidents_closed_at"):
        insert_incident(migrated_engine, "INC-AAAAAA", "closed")


# --- command line ------------------------------------------------------------------------------------


@pytest.fixture
def cli(migrated_engine, database_url, monkeypatch, capsys):
    """Run ``python -m calmdesk.desk.incidents ...`` in-process: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_cli_declares_updates_lists_and_closes(cli, migrated_engine):
    code, out, err = cli("declare", "--category", "payment_failed", "--message", MESSAGE, "--by", "agent:alice")
    assert (code, err) == (0, "")
    reference = REFERENCE.search(out).group(0)
    assert "open" in out and MESSAGE in out

    assert cli("update", reference.lower(), "--message", "Fix is rolling out.")[0] == 0
    code, out, _ = cli("list", "--status", "open")
    assert code == 0 and reference in out and "Fix is rolling out." in out

    code, out, _ = cli("close", reference, "--message", "All clear.")
    assert code == 0 and "closed" in out
    assert cli("list", "--status", "open")[1] == "no incidents\n"
    incident = get_incident(migrated_engine, reference)
    assert incident["created_by"] == "agent:alice"
    assert [u["author"] for u in incident["updates"]] == ["staff", "staff"]


def test_cli_declare_with_a_start_time(cli, migrated_engine):
    code, out, _ = cli(
        "declare", "--category", "delivery_problem", "--message", "Parcels are late.", "--started-at",
        "2024-05-01T08:00:00Z",
    )  # fmt: skip
    assert code == 0
    reference = REFERENCE.search(out).group(0)
    assert get_incident(migrated_engine, reference)["started_at"] == "2024-05-01T08:00:00+00:00"


def test_cli_detects_and_confirms(cli, migrated_engine):
    assert cli("detect") == (0, "no new suggestions\n", "")
    burst(migrated_engine, 5, now=utcnow())  # the shipped settings: 5 tickets in 30 minutes

    code, out, _ = cli("detect")
    assert code == 0 and "suggested" in out and "confirm" in out
    reference = REFERENCE.search(out).group(0)

    code, out, _ = cli("confirm", reference, "--message", MESSAGE)
    assert code == 0 and "open" in out
    assert active_incident(migrated_engine, "payment_failed")["reference"] == reference


@pytest.mark.parametrize(
    "argv, mentions",
    [
        (["declare", "--category", "weather", "--message", "m"], "'weather'.*allowed"),
        (["declare", "--category", "other", "--message", "m"], "not 'other'"),
        (["declare", "--category", "payment_failed", "--message", " "], "must not be empty"),
        (["confirm", "INC-000000", "--message", "m"], "no incident with reference 'INC-000000'"),
        (["update", "nope", "--message", "m"], "no incident"),
        (["close", "INC-000000"], "no incident"),
        (["list", "--status", "ongoing"], "'ongoing'.*suggested, open, closed"),
    ],
)
def test_cli_bad_input_exits_non_zero_with_a_clear_error(cli, argv, mentions):
    code, out, err = cli(*argv)
    assert code == 1
    assert out == ""
    assert re.search(mentions, err), err
    assert err.startswith("error: ")


def test_cli_invalid_transition(cli):
    reference = REFERENCE.search(cli("declare", "--category", "payment_failed", "--message", "m")[1]).group(0)
    code, _, err = cli("confirm", reference, "--message", "m")
    assert code == 1 and "cannot confirm" in err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["declare", "--category", "payment_failed"],  # no --message
        ["update", "INC-000000"],
        ["declare", "--category", "payment_failed", "--message", "m", "--started-at", "2024-05-01T08:00:00"],
        ["declare", "--category", "payment_failed", "--message", "m", "--started-at", "yesterday"],
        ["explode"],
    ],
)
def test_cli_usage_errors_exit_2(cli, argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_cli_on_an_unmigrated_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["list"]) == 1
    assert "python -m calmdesk.db upgrade" in capsys.readouterr().err


def test_cli_detect_with_broken_settings(cli, tmp_path, monkeypatch):
    broken = tmp_path / "incidents.yml"
    broken.write_text("detection:\n  tickets: 0\n  minutes: 30\n", encoding="utf-8")
    monkeypatch.setattr(settings, "DEFAULT_SETTINGS_PATH", broken)
    code, _, err = cli("detect")
    assert code == 1
    assert f"{broken}: detection.tickets" in err


def test_module_docstring_names_every_command():
    doc = incidents.__doc__ or ""
    for command in ("declare", "confirm", "update", "close", "list", "detect"):
        assert f"python -m calmdesk.desk.incidents {command}" in doc
    assert Path(incidents.DEFAULT_SETTINGS_PATH).is_file()
