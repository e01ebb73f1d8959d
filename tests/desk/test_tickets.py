"""The ticket service, as the bot and staff experience it."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from calmdesk.desk.tickets import filing, store
from calmdesk.models import Customer, Remedy, RemedyEvent, Ticket, TranscriptEntry
from calmdesk.desk.tickets import (
    NotFoundError,
    RemedyOffer,
    TicketDraft,
    TranscriptLine,
    find_ticket,
    get_ticket,
    list_tickets,
    offer_remedies,
    save_ticket,
    set_remedy_status,
)

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def line(sender: str, text: str, minutes: float = 0) -> TranscriptLine:
    return TranscriptLine(sender=sender, text=text, at=T0 + timedelta(minutes=minutes))


def remedy_history(engine, reference: str, kind: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.execute(
            select(RemedyEvent.status, RemedyEvent.actor)
            .join(Remedy, RemedyEvent.remedy_id == Remedy.id)
            .join(Ticket, Remedy.ticket_id == Ticket.id)
            .where(Ticket.reference == reference, Remedy.kind == kind)
            .order_by(RemedyEvent.id)
        )
        return [tuple(row) for row in rows]


@pytest.fixture
def ticket(migrated_engine) -> dict:
    return save_ticket(
        migrated_engine,
        TicketDraft(conversation_id="conv-1", category="delivery_problem", order_number="A-1001"),
    )


# --- filing and idempotency -----------------------------------------------------


def test_new_ticket_has_a_readable_reference_and_full_shape(migrated_engine):
    saved = save_ticket(
        migrated_engine,
        TicketDraft(
            conversation_id="conv-1",
            category="billing_problem",
            anger_level="frustrated",
            priority="high",
            order_number="A-1001",
            customer_email="ann@example.com",
            description="charged twice",
        ),
    )

    assert re.fullmatch(r"CD-[0-9A-HJKMNP-TV-Z]{6}", saved["reference"])
    assert set(saved) == {
        "reference", "conversation_id", "complaint_seq", "category", "anger_level", "priority",
        "status", "handoff", "recurrent", "order_number", "customer_email", "description",
        "remedies", "created_at", "updated_at", "transcript", "incident", "follow_up_at", "satisfaction",
    }  # fmt: skip
    assert saved["category"] == "billing_problem"
    assert saved["status"] == "open"
    assert saved["complaint_seq"] == 1
    assert saved["handoff"] is False
    assert saved["remedies"] == [] and saved["transcript"] == []
    assert saved["incident"] is None and saved["follow_up_at"] is None and saved["satisfaction"] is None
    created = datetime.fromisoformat(saved["created_at"])
    assert created.utcoffset() == timedelta(0)
    assert get_ticket(migrated_engine, saved["reference"]) == saved


def test_saving_the_same_complaint_twice_keeps_one_ticket(migrated_engine):
    draft = TicketDraft(conversation_id="conv-1", category="delivery_problem")
    first = save_ticket(migrated_engine, draft)
    second = save_ticket(migrated_engine, draft)

    assert second["reference"] == first["reference"]
    assert count(migrated_engine, Ticket) == 1


def test_second_complaint_in_a_conversation_is_a_separate_ticket(migrated_engine):
    first = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1"))
    second = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1", complaint_seq=2))

    assert first["reference"] != second["reference"]
    assert find_ticket(migrated_engine, "conv-1", 2)["reference"] == second["reference"]
    assert find_ticket(migrated_engine, "conv-1")["reference"] == first["reference"]
    assert find_ticket(migrated_engine, "conv-1", 3) is None


def test_losing_the_insert_race_updates_the_winners_ticket(migrated_engine, monkeypatch):
    """Another process files the ticket between our lookup and our insert."""
    winner = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1"))
    real_lookup = filing._ticket_by_key
    calls = []

    def stale_first_lookup(session, conversation_id, complaint_seq):
        calls.append(1)
        return None if len(calls) == 1 else real_lookup(session, conversation_id, complaint_seq)

    monkeypatch.setattr(filing, "_ticket_by_key", stale_first_lookup)
    loser = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1", priority="urgent"))

    assert len(calls) == 2  # the insert failed on the UNIQUE key and was retried
    assert loser["reference"] == winner["reference"]
    assert loser["priority"] == "urgent"
    assert count(migrated_engine, Ticket) == 1


def test_concurrent_saves_of_one_complaint_file_one_ticket(migrated_engine):
    draft = TicketDraft(conversation_id="conv-race", customer_email="race@example.com")
    references: list[str] = []
    errors: list[BaseException] = []

    def save() -> None:
        try:
            references.append(save_ticket(migrated_engine, draft)["reference"])
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=save) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(references)) == 1
    assert count(migrated_engine, Ticket) == 1
    assert count(migrated_engine, Customer) == 1


def test_reference_collision_gets_a_fresh_reference(migrated_engine, monkeypatch):
    taken = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-1"))["reference"]
    candidates = iter([taken, "CD-ZZZZZZ"])
    monkeypatch.setattr(store, "_new_reference", lambda: next(candidates))

    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-2"))

    assert saved["reference"] == "CD-ZZZZZZ"


# --- update rules ------------------------------------------------------------------


def test_anger_level_keeps_its_peak(migrated_engine):
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", anger_level="frustrated"))
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", anger_level="abusive"))
    calmer = save_ticket(migrated_engine, TicketDraft(conversation_id="c", anger_level="calm"))

    assert calmer["anger_level"] == "abusive"


def test_handoff_once_requested_stays(migrated_engine):
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", handoff=True, status="awaiting_agent"))
    later = save_ticket(migrated_engine, TicketDraft(conversation_id="c", handoff=False, status="awaiting_agent"))

    assert later["handoff"] is True


def test_missing_fields_do_not_erase_stored_ones(migrated_engine):
    save_ticket(
        migrated_engine,
        TicketDraft(conversation_id="c", order_number="A-1", customer_email="a@example.com", description="late"),
    )
    later = save_ticket(migrated_engine, TicketDraft(conversation_id="c", priority="high"))

    assert later["order_number"] == "A-1"
    assert later["customer_email"] == "a@example.com"
    assert later["description"] == "late"
    assert later["priority"] == "high"


def test_updated_at_moves_created_at_does_not(migrated_engine):
    first = save_ticket(migrated_engine, TicketDraft(conversation_id="c"))
    second = save_ticket(migrated_engine, TicketDraft(conversation_id="c", status="resolved"))

    assert second["created_at"] == first["created_at"]
    assert second["updated_at"] >= first["updated_at"]


def test_customer_is_linked_by_email_case_insensitively(migrated_engine):
    one = save_ticket(migrated_engine, TicketDraft(conversation_id="c1", customer_email="Ann.Lee@Example.COM"))
    two = save_ticket(migrated_engine, TicketDraft(conversation_id="c2", customer_email="  ann.lee@example.com "))

    assert one["customer_email"] == two["customer_email"] == "ann.lee@example.com"
    assert count(migrated_engine, Customer) == 1
    with Session(migrated_engine) as session:
        customer = session.scalars(select(Customer)).one()
        assert customer.email == "ann.lee@example.com"
        assert {t.reference for t in customer.tickets} == {one["reference"], two["reference"]}


# --- transcripts -------------------------------------------------------------------------

NASTY_TEXTS = [
    "x" * 10_240,
    "<script>alert(1)</script>",
    "'; DROP TABLE tickets; --",
    "I am 😡🤬 about my 📦 — ça ne va pas, 注文が届かない",
    "right-to-left \u202e override, zero\u200bwidth, bell\x07, tab\t, newline\nand\r\n CRLF",
    "",
]


def test_transcript_is_stored_verbatim(migrated_engine):
    lines = [line("customer" if i % 2 == 0 else "bot", text, i) for i, text in enumerate(NASTY_TEXTS)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=lines))

    stored = get_ticket(migrated_engine, saved["reference"])["transcript"]
    assert [entry["text"] for entry in stored] == NASTY_TEXTS
    assert [entry["sender"] for entry in stored] == [l.sender for l in lines]
    assert [datetime.fromisoformat(entry["at"]) for entry in stored] == [l.at for l in lines]
    assert count(migrated_engine, Ticket) == 1  # the "DROP TABLE" really was just text


def test_transcript_is_replaced_whole_or_kept(migrated_engine):
    first = [line("customer", "where is my parcel", 0), line("bot", "let me check", 1)]
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=first))

    kept = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=None))
    assert [e["text"] for e in kept["transcript"]] == ["where is my parcel", "let me check"]

    rewritten = [line("customer", "where is my parcel", 0), line("bot", "sorry, let me check", 1)]
    replaced = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=rewritten))
    assert [e["text"] for e in replaced["transcript"]] == ["where is my parcel", "sorry, let me check"]

    nothing_new = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=[]))
    assert [e["text"] for e in nothing_new["transcript"]] == ["where is my parcel", "sorry, let me check"]


def test_a_later_session_adds_to_the_transcript_and_keeps_the_earlier_one(migrated_engine):
    """After a finished complaint Rasa starts a new session: the draft holds only the new session's lines."""
    first = [line("customer", "where is my parcel", 0), line("bot", "let me check", 1)]
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=first))

    later = [line("customer", "still nothing", 5), line("agent", "I am on it", 6)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=later))
    assert [e["text"] for e in saved["transcript"]] == ["where is my parcel", "let me check", "still nothing",
                                                        "I am on it"]

    grown = later + [line("bot", "thanks for waiting", 7)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=grown))
    assert [e["text"] for e in saved["transcript"]] == ["where is my parcel", "let me check", "still nothing",
                                                        "I am on it", "thanks for waiting"]
    assert [e["at"] for e in saved["transcript"]] == sorted(e["at"] for e in saved["transcript"])


