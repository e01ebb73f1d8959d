"""The email outbox end to end in one process: real SQLite, a real SMTP server (aiosmtpd), the real worker."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from calmdesk.desk import incidents, tickets
from calmdesk.mail import clicks, jobs, links, outbox
from calmdesk.mail.settings import MailSettings, parse_smtp_url
from calmdesk.mail.templates import load_templates
from calmdesk.mail.worker import MailWorker
from calmdesk.models import utcnow
from calmdesk.staff import console
from tests.mail.smtp import SmtpServer, html_of, text_of

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback test server

SECRET = b"k" * 32
LINK = re.compile(r"http://shop\.test/mail/l/(\S+)")


@pytest.fixture
def smtp():
    server = SmtpServer(login=("mailer", "s3cret pass")).start()  # AUTH without TLS: loopback only
    yield server
    server.stop()


def settings_for(smtp: SmtpServer | None, tmp_path: Path, **overrides) -> MailSettings:
    values = dict(enabled=True, smtp=parse_smtp_url(smtp.url) if smtp else None, mail_dir=tmp_path / "mail",
                  sender="Northwind Goods support <support@northwind.example>", reply_to="help@northwind.example",
                  base_url="http://shop.test", secret=SECRET, retry_delays=(0.0, 0.0), max_per_day=5)
    values.update(overrides)
    return MailSettings(**values)


def file_ticket(engine, conversation: str = "c-1", email: str | None = "Jane@Example.com",
                category: str = "delivery_problem", status: str | None = None) -> dict:
    draft = tickets.TicketDraft(conversation_id=conversation, category=category, anger_level="angry",
                                customer_email=email, description="My parcel never came, order 4839201",
                                status=status)
    return tickets.save_ticket(engine, draft)


def confirm(engine, settings, reference):
    return outbox.queue(engine, settings, load_templates(), reference, "confirmation",
                        {"problem": "My parcel never came", "remedy": "a full refund",
                         "timeline": "within 5 working days"})


def test_one_confirmation_per_ticket_goes_through_smtp_with_login(migrated_engine, smtp, tmp_path):
    settings = settings_for(smtp, tmp_path)
    ticket = file_ticket(migrated_engine)
    first = confirm(migrated_engine, settings, ticket["reference"])
    again = confirm(migrated_engine, settings, ticket["reference"])  # a retried action
    assert first["id"] == again["id"]

    outcomes = MailWorker(migrated_engine, settings, load_templates()).run_once()
    assert [o["status"] for o in outcomes] == ["sent"]
    [message] = smtp.wait_for("jane@example.com")
    assert message["Subject"] == f"{ticket['reference']}: what we're doing about it"
    assert message["From"] == "Northwind Goods support <support@northwind.example>"
    assert message["Reply-To"] == "help@northwind.example"
    assert message["List-Unsubscribe"].startswith("<http://shop.test/mail/l/")
    text = text_of(message)
    for expected in (ticket["reference"], "My parcel never came", "a full refund", "within 5 working days"):
        assert expected in text and expected in html_of(message)
    assert len(MailWorker(migrated_engine, settings, load_templates()).run_once()) == 0, "sent once"
    assert len(smtp.received) == 1


def test_a_failing_server_is_retried_shown_as_failed_and_delivered_after_it_is_back(migrated_engine, smtp, tmp_path):
    settings = settings_for(smtp, tmp_path, retry_delays=(0.0,))  # two attempts
    ticket = file_ticket(migrated_engine)
    queued = confirm(migrated_engine, settings, ticket["reference"])
    worker = MailWorker(migrated_engine, settings, load_templates())
    smtp.stop()
    assert worker.run_once()[0]["status"] == "pending"
    assert worker.run_once()[0]["status"] == "failed"
    [failed] = outbox.list_messages(migrated_engine, status="failed")
    assert failed["id"] == queued["id"] and failed["attempts"] == 2
    assert "Connection refused" in failed["last_error"] or "ConnectionRefused" in failed["last_error"]
    assert [a["error"] is not None for a in failed["attempt_log"]] == [True, True]

    smtp.start()
    outbox.retry_now(migrated_engine, queued["id"])
    assert worker.run_once()[0]["status"] == "sent"
    assert len(smtp.wait_for("jane@example.com")) == 1
    assert outbox.counts(migrated_engine)["failed"] == 0


def test_an_unsubscribed_address_gets_nothing_and_is_promised_nothing(migrated_engine, smtp, tmp_path):
    settings = settings_for(smtp, tmp_path)
    ticket = file_ticket(migrated_engine)
    worker = MailWorker(migrated_engine, settings, load_templates())
    confirm(migrated_engine, settings, ticket["reference"])
    worker.run_once()
    [message] = smtp.wait_for("jane@example.com")
    token = LINK.search(message["List-Unsubscribe"]).group(1).rstrip(">")
    assert clicks.follow(migrated_engine, SECRET, token).changed is True
    assert clicks.follow(migrated_engine, SECRET, token).changed is False, "twice does no harm"

    assert outbox.will_email(migrated_engine, settings, "JANE@example.com") is False
    update = outbox.queue(migrated_engine, settings, load_templates(), ticket["reference"], "incident_update",
                          {"message": "Couriers are back on the road."}, dedupe_key="1")
    assert update["status"] == "suppressed"
    worker.run_once()
    assert len(smtp.received) == 1, "nothing after unsubscribing"


def test_no_more_than_the_daily_limit_per_address(migrated_engine, smtp, tmp_path):
    settings = settings_for(smtp, tmp_path, max_per_day=2)
    ticket = file_ticket(migrated_engine)
    for key in ("1", "2", "3"):
        outbox.queue(migrated_engine, settings, load_templates(), ticket["reference"], "incident_update",
                     {"message": f"update {key}"}, dedupe_key=key)
    outcomes = MailWorker(migrated_engine, settings, load_templates()).run_once()
    assert sorted(o["status"] for o in outcomes) == ["held", "sent", "sent"]
    assert len(smtp.wait_for("jane@example.com", 2)) == 2
    [held] = outbox.list_messages(migrated_engine, status="pending")
    assert "MAIL_MAX_PER_DAY=2" in held["last_error"]


def test_without_smtp_each_email_is_an_eml_file(migrated_engine, tmp_path):
    settings = settings_for(None, tmp_path)
    ticket = file_ticket(migrated_engine)
    queued = confirm(migrated_engine, settings, ticket["reference"])
    MailWorker(migrated_engine, settings, load_templates()).run_once()
    path = tmp_path / "mail" / f"{queued['id']}-confirmation.eml"
    assert path.exists() and ticket["reference"] in path.read_text()


def test_no_address_no_email(migrated_engine, tmp_path):
    ticket = file_ticket(migrated_engine, email=None)
    assert confirm(migrated_engine, settings_for(None, tmp_path), ticket["reference"]) is None


# --- jobs: what is owed is queued once -----------------------------------------------------


def test_the_check_in_is_queued_once_when_due_and_its_links_work(migrated_engine, smtp, tmp_path):
    settings = settings_for(smtp, tmp_path)
    ticket = file_ticket(migrated_engine, status="resolved")
    tickets.schedule_follow_up(migrated_engine, ticket["reference"], utcnow() + timedelta(days=3))
    templates = load_templates()
    assert jobs.run_all(migrated_engine, settings, templates)["check_in"] == 0, "not due yet"
    later = utcnow() + timedelta(days=3, hours=1)
    assert jobs.run_all(migrated_engine, settings, templates, now=later)["check_in"] == 1
    assert jobs.run_all(migrated_engine, settings, templates, now=later)["check_in"] == 0, "once"
    MailWorker(migrated_engine, settings, templates).run_once()
    [message] = smtp.wait_for("jane@example.com", kind="check_in")
    tokens = LINK.findall(text_of(message))
    rate_4 = next(t for t in tokens if links.read_token(SECRET, t).action == "rate:4")
    not_fixed = next(t for t in tokens if links.read_token(SECRET, t).action == "not_fixed")

    assert clicks.follow(migrated_engine, SECRET, rate_4).score == 4
    assert clicks.follow(migrated_engine, SECRET, rate_4).changed is False
    assert tickets.get_ticket(migrated_engine, ticket["reference"])["satisfaction"]["score"] == 4

    assert clicks.follow(migrated_engine, SECRET, not_fixed).changed is True
    assert clicks.follow(migrated_engine, SECRET, not_fixed).changed is False, "twice does no harm"
    reopened = tickets.get_ticket(migrated_engine, ticket["reference"])
    assert (reopened["status"], reopened["handoff"], reopened["recurrent"]) == ("awaiting_agent", True, True)
    assert reopened["priority"] in ("high", "urgent")
    assert [q["reference"] for q in console.queue(migrated_engine)] == [ticket["reference"]]
    assert "still not fixed" in console.notes(migrated_engine, ticket["reference"])[0]["text"]


def test_forged_changed_or_expired_links_do_nothing(migrated_engine):
    good = links.make_token(SECRET, 1, "rate:5")
    payload, signature = good.split(".")
    with pytest.raises(links.BadLink):
        links.read_token(SECRET, links.make_token(b"other key", 1, "rate:5"))
    with pytest.raises(links.BadLink):
        links.read_token(SECRET, links.make_token(SECRET, 1, "rate:1").split(".")[0] + "." + signature)
    with pytest.raises(links.BadLink, match="expired"):
        links.read_token(SECRET, links.make_token(SECRET, 1, "rate:5", now=0))


def test_incident_news_reaches_every_linked_customer_once(migrated_engine, smtp, tmp_path):
    settings = settings_for(smtp, tmp_path)
    templates = load_templates()
    incident = incidents.declare_incident(migrated_engine, "delivery_problem", "Our courier lost a day's parcels.",
                                          "staff")
    addresses = [f"customer{n}@example.com" for n in range(3)]
    for n, address in enumerate(addresses):
        ticket = file_ticket(migrated_engine, conversation=f"c-{n}", email=address)
        incidents.link_ticket(migrated_engine, ticket["reference"], incident["reference"])
    incidents.post_update(migrated_engine, incident["reference"], "Parcels are moving again.", "staff")
    late = file_ticket(migrated_engine, conversation="c-late", email="late@example.com")
    incidents.link_ticket(migrated_engine, late["reference"], incident["reference"])  # heard it in chat already
    for _ in range(2):
        jobs.run_all(migrated_engine, settings, templates)
    incidents.close_incident(migrated_engine, incident["reference"], "staff", message="All parcels delivered.")
    jobs.run_all(migrated_engine, settings, templates)
    worker = MailWorker(migrated_engine, settings, templates)
    worker.run_once()
    worker.run_once()
    for address in addresses:
        kinds = sorted(m["X-Calmdesk-Kind"] for m in smtp.wait_for(address, 2))
        assert kinds == ["incident_closed", "incident_update"]
        assert "Parcels are moving again." in text_of(next(m for m in smtp.to(address)
                                                          if m["X-Calmdesk-Kind"] == "incident_update"))
    assert [m["X-Calmdesk-Kind"] for m in smtp.wait_for("late@example.com")] == ["incident_closed"]
    assert "All parcels delivered." in text_of(smtp.to("late@example.com")[0])


def test_a_fulfilled_remedy_is_announced_once(migrated_engine, smtp, tmp_path):
    settings = settings_for(smtp, tmp_path)
    ticket = file_ticket(migrated_engine)
    tickets.offer_remedies(migrated_engine, ticket["reference"], [tickets.RemedyOffer("refund")], actor="bot")
    tickets.set_remedy_status(migrated_engine, ticket["reference"], "refund", "accepted", "customer")
    tickets.set_remedy_status(migrated_engine, ticket["reference"], "refund", "fulfilled", "staff")
    templates = load_templates()
    assert jobs.run_all(migrated_engine, settings, templates)["remedy_fulfilled"] == 1
    assert jobs.run_all(migrated_engine, settings, templates)["remedy_fulfilled"] == 0
    MailWorker(migrated_engine, settings, templates).run_once()
    [message] = smtp.wait_for("jane@example.com")
    assert "Done, as promised: " in text_of(message) and "refund" in message["Subject"]
