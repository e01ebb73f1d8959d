"""The email words (policy/emails.yml): escaping, masking, and broken templates refused at start-up."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from calmdesk.desk.remedies import PolicyError
from calmdesk.mail.templates import DEFAULT_TEMPLATES_PATH, VARIABLES, Link, load_templates, parse_templates

RAW = yaml.safe_load(DEFAULT_TEMPLATES_PATH.read_text())
PATH = Path("policy/emails.yml")
CARD = "4111 1111 1111 1111"


def links(kind: str) -> dict:
    values = {"conversation_link": Link("https://shop.example/mail/l/resume-token"),
              "unsubscribe_link": Link("https://shop.example/mail/l/unsub-token")}
    if kind == "check_in":
        values["rating_links"] = [Link(f"https://shop.example/mail/l/rate-{n}", str(n)) for n in range(1, 6)]
        values["not_fixed_link"] = Link("https://shop.example/mail/l/not-fixed")
    return values


def confirmation(problem: str):
    return load_templates().render("confirmation", {
        "reference": "CD-7K3M9Q", "problem": problem, "remedy": "a full refund",
        "timeline": "the refund reaches your card within 5 working days", **links("confirmation")})


def test_the_shipped_templates_load_and_every_kind_renders():
    templates = load_templates()
    for kind, names in VARIABLES.items():
        values = {name: f"value of {name}" for name in names if name not in ("rating_links", "not_fixed_link")}
        rendered = templates.render(kind, {"reference": "CD-7K3M9Q", **values, **links(kind)})
        assert "CD-7K3M9Q" in rendered.subject
        assert "$" not in rendered.text and "$" not in rendered.html
        assert "Northwind Goods" in rendered.text, "the shop's name"
        assert "https://shop.example/mail/l/unsub-token" in rendered.text, "every email can be stopped"
        assert "because you contacted Northwind Goods support" in rendered.text, "the footer says why"


def test_customer_words_are_escaped_in_the_html_and_kept_as_words_in_the_text():
    rendered = confirmation('<script>alert("x")</script> <a href="https://evil.example">click</a>')
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert 'href="https://evil.example"' not in rendered.html
    assert '<script>alert("x")</script>' in rendered.text, "plain text shows what they wrote"


def test_a_variable_typed_by_the_customer_is_not_filled_in():
    rendered = confirmation("why is ${reference} and $unsubscribe_link in my order notes")
    assert "why is ${reference} and $unsubscribe_link in my order notes" in rendered.text


def test_card_numbers_and_passwords_are_masked_in_both_versions():
    rendered = confirmation(f"charged twice on {CARD}, my password is hunter22")
    for body in (rendered.text, rendered.html):
        assert CARD not in body and "4111" not in body and "hunter22" not in body
        assert "[card number removed]" in body and "[password removed]" in body


def test_links_are_addresses_in_text_and_labelled_links_in_html():
    rendered = confirmation("parcel never came")
    assert "https://shop.example/mail/l/resume-token" in rendered.text
    assert '<a href="https://shop.example/mail/l/resume-token"' in rendered.html
    assert ">Go back to our chat</a>" in rendered.html


def test_render_refuses_a_missing_value_so_code_cannot_forget_one():
    with pytest.raises(ValueError, match="timeline"):
        load_templates().render("confirmation", {"reference": "CD-1", "problem": "x", "remedy": "y",
                                                 **links("confirmation")})


def broken(change) -> dict:
    raw = copy.deepcopy(RAW)
    change(raw)
    return raw


@pytest.mark.parametrize("change, message", [
    (lambda r: r["emails"]["confirmation"].update(subject="$reference for $customer_name"),
     r"emails.confirmation.subject: unknown variable\(s\) \$customer_name"),
    (lambda r: r["emails"]["check_in"].update(body="Rate us: $rating_link"), r"\$rating_link"),
    (lambda r: r["emails"]["confirmation"].update(body="it costs $5"), r"a '\$' that is not a variable"),
    (lambda r: r["emails"]["agent_reply"].update(subject="see $conversation_link"), "cannot hold a link"),
    (lambda r: r["emails"].pop("check_in"), r"missing \['check_in'\]"),
    (lambda r: r["emails"].update(newsletter={"subject": "x", "body": "y"}), "unknown kind"),
    (lambda r: r.update(footer="Thanks from $shop_name"), "must hold \\$unsubscribe_link"),
    (lambda r: r["emails"]["confirmation"].update(body="${__import__('os').system('id')}"), "not a variable"),
], ids=["unknown-variable", "misspelt-variable", "stray-dollar", "link-in-subject", "missing-kind", "unknown-kind",
        "no-unsubscribe", "expression"])
def test_a_broken_template_fails_when_loaded_not_when_sent(change, message):
    with pytest.raises(PolicyError, match=message):
        parse_templates(broken(change), PATH)


def test_a_dollar_sign_is_written_twice():
    templates = parse_templates(broken(lambda r: r["emails"]["remedy_fulfilled"].update(
        body="Your $$10 credit: $remedy")), PATH)
    rendered = templates.render("remedy_fulfilled", {"reference": "CD-1", "remedy": "store credit",
                                                     **links("remedy_fulfilled")})
    assert "Your $10 credit: store credit" in rendered.text


def test_the_web_app_refuses_to_start_with_broken_templates(tmp_path, monkeypatch):
    """Start-up, not send time: create_app loads the words like the remedy policy."""
    from calmdesk.web.app import create_app

    bad = tmp_path / "emails.yml"
    bad.write_text(yaml.safe_dump(broken(lambda r: r["emails"]["confirmation"].update(subject="$oops"))))
    monkeypatch.setenv("EMAIL_TEMPLATES_FILE", str(bad))
    with pytest.raises(PolicyError, match=r"\$oops"):
        create_app(api_token="t")