def transcript_rows(engine) -> list[tuple[int, int, str]]:
    with Session(engine) as session:
        return [(e.id, e.position, e.text) for e in session.scalars(select(TranscriptEntry).order_by(
            TranscriptEntry.position))]


def test_a_growing_transcript_is_appended_to_not_rewritten(migrated_engine):
    first = [line("customer", "where is my parcel", 0), line("bot", "let me check", 1)]
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=first))
    before = transcript_rows(migrated_engine)

    grown = first + [line("customer", "any news?", 2)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=grown))
    assert [e["text"] for e in saved["transcript"]] == ["where is my parcel", "let me check", "any news?"]
    after = transcript_rows(migrated_engine)
    assert after[:2] == before, "the lines already stored are left alone"
    assert after[2][1:] == (2, "any news?")

    # A line that changed (e.g. masked later) rewrites from there on, and positions stay dense.
    edited = [first[0], line("bot", "let me check that", 1), line("customer", "any news?", 2)]
    saved = save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=edited))
    assert [e["text"] for e in saved["transcript"]] == ["where is my parcel", "let me check that", "any news?"]
    rows = transcript_rows(migrated_engine)
    assert rows[0] == before[0] and [r[1] for r in rows] == [0, 1, 2]

    # The same words stamped a moment later (Rasa's time for what the bot said) are not a change.
    restamped = [edited[0], line("bot", "let me check that", 1.01), edited[2]]
    save_ticket(migrated_engine, TicketDraft(conversation_id="c", transcript=restamped))
    assert transcript_rows(migrated_engine) == rows, "nothing rewritten"


