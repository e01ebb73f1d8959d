"""The remedy policy support leads edit, and how typed answers pick a remedy."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from calmdesk.remedies import DEFAULT_POLICY_PATH, PolicyError, Remedy, load_policy, match_remedy, parse_policy
from calmdesk.taxonomy import CATEGORIES, REMEDY_KINDS

# --- the shipped policy ------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_policy()


@pytest.fixture
def raw() -> dict:
    """A small valid policy, as support leads would write it."""
    return {
        "currency": "€",
        "limits": {"max_discount_percent": 30, "max_credit": 100},
        "remedies": {
            "refund": {"label": "a full refund", "timeline": "within 3–5 working days"},
            "replacement": {"label": "a replacement", "timeline": "ships tomorrow"},
            "discount": {"amount": 15, "unit": "percent", "label": "{amount}% off your next order",
                         "timeline": "the code arrives within the hour"},
            "store_credit": {"amount": 20, "unit": "currency", "label": "{currency}{amount} store credit",
                             "timeline": "on your account within 24 hours"},
            "goodwill": {"amount": 10, "unit": "currency", "label": "a {currency}{amount} goodwill credit",
                         "timeline": "on your account within 24 hours"},
        },
        "categories": {
            "damaged_or_wrong_item": {"offer": ["replacement", "refund", "store_credit"]},
            "billing_problem": {"offer": ["refund", "store_credit"], "labels": {"refund": "a refund of the wrong charge"}},
            "other": {"offer": ["goodwill", "discount"]},
        },
    }


def write(tmp_path: Path, raw, name: str = "remedies.yml") -> Path:
    path = tmp_path / name
    path.write_text(raw if isinstance(raw, str) else yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_policy_loads(shipped):
    assert set(shipped.offers) == set(CATEGORIES)
    assert shipped.currency == "€"


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_shipped_policy_offers_something_for_every_category(shipped, category):
    offers = shipped.offers_for(category)
    assert offers
    for remedy in offers:
        assert remedy.kind in REMEDY_KINDS
        assert remedy.label.strip() and remedy.timeline.strip()
        assert "{" not in remedy.label + remedy.timeline  # every placeholder filled in
    assert len({r.kind for r in offers}) == len(offers)  # no remedy offered twice


def test_the_shipped_policy_words_amounts_with_the_currency(shipped):
    credit = shipped.remedy("delivery_problem", "store_credit")
    assert credit == Remedy("store_credit", "€20 store credit",
                            "the credit will show on your account within 24 hours", 20.0, "currency")
    assert shipped.remedy("other", "discount").label == "15% off your next order"


def test_a_category_override_changes_the_wording_only_there(shipped):
    assert shipped.remedy("billing_problem", "refund").label == "a refund of the wrong charge"
    assert shipped.remedy("product_defect", "refund").label == "a full refund"


def test_the_default_remedy_comes_first(tmp_path, raw):
    raw["categories"]["damaged_or_wrong_item"]["default"] = "refund"
    policy = load_policy(write(tmp_path, raw))
    assert [r.kind for r in policy.offers_for("damaged_or_wrong_item")] == ["refund", "replacement", "store_credit"]


def test_without_a_default_the_first_listed_remedy_is_the_default(tmp_path, raw):
    policy = load_policy(write(tmp_path, raw))
    assert [r.kind for r in policy.offers_for("damaged_or_wrong_item")] == ["replacement", "refund", "store_credit"]


def test_a_category_the_policy_does_not_mention_gets_the_other_offers(tmp_path, raw):
    policy = load_policy(write(tmp_path, raw))
    assert policy.offers_for("delivery_problem") == policy.offers_for("other")
    assert [r.kind for r in policy.offers_for("delivery_problem")] == ["goodwill", "discount"]
    assert policy.remedy("delivery_problem", "refund") is None


def test_load_policy_accepts_a_string_path(tmp_path, raw):
    policy = load_policy(str(write(tmp_path, raw)))
    assert policy.remedy("other", "goodwill").label == "a €10 goodwill credit"


def test_the_currency_comes_from_the_policy(tmp_path, raw):
    raw["currency"] = "£"
    policy = load_policy(write(tmp_path, raw))
    assert policy.remedy("other", "goodwill").label == "a £10 goodwill credit"


def test_an_amount_exactly_at_the_limit_is_allowed(tmp_path, raw):
    raw["remedies"]["discount"]["amount"] = 30
    raw["remedies"]["store_credit"]["amount"] = 100
    policy = load_policy(write(tmp_path, raw))
    assert policy.remedy("other", "discount").label == "30% off your next order"
    assert policy.remedy("billing_problem", "store_credit").amount == 100


def test_parse_policy_reports_the_path_it_is_given(raw):
    raw["categories"]["lost_pets"] = {"offer": ["refund"]}
    with pytest.raises(PolicyError, match=r"^some/where\.yml: categories\.lost_pets: unknown category"):
        parse_policy(raw, Path("some/where.yml"))


def test_policy_error_is_a_value_error():
    assert issubclass(PolicyError, ValueError)


# --- invalid policies: a clear message naming the file and the key -----------


def _unknown_category(raw):
    raw["categories"]["lost_pets"] = {"offer": ["refund"]}


def _unknown_remedy_kind(raw):
    raw["remedies"]["free_pony"] = {"label": "a pony", "timeline": "tomorrow"}


def _offer_of_unknown_kind(raw):
    raw["categories"]["other"]["offer"] = ["goodwill", "free_pony"]


def _default_not_offered(raw):
    raw["categories"]["billing_problem"]["default"] = "replacement"


def _discount_over_limit(raw):
    raw["remedies"]["discount"]["amount"] = 50


def _credit_over_limit(raw):
    raw["remedies"]["store_credit"]["amount"] = 150


def _negative_amount(raw):
    raw["remedies"]["goodwill"]["amount"] = -5


def _zero_amount(raw):
    raw["remedies"]["goodwill"]["amount"] = 0


def _text_amount(raw):
    raw["remedies"]["goodwill"]["amount"] = "ten"


def _unit_without_amount(raw):
    raw["remedies"]["refund"]["unit"] = "percent"


def _amount_without_unit(raw):
    del raw["remedies"]["goodwill"]["unit"]


def _unknown_unit(raw):
    raw["remedies"]["goodwill"]["unit"] = "dollars"


def _bad_placeholder_in_label(raw):
    raw["remedies"]["discount"]["label"] = "{percent}% off your next order"


def _bad_placeholder_in_category_label(raw):
    raw["categories"]["billing_problem"]["labels"]["refund"] = "{amt} back on your card"


def _bad_placeholder_in_timeline(raw):
    raw["remedies"]["refund"]["timeline"] = "within {days} days"


def _unclosed_brace_in_label(raw):
    raw["remedies"]["refund"]["label"] = "a full refund {"


def _attribute_in_label(raw):
    raw["remedies"]["refund"]["label"] = "a full refund of {amount.real}"


def _empty_label(raw):
    raw["remedies"]["refund"]["label"] = "  "


def _missing_timeline(raw):
    del raw["remedies"]["refund"]["timeline"]


def _missing_other(raw):
    del raw["categories"]["other"]


def _empty_offer(raw):
    raw["categories"]["other"]["offer"] = []


def _offer_not_a_list(raw):
    raw["categories"]["other"]["offer"] = "goodwill"


def _wording_for_unoffered(raw):
    raw["categories"]["other"]["labels"] = {"refund": "your money back"}


def _remedies_not_a_mapping(raw):
    raw["remedies"] = ["refund", "goodwill"]


def _limit_not_a_number(raw):
    raw["limits"]["max_credit"] = "100 euros"


@pytest.mark.parametrize(
    "break_it, key, reason",
    [
        (_unknown_category, "categories.lost_pets", "unknown category"),
        (_unknown_remedy_kind, "remedies.free_pony", "unknown remedy kind"),
        (_offer_of_unknown_kind, "categories.other.offer", "'free_pony' is not defined"),
        (_default_not_offered, "categories.billing_problem.default", "'replacement' is not in the offer list"),
        (_discount_over_limit, "remedies.discount.amount", "over limits.max_discount_percent (30)"),
        (_credit_over_limit, "remedies.store_credit.amount", "over limits.max_credit (100)"),
        (_negative_amount, "remedies.goodwill.amount", "must be a positive number, got -5"),
        (_zero_amount, "remedies.goodwill.amount", "must be a positive number"),
        (_text_amount, "remedies.goodwill.amount", "must be a positive number, got 'ten'"),
        (_unit_without_amount, "remedies.refund", "'unit' given without 'amount'"),
        (_amount_without_unit, "remedies.goodwill.unit", "must be one of percent, currency"),
        (_unknown_unit, "remedies.goodwill.unit", "got 'dollars'"),
        (_bad_placeholder_in_label, "remedies.discount.label", "only {amount} and {currency} may be used"),
        (_bad_placeholder_in_category_label, "categories.billing_problem.labels.refund", "only {amount} and {currency}"),
        (_bad_placeholder_in_timeline, "remedies.refund.timeline", "only {amount} and {currency}"),
        (_unclosed_brace_in_label, "remedies.refund.label", "only {amount} and {currency}"),
        (_attribute_in_label, "remedies.refund.label", "only {amount} and {currency}"),
        (_empty_label, "remedies.refund.label", "must be a non-empty text"),
        (_missing_timeline, "remedies.refund.timeline", "must be a non-empty text"),
        (_missing_other, "categories", "'other' is required"),
        (_empty_offer, "categories.other.offer", "must be a non-empty list"),
        (_offer_not_a_list, "categories.other.offer", "must be a non-empty list"),
        (_wording_for_unoffered, "categories.other", "wording given for 'refund', which is not offered here"),
        (_remedies_not_a_mapping, "remedies", "expected a mapping, got list"),
        (_limit_not_a_number, "limits.max_credit", "must be a number"),
    ],
)
def test_an_invalid_policy_names_the_file_and_the_offending_key(tmp_path, raw, break_it, key, reason):
    broken = copy.deepcopy(raw)
    break_it(broken)
    path = write(tmp_path, broken)
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    message = str(error.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert reason in message


def test_an_unknown_category_error_lists_the_allowed_ones(tmp_path, raw):
    _unknown_category(raw)
    with pytest.raises(PolicyError) as error:
        load_policy(write(tmp_path, raw))
    for category in CATEGORIES:
        assert category in str(error.value)


@pytest.mark.parametrize(
    "text",
    [
        "categories: [unclosed\n  - : :\n",
        "currency: '€'\n\tremedies: x\n",
    ],
)
def test_a_file_that_is_not_yaml_at_all_is_a_policy_error(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError, match="not valid YAML") as error:
        load_policy(path)
    assert str(error.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    "text, problem",
    [
        ("- refund\n- goodwill\n", "top level: expected a mapping, got list"),
        ("just some words\n", "top level: expected a mapping, got str"),
        ("", "categories: 'other' is required"),
    ],
)
def test_yaml_that_is_not_a_policy_is_a_policy_error(tmp_path, text, problem):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    assert str(error.value).startswith(f"{path}: {problem}")


def test_a_missing_file_is_a_policy_error_naming_it(tmp_path):
    path = tmp_path / "nowhere" / "remedies.yml"
    with pytest.raises(PolicyError, match="cannot read the remedy policy") as error:
        load_policy(path)
    assert str(error.value).startswith(f"{path}: ")


def test_a_directory_instead_of_a_file_is_a_policy_error(tmp_path):
    with pytest.raises(PolicyError, match="cannot read the remedy policy"):
        load_policy(tmp_path)


def test_without_a_path_the_shipped_file_is_read():
    assert DEFAULT_POLICY_PATH.name == "remedies.yml" and DEFAULT_POLICY_PATH.exists()
    assert load_policy() == load_policy(DEFAULT_POLICY_PATH)


# --- matching a typed answer to an offered remedy ----------------------------

OFFERED = ["refund", "store_credit"]


@pytest.mark.parametrize(
    "text, offered, expected",
    [
        ("refund please", OFFERED, "refund"),
        ("I'd like my money back", OFFERED, "refund"),
        ("the credit", OFFERED, "store_credit"),
        ("a voucher is fine", OFFERED, "store_credit"),
        ("STORE CREDIT", OFFERED, "store_credit"),
        ("a new one", ["replacement", "refund"], "replacement"),
        ("can you just exchange it", ["replacement", "refund", "store_credit"], "replacement"),
        ("express delivery please", ["expedited_reship", "refund", "store_credit"], "expedited_reship"),
        ("the discount please", ["store_credit", "discount", "goodwill"], "discount"),
        ("some compensation would be nice", ["goodwill", "discount"], "goodwill"),
    ],
)
def test_a_remedy_named_in_words_is_picked(text, offered, expected):
    assert match_remedy(text, offered) == expected


@pytest.mark.parametrize("offered", [["store_credit", "goodwill"], ["goodwill", "store_credit"]])
def test_the_longest_name_wins(offered):
    # "credit" alone names store credit, but "goodwill credit" is the goodwill gesture
    assert match_remedy("the goodwill credit please", offered) == "goodwill"
    assert match_remedy("store credit", offered) == "store_credit"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the first one", "goodwill"),
        ("1st", "goodwill"),
        ("the top one", "goodwill"),
        ("1", "goodwill"),
        (" 2 ", "discount"),
        ("the second", "discount"),
        ("the middle one", "discount"),
        ("3", "store_credit"),
        ("the third option", "store_credit"),
        ("the last one", "store_credit"),
        ("the final one", "store_credit"),
    ],
)
def test_a_remedy_picked_by_position_is_the_offered_one_at_that_position(text, expected):
    assert match_remedy(text, ["goodwill", "discount", "store_credit"]) == expected


def test_the_last_one_depends_on_what_was_offered():
    assert match_remedy("the last one", ["refund", "store_credit"]) == "store_credit"
    assert match_remedy("the last one", ["store_credit", "refund"]) == "refund"


def test_a_position_past_the_end_of_the_offer_picks_nothing():
    assert match_remedy("3", OFFERED) is None
    assert match_remedy("the third one", OFFERED) is None


def test_a_name_beats_a_position():
    assert match_remedy("the first one, the refund", ["store_credit", "refund"]) == "refund"


@pytest.mark.parametrize(
    "text, offered",
    [
        ("refund please", ["goodwill", "discount"]),
        ("a new one", OFFERED),
        ("store credit", ["refund", "replacement"]),
        ("goodwill credit", ["refund"]),
        ("refund", []),
    ],
)
def test_a_remedy_that_was_not_offered_is_never_returned(text, offered):
    assert match_remedy(text, offered) is None


def test_when_the_longer_name_is_not_on_offer_the_offered_one_is_picked():
    # goodwill is not offered here, so "the goodwill credit" can only mean the store credit
    assert match_remedy("the goodwill credit", ["store_credit", "refund"]) == "store_credit"


@pytest.mark.parametrize("text", ["maybe", "hmm not sure", "yes", "what are my options?", "12", "", None])
def test_an_unclear_answer_picks_nothing(text):
    assert match_remedy(text, OFFERED) is None
