"""A remedy's timeline for a customer we cannot email (policy/remedies.yml: timeline_no_email).

"You'll get tracking by email" to a customer who gave no address is a promise
the shop cannot keep, so a timeline that promises an email must say what
happens without one, and the check names the key when it does not.
"""
from __future__ import annotations

import pytest

from calmdesk.desk.remedies import PolicyError, load_policy
from tests.desk.test_remedies import raw, write  # noqa: F401  (the fixture and the writer)


def test_the_shipped_policy_never_promises_email_to_a_customer_without_an_address():
    policy = load_policy()
    offers = [*policy.offers.values(), *(o for variants in policy.variants.values() for o in variants.values())]
    for remedies in offers:
        for remedy in remedies:
            text = remedy.timeline_for(emailed=False).lower()
            assert "email" not in text and "inbox" not in text, remedy


def test_with_an_address_the_timeline_is_the_usual_one(tmp_path, raw):  # noqa: F811
    raw["remedies"]["replacement"].update(timeline="ships tomorrow, tracking by email",
                                          timeline_no_email="ships tomorrow; ask here for tracking")
    replacement = load_policy(write(tmp_path, raw)).remedy("damaged_or_wrong_item", "replacement")
    assert replacement.timeline_for(emailed=True) == "ships tomorrow, tracking by email"
    assert replacement.timeline_for(emailed=False) == "ships tomorrow; ask here for tracking"


def test_a_timeline_without_email_needs_no_second_wording(tmp_path, raw):  # noqa: F811
    refund = load_policy(write(tmp_path, raw)).remedy("billing_problem", "refund")
    assert refund.timeline_for(emailed=False) == refund.timeline


def test_a_timeline_promising_email_without_a_no_email_wording_is_refused_by_key(tmp_path, raw):  # noqa: F811
    raw["remedies"]["discount"]["timeline"] = "the code will be in your inbox within the hour"
    path = write(tmp_path, raw)
    with pytest.raises(PolicyError, match=r"remedies\.discount\.timeline_no_email: the timeline promises an email"):
        load_policy(path)


def test_the_no_email_wording_may_not_promise_email_either(tmp_path, raw):  # noqa: F811
    raw["remedies"]["discount"].update(timeline="in your inbox", timeline_no_email="we'll email it")
    with pytest.raises(PolicyError, match=r"remedies\.discount\.timeline_no_email: must not promise an email"):
        load_policy(write(tmp_path, raw))


def test_a_category_timeline_may_not_promise_email(tmp_path, raw):  # noqa: F811
    raw["categories"]["billing_problem"]["timelines"] = {"refund": "we'll email you when it's sent"}
    with pytest.raises(PolicyError, match=r"categories\.billing_problem\.timelines\.refund: .*may not promise an email"):
        load_policy(write(tmp_path, raw))