def test_transcript_times_come_back_in_utc(migrated_engine):
    berlin = timezone(timedelta(hours=2))
    at = datetime(2024, 5, 1, 11, 30, tzinfo=berlin)
    saved = save_ticket(
        migrated_engine, TicketDraft(conversation_id="c", transcript=[TranscriptLine("customer", "hi", at)])
    )
    assert get_ticket(migrated_engine, saved["reference"])["transcript"][0]["at"] == "2024-05-01T09:30:00+00:00"


def test_nul_characters_are_replaced_not_rejected(migrated_engine):
    saved = save_ticket(
        migrated_engine, TicketDraft(conversation_id="c", transcript=[line("customer", "a\x00b")])
    )
    assert saved["transcript"][0]["text"] == "a\ufffdb"


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [("category", "rude_parrot"), ("anger_level", "livid"), ("priority", "asap"), ("status", "pending")],
)
def test_unknown_vocabulary_is_refused_with_the_allowed_values(migrated_engine, field, value):
    draft = TicketDraft(conversation_id="c", **{field: value})
    with pytest.raises(ValueError, match=value) as raised:
        save_ticket(migrated_engine, draft)
    assert "allowed" in str(raised.value)
    assert count(migrated_engine, Ticket) == 0


def test_unknown_sender_is_refused(migrated_engine):
    draft = TicketDraft(conversation_id="c", transcript=[line("parrot", "squawk")])
    with pytest.raises(ValueError, match="'parrot'.*customer, bot, agent"):
        save_ticket(migrated_engine, draft)


def test_naive_transcript_time_is_refused(migrated_engine):
    draft = TicketDraft(conversation_id="c", transcript=[TranscriptLine("bot", "hi", datetime(2024, 1, 1))])
    with pytest.raises(ValueError, match="timezone-aware"):
        save_ticket(migrated_engine, draft)


@pytest.mark.parametrize(
    "draft",
    [
        TicketDraft(conversation_id=""),
        TicketDraft(conversation_id="c", complaint_seq=0),
        TicketDraft(conversation_id="c", order_number="9" * 65),
        TicketDraft(conversation_id="c", handoff="yes"),  # type: ignore[arg-type]
    ],
)
def test_malformed_drafts_are_refused(migrated_engine, draft):
    with pytest.raises(ValueError):
        save_ticket(migrated_engine, draft)


# --- remedies ----------------------------------------------------------------------------------


def test_offering_remedies_is_idempotent_and_recorded(migrated_engine, ticket):
    offers = [RemedyOffer("discount", 15, "percent"), RemedyOffer("expedited_reship")]
    offer_remedies(migrated_engine, ticket["reference"], offers)
    again = offer_remedies(migrated_engine, ticket["reference"], offers + [RemedyOffer("discount", 99, "percent")])

    assert [{k: v for k, v in r.items() if k != "history"} for r in again["remedies"]] == [
        {"kind": "discount", "amount": 15.0, "unit": "percent", "status": "offered"},
        {"kind": "expedited_reship", "amount": None, "unit": None, "status": "offered"},
    ]
    assert remedy_history(migrated_engine, ticket["reference"], "discount") == [("offered", "bot")]


def test_remedy_walks_through_its_lifecycle_with_history(migrated_engine, ticket):
    ref = ticket["reference"]
    offer_remedies(migrated_engine, ref, [RemedyOffer("refund", 24.99, "currency")])

    set_remedy_status(migrated_engine, ref, "refund", "accepted", actor="customer")
    set_remedy_status(migrated_engine, ref, "refund", "accepted", actor="customer")  # no-op
    done = set_remedy_status(migrated_engine, ref, "refund", "fulfilled", actor="agent:alice")

    [refund] = done["remedies"]
    assert {k: v for k, v in refund.items() if k != "history"} == {
        "kind": "refund", "amount": 24.99, "unit": "currency", "status": "fulfilled"}
    # The ticket itself says who moved the remedy, and when.
    assert [(h["status"], h["actor"]) for h in refund["history"]] == [
        ("offered", "bot"), ("accepted", "customer"), ("fulfilled", "agent:alice")]
    assert all(h["at"].endswith("+00:00") for h in refund["history"])
    assert remedy_history(migrated_engine, ref, "refund") == [
        ("offered", "bot"),
        ("accepted", "customer"),
        ("fulfilled", "agent:alice"),
    ]


def test_a_customer_may_change_their_mind_until_the_remedy_is_fulfilled(migrated_engine, ticket):
    ref = ticket["reference"]
    offer_remedies(migrated_engine, ref, [RemedyOffer("store_credit", 10, "currency")])
    set_remedy_status(migrated_engine, ref, "store_credit", "declined", actor="customer")
    set_remedy_status(migrated_engine, ref, "store_credit", "accepted", actor="customer")
    set_remedy_status(migrated_engine, ref, "store_credit", "fulfilled", actor="agent:alice")

    with pytest.raises(ValueError, match="'fulfilled' to 'declined'.*final"):
        set_remedy_status(migrated_engine, ref, "store_credit", "declined", actor="customer")
    assert remedy_history(migrated_engine, ref, "store_credit") == [
        ("offered", "bot"), ("declined", "customer"), ("accepted", "customer"), ("fulfilled", "agent:alice"),
    ]


@pytest.mark.parametrize("target", ["fulfilled", "offered"])
def test_invalid_remedy_transitions_are_refused(migrated_engine, ticket, target):
    ref = ticket["reference"]
    offer_remedies(migrated_engine, ref, [RemedyOffer("replacement")])
    if target == "offered":
        set_remedy_status(migrated_engine, ref, "replacement", "accepted", actor="customer")

    with pytest.raises(ValueError, match="cannot change the replacement remedy"):
        set_remedy_status(migrated_engine, ref, "replacement", target, actor="agent:bob")


def test_remedy_status_change_that_lost_a_race_is_rechecked(migrated_engine, ticket, monkeypatch):
    """Someone fulfils the refund between our read and our write; our 'decline' must not win."""
    ref = ticket["reference"]
    offer_remedies(migrated_engine, ref, [RemedyOffer("refund")])
    real_lookup = filing._ticket_by_reference_or_raise
    calls = []

    def lookup_then_someone_else_accepts(session, reference):
        found = real_lookup(session, reference)
        found.remedies  # we have read "offered" ...
        if not calls:  # ... and now another process accepts it
            with migrated_engine.begin() as other:
                other.execute(text("UPDATE remedies SET status = 'fulfilled'"))
        calls.append(1)
        return found

    monkeypatch.setattr(filing, "_ticket_by_reference_or_raise", lookup_then_someone_else_accepts)
    with pytest.raises(ValueError, match="from 'fulfilled' to 'declined'"):
        set_remedy_status(migrated_engine, ref, "refund", "declined", actor="customer")
    assert len(calls) == 2


def test_remedy_errors_name_the_problem(migrated_engine, ticket):
    ref = ticket["reference"]
    with pytest.raises(ValueError, match="'voucher'.*allowed: refund"):
        offer_remedies(migrated_engine, ref, [RemedyOffer("voucher")])
    with pytest.raises(ValueError, match="unit"):
        offer_remedies(migrated_engine, ref, [RemedyOffer("discount", 10, "bananas")])
    with pytest.raises(ValueError, match="at most 100"):
        offer_remedies(migrated_engine, ref, [RemedyOffer("discount", 150, "percent")])
    with pytest.raises(ValueError, match="'gone'"):
        set_remedy_status(migrated_engine, ref, "refund", "gone", actor="bot")
    with pytest.raises(NotFoundError, match="no 'refund' remedy"):
        set_remedy_status(migrated_engine, ref, "refund", "accepted", actor="customer")
    with pytest.raises(NotFoundError):
        offer_remedies(migrated_engine, "CD-000000", [RemedyOffer("refund")])


# --- reading -------------------------------------------------------------------------------------


def test_get_ticket_is_case_insensitive_and_none_for_unknown(migrated_engine, ticket):
    assert get_ticket(migrated_engine, ticket["reference"].lower())["reference"] == ticket["reference"]
    assert get_ticket(migrated_engine, "CD-000000") is None
    assert get_ticket(migrated_engine, "not a reference at all \x00") is None


def test_list_tickets_filters_and_orders_newest_first(migrated_engine):
    a = save_ticket(migrated_engine, TicketDraft(conversation_id="c1", category="delivery_problem"))
    b = save_ticket(migrated_engine, TicketDraft(conversation_id="c1", complaint_seq=2, category="billing_problem"))
    c = save_ticket(migrated_engine, TicketDraft(conversation_id="c2", category="delivery_problem", status="closed"))

    def refs(**filters) -> list[str]:
        return [t["reference"] for t in list_tickets(migrated_engine, **filters)]

    assert refs() == [c["reference"], b["reference"], a["reference"]]
    assert refs(conversation_id="c1") == [b["reference"], a["reference"]]
    assert refs(category="delivery_problem") == [c["reference"], a["reference"]]
    assert refs(status="closed") == [c["reference"]]
    assert refs(status="open", category="delivery_problem") == [a["reference"]]
    assert refs(limit=1) == [c["reference"]]
    assert refs(conversation_id="nobody") == []


@pytest.mark.parametrize(
    "filters", [{"status": "pending"}, {"category": "weather"}, {"limit": 0}, {"limit": 501}]
)
def test_list_tickets_refuses_bad_filters(migrated_engine, filters):
    with pytest.raises(ValueError):
        list_tickets(migrated_engine, **filters)


def test_a_later_save_keeps_the_status_and_never_lowers_the_priority(migrated_engine):
    """A resolved ticket does not reopen because the customer vents once more."""
    first = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-9", priority="urgent", status="resolved"))
    again = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-9", priority="normal"))
    assert again["reference"] == first["reference"]
    assert again["status"] == "resolved"
    assert again["priority"] == "urgent"
    new = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-10"))
    assert new["status"] == "open"
    moved = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-9", status="awaiting_agent"))
    assert moved["status"] == "awaiting_agent"


def test_a_recurrent_ticket_stays_recurrent_when_saved_again(migrated_engine):
    save_ticket(migrated_engine, TicketDraft(conversation_id="conv-11", recurrent=True))
    again = save_ticket(migrated_engine, TicketDraft(conversation_id="conv-11"))
    assert again["recurrent"] is True


def test_a_summary_save_returns_the_tickets_own_fields_and_stores_everything(migrated_engine):
    """What a turn gets back: the same fields as the full ticket, without reading remedies or transcript back."""
    draft = TicketDraft(conversation_id="c", category="billing_problem", order_number="A12345",
                        transcript=[line("customer", "charged twice", 0)])
    summary = save_ticket(migrated_engine, draft, summary=True)
    full = get_ticket(migrated_engine, summary["reference"])
    assert "transcript" not in summary and "remedies" not in summary
    assert {key: full[key] for key in summary} == summary
    assert [entry["text"] for entry in full["transcript"]] == ["charged twice"]
