"""The remedy policy support leads edit (calmdesk/desk/remedies.py)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from calmdesk.desk.remedies import DEFAULT_POLICY_PATH, PolicyError, Remedy, load_policy, parse_policy
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


# --- situations: recurrent and angry variants ---------------------------------

SITUATIONS = [(False, "calm"), (False, "frustrated"), (False, "angry"), (False, "abusive"),
              (True, "calm"), (True, "frustrated"), (True, "angry"), (True, "abusive")]


def kinds(offers) -> list[str]:
    return [r.kind for r in offers]


@pytest.fixture
def varied(raw) -> dict:
    """The small policy with every variant on damaged_or_wrong_item, each telling itself apart."""
    raw["categories"]["damaged_or_wrong_item"].update({
        "recurrent": {"offer": ["refund", "replacement", "store_credit", "goodwill"], "amounts": {"store_credit": 40}},
        "angry": {"offer": ["refund", "replacement"]},
        "recurrent_angry": {"offer": ["refund", "goodwill"], "amounts": {"goodwill": 25}},
    })
    return raw


@pytest.mark.parametrize(
    "recurrent, anger, variant, expected",
    [
        (False, "calm", None, ["replacement", "refund", "store_credit"]),
        (False, "frustrated", None, ["replacement", "refund", "store_credit"]),  # frustrated is not angry
        (False, "angry", "angry", ["refund", "replacement"]),
        (False, "abusive", "angry", ["refund", "replacement"]),
        (True, "calm", "recurrent", ["refund", "replacement", "store_credit", "goodwill"]),
        (True, "frustrated", "recurrent", ["refund", "replacement", "store_credit", "goodwill"]),
        (True, "angry", "recurrent_angry", ["refund", "goodwill"]),
        (True, "abusive", "recurrent_angry", ["refund", "goodwill"]),
    ],
)
def test_the_situation_picks_the_variant(varied, recurrent, anger, variant, expected):
    policy = parse_policy(varied, Path("p.yml"))
    assert policy.variant_for("damaged_or_wrong_item", recurrent=recurrent, anger=anger) == variant
    assert kinds(policy.offers_for("damaged_or_wrong_item", recurrent=recurrent, anger=anger)) == expected


def test_the_old_call_still_gets_the_category_own_offers(varied):
    policy = parse_policy(varied, Path("p.yml"))
    assert kinds(policy.offers_for("damaged_or_wrong_item")) == ["replacement", "refund", "store_credit"]
    assert policy.offers["damaged_or_wrong_item"] == policy.offers_for("damaged_or_wrong_item")
    assert policy.remedy("damaged_or_wrong_item", "store_credit").amount == 20
    assert policy.remedy("damaged_or_wrong_item", "goodwill") is None


def test_remedy_looks_in_the_variant_for_the_situation(varied):
    policy = parse_policy(varied, Path("p.yml"))
    credit = policy.remedy("damaged_or_wrong_item", "store_credit", recurrent=True)
    assert credit == Remedy("store_credit", "€40 store credit", "on your account within 24 hours", 40.0, "currency")
    assert policy.remedy("damaged_or_wrong_item", "goodwill", recurrent=True, anger="angry").label == "a €25 goodwill credit"
    assert policy.remedy("damaged_or_wrong_item", "store_credit", anger="angry") is None  # not offered when angry


@pytest.mark.parametrize("anger", [None, "", "furious", "ANGRY"])
def test_an_unknown_anger_level_counts_as_calm(varied, anger):
    policy = parse_policy(varied, Path("p.yml"))
    assert policy.offers_for("damaged_or_wrong_item", anger=anger) == policy.offers["damaged_or_wrong_item"]
    assert policy.variant_for("damaged_or_wrong_item", recurrent=True, anger=anger) == "recurrent"


def test_recurrent_and_angry_without_their_own_variant_get_the_recurrent_one(varied):
    del varied["categories"]["damaged_or_wrong_item"]["recurrent_angry"]
    policy = parse_policy(varied, Path("p.yml"))
    assert policy.variant_for("damaged_or_wrong_item", recurrent=True, anger="abusive") == "recurrent"
    assert kinds(policy.offers_for("damaged_or_wrong_item", recurrent=True, anger="angry")) == [
        "refund", "replacement", "store_credit", "goodwill"]


def test_recurrent_and_angry_fall_back_to_angry_when_there_is_no_recurrent_variant(varied):
    for name in ("recurrent_angry", "recurrent"):
        del varied["categories"]["damaged_or_wrong_item"][name]
    policy = parse_policy(varied, Path("p.yml"))
    assert policy.variant_for("damaged_or_wrong_item", recurrent=True, anger="angry") == "angry"
    # recurrent but calm: the angry variant does not apply, the category's own entry does
    assert policy.variant_for("damaged_or_wrong_item", recurrent=True) is None
    assert kinds(policy.offers_for("damaged_or_wrong_item", recurrent=True)) == ["replacement", "refund", "store_credit"]


def test_an_angry_customer_without_an_angry_variant_gets_the_category_own_offers(varied):
    del varied["categories"]["damaged_or_wrong_item"]["angry"]
    policy = parse_policy(varied, Path("p.yml"))
    assert policy.variant_for("damaged_or_wrong_item", anger="abusive") is None
    assert policy.offers_for("damaged_or_wrong_item", anger="abusive") == policy.offers["damaged_or_wrong_item"]
    # recurrent_angry is only for both at once
    assert policy.variant_for("damaged_or_wrong_item", recurrent=True, anger="angry") == "recurrent_angry"


def test_a_category_without_variants_keeps_its_own_offers_not_those_of_other(varied):
    varied["categories"]["other"]["recurrent"] = {"offer": ["goodwill"]}
    policy = parse_policy(varied, Path("p.yml"))
    assert kinds(policy.offers_for("billing_problem", recurrent=True, anger="angry")) == ["refund", "store_credit"]


def test_a_category_the_policy_does_not_mention_gets_the_variants_of_other(varied):
    varied["categories"]["other"]["recurrent"] = {"offer": ["goodwill"], "amounts": {"goodwill": 30}}
    policy = parse_policy(varied, Path("p.yml"))
    assert policy.variant_for("delivery_problem", recurrent=True) == "recurrent"
    assert policy.offers_for("delivery_problem", recurrent=True) == policy.offers_for("other", recurrent=True)
    assert policy.remedy("delivery_problem", "goodwill", recurrent=True).label == "a €30 goodwill credit"
    assert kinds(policy.offers_for("delivery_problem", anger="angry")) == ["goodwill", "discount"]


def test_a_variant_inherits_what_it_leaves_out(raw):
    raw["categories"]["billing_problem"]["timelines"] = {"refund": "back on your card in 3 days"}
    raw["categories"]["billing_problem"]["recurrent"] = {"amounts": {"store_credit": 35}}
    policy = parse_policy(raw, Path("p.yml"))
    refund, credit = policy.offers_for("billing_problem", recurrent=True)
    assert refund == Remedy("refund", "a refund of the wrong charge", "back on your card in 3 days")
    assert (credit.label, credit.amount) == ("€35 store credit", 35)


def test_a_variant_default_alone_reorders_the_inherited_offer(raw):
    raw["categories"]["damaged_or_wrong_item"]["angry"] = {"default": "refund"}
    policy = parse_policy(raw, Path("p.yml"))
    assert kinds(policy.offers_for("damaged_or_wrong_item", anger="angry")) == ["refund", "replacement", "store_credit"]


def test_a_variant_offer_without_a_default_defaults_to_its_first_remedy(raw):
    raw["categories"]["damaged_or_wrong_item"]["default"] = "store_credit"
    raw["categories"]["damaged_or_wrong_item"]["recurrent"] = {"offer": ["refund", "store_credit"]}
    policy = parse_policy(raw, Path("p.yml"))
    assert kinds(policy.offers_for("damaged_or_wrong_item")) == ["store_credit", "replacement", "refund"]
    assert kinds(policy.offers_for("damaged_or_wrong_item", recurrent=True)) == ["refund", "store_credit"]


def test_a_variant_default_puts_it_first(raw):
    raw["categories"]["damaged_or_wrong_item"]["recurrent"] = {"offer": ["store_credit", "refund"], "default": "refund"}
    policy = parse_policy(raw, Path("p.yml"))
    assert kinds(policy.offers_for("damaged_or_wrong_item", recurrent=True)) == ["refund", "store_credit"]


def test_variant_wording_overrides_the_category_wording_only_in_that_situation(raw):
    raw["categories"]["billing_problem"]["angry"] = {"labels": {"refund": "the wrong charge refunded right now"}}
    policy = parse_policy(raw, Path("p.yml"))
    assert policy.remedy("billing_problem", "refund", anger="angry").label == "the wrong charge refunded right now"
    assert policy.remedy("billing_problem", "refund").label == "a refund of the wrong charge"


def test_variants_start_from_the_category_not_from_each_other(raw):
    raw["categories"]["other"]["recurrent"] = {"amounts": {"discount": 25}}
    raw["categories"]["other"]["recurrent_angry"] = {"default": "discount"}
    policy = parse_policy(raw, Path("p.yml"))
    both = policy.offers_for("other", recurrent=True, anger="angry")
    assert kinds(both) == ["discount", "goodwill"]
    assert both[0].label == "15% off your next order"  # not the recurrent 25%


# --- amounts: overrides and limits ---------------------------------------------------


def test_an_amount_override_changes_the_amount_and_the_wording(raw):
    raw["categories"]["other"]["recurrent"] = {"amounts": {"discount": 25, "goodwill": 12.5}}
    policy = parse_policy(raw, Path("p.yml"))
    assert policy.remedy("other", "discount", recurrent=True) == Remedy(
        "discount", "25% off your next order", "the code arrives within the hour", 25.0, "percent")
    assert policy.remedy("other", "goodwill", recurrent=True).label == "a €12.5 goodwill credit"
    assert policy.remedy("other", "discount").amount == 15


def test_a_category_may_override_an_amount_for_every_situation(raw):
    raw["categories"]["other"]["amounts"] = {"goodwill": 15}
    raw["categories"]["other"]["angry"] = {"default": "discount"}
    policy = parse_policy(raw, Path("p.yml"))
    assert policy.remedy("other", "goodwill").amount == 15
    assert policy.remedy("other", "goodwill", anger="angry").amount == 15
    assert policy.remedy("billing_problem", "store_credit").amount == 20  # only that category


def test_override_amounts_exactly_at_the_limits_are_allowed(raw):
    raw["limits"]["max_refund"] = 80
    raw["remedies"]["refund"]["amount"] = 50
    raw["remedies"]["refund"]["unit"] = "currency"
    raw["remedies"]["refund"]["label"] = "{currency}{amount} back"
    raw["categories"]["damaged_or_wrong_item"]["recurrent"] = {"amounts": {"store_credit": 100, "refund": 80}}
    raw["categories"]["other"]["recurrent"] = {"amounts": {"discount": 30}}
    policy = parse_policy(raw, Path("p.yml"))
    assert policy.remedy("damaged_or_wrong_item", "refund", recurrent=True).label == "€80 back"
    assert policy.remedy("damaged_or_wrong_item", "store_credit", recurrent=True).amount == 100
    assert policy.remedy("other", "discount", recurrent=True).amount == 30


def test_a_refund_without_an_amount_is_the_full_order_whatever_max_refund_says(raw):
    raw["limits"]["max_refund"] = 0
    policy = parse_policy(raw, Path("p.yml"))
    refund = policy.remedy("billing_problem", "refund")
    assert (refund.amount, refund.unit) == (None, None)


def test_a_partial_refund_is_capped_by_max_refund_not_max_credit(raw):
    raw["limits"].update({"max_credit": 10, "max_refund": 200})
    raw["remedies"]["refund"].update({"amount": 150, "unit": "currency"})
    raw["remedies"]["store_credit"]["amount"] = 10
    raw["remedies"]["goodwill"]["amount"] = 10
    assert parse_policy(raw, Path("p.yml")).remedy("billing_problem", "refund").amount == 150


def test_a_policy_without_limits_has_no_caps(raw):
    del raw["limits"]
    raw["categories"]["other"]["recurrent"] = {"amounts": {"discount": 90}}
    assert parse_policy(raw, Path("p.yml")).remedy("other", "discount", recurrent=True).amount == 90


# --- invalid variants, amounts and types: the file and the exact key ---------------


def _set(raw, dotted: str, value):
    """Set raw[a][b][c] = value for dotted 'a.b.c', creating mappings on the way."""
    *parents, last = dotted.split(".")
    node = raw
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


D = "categories.damaged_or_wrong_item"


@pytest.mark.parametrize(
    "changes, key, reason",
    [
        # variants
        ({f"{D}.furious": {"default": "refund"}}, f"{D}.furious", "unknown key or variant"),
        ({f"{D}.recurrent_and_angry": {"default": "refund"}}, f"{D}.recurrent_and_angry",
         "allowed: offer, default, labels, timelines, amounts, online, discount_code, recurrent_angry, recurrent, angry"),
        ({f"{D}.recurrent": ["refund"]}, f"{D}.recurrent", "expected a mapping, got list"),
        ({f"{D}.recurrent": None}, f"{D}.recurrent", "is empty"),
        ({f"{D}.recurrent": {}}, f"{D}.recurrent", "is empty"),
        ({f"{D}.recurrent.angry": {"default": "refund"}}, f"{D}.recurrent.angry", "variants cannot be nested"),
        ({f"{D}.angry.colour": "red"}, f"{D}.angry.colour", "unknown key (allowed: offer, default"),
        ({f"{D}.recurrent.offer": ["refund", "free_pony"]}, f"{D}.recurrent.offer", "'free_pony' is not defined under remedies"),
        ({f"{D}.recurrent.offer": ["refund", "expedited_reship"]}, f"{D}.recurrent.offer",
         "'expedited_reship' is not defined under remedies"),
        ({f"{D}.recurrent.offer": []}, f"{D}.recurrent.offer", "must be a non-empty list"),
        ({f"{D}.recurrent.offer": "refund"}, f"{D}.recurrent.offer", "must be a non-empty list of remedy kinds, got 'refund'"),
        ({f"{D}.recurrent.offer": ["refund", ["goodwill"]]}, f"{D}.recurrent.offer", "every entry must be a remedy kind"),
        ({f"{D}.recurrent.offer": ["refund", "goodwill", "refund"]}, f"{D}.recurrent.offer", "'refund' is listed twice"),
        ({f"{D}.recurrent.offer": ["refund"], f"{D}.recurrent.default": "replacement"}, f"{D}.recurrent.default",
         "'replacement' is not in the offer list ['refund']"),
        ({f"{D}.angry.default": "goodwill"}, f"{D}.angry.default", "'goodwill' is not in the offer list"),
        ({f"{D}.angry.labels": {"goodwill": "a gift"}}, f"{D}.angry", "wording given for 'goodwill', which is not offered here"),
        ({f"{D}.angry.offer": ["refund"], f"{D}.angry.timelines": {"store_credit": "soon"}}, f"{D}.angry",
         "wording given for 'store_credit'"),
        ({f"{D}.angry.labels": ["refund"]}, f"{D}.angry.labels", "expected a mapping, got list"),
        ({f"{D}.angry.labels": {"refund": "{amt} back"}}, f"{D}.angry.labels.refund", "only {amount} and {currency}"),
        ({f"{D}.angry.timelines": {"refund": ""}}, f"{D}.angry.timelines.refund", "must be a non-empty text"),
        # amounts
        ({f"{D}.recurrent.amounts": {"store_credit": 150}}, f"{D}.recurrent.amounts.store_credit",
         "150 is over limits.max_credit (100)"),
        ({"categories.other.recurrent.amounts": {"discount": 35}}, "categories.other.recurrent.amounts.discount",
         "35 is over limits.max_discount_percent (30)"),
        ({"categories.other.amounts": {"goodwill": 101}}, "categories.other.amounts.goodwill",
         "over limits.max_credit (100)"),
        ({f"{D}.recurrent.amounts": {"replacement": 2}}, f"{D}.recurrent.amounts.replacement",
         "'replacement' has no amount to change"),
        ({f"{D}.recurrent.amounts": {"refund": 50}}, f"{D}.recurrent.amounts.refund", "'refund' has no amount to change"),
        ({f"{D}.recurrent.amounts": {"free_pony": 1}}, f"{D}.recurrent.amounts.free_pony", "unknown remedy kind"),
        ({f"{D}.recurrent.amounts": {"goodwill": 5}}, f"{D}.recurrent.amounts.goodwill",
         "amount given for 'goodwill', which is not offered here"),
        ({f"{D}.recurrent.offer": ["refund", "goodwill"], f"{D}.recurrent.amounts": {"store_credit": 30}},
         f"{D}.recurrent.amounts.store_credit", "which is not offered here"),
        ({f"{D}.recurrent.amounts": {"store_credit": "lots"}}, f"{D}.recurrent.amounts.store_credit",
         "must be a positive number, got 'lots'"),
        ({f"{D}.recurrent.amounts": {"store_credit": 0}}, f"{D}.recurrent.amounts.store_credit", "must be a positive number"),
        ({f"{D}.recurrent.amounts": {"store_credit": -5}}, f"{D}.recurrent.amounts.store_credit", "got -5"),
        ({f"{D}.recurrent.amounts": {"store_credit": True}}, f"{D}.recurrent.amounts.store_credit", "got True"),
        ({f"{D}.recurrent.amounts": [25]}, f"{D}.recurrent.amounts", "expected a mapping, got list"),
        # refunds with an amount, and max_refund
        ({"remedies.refund.amount": 300, "remedies.refund.unit": "currency", "limits.max_refund": 250},
         "remedies.refund.amount", "300 is over limits.max_refund (250)"),
        ({"remedies.refund.amount": 50, "remedies.refund.unit": "currency", "limits.max_refund": 250,
          f"{D}.angry.amounts": {"refund": 260}}, f"{D}.angry.amounts.refund", "260 is over limits.max_refund (250)"),
        ({"remedies.refund.amount": 50, "remedies.refund.unit": "percent"}, "remedies.refund.unit",
         "a refund amount must be in currency"),
        ({"limits.max_refund": "lots"}, "limits.max_refund", "must be a number, got 'lots'"),
        ({"limits.max_refund": -1}, "limits.max_refund", "must not be negative"),
        ({"limits.max_refunds": 100}, "limits.max_refunds", "unknown limit (allowed: max_discount_percent, max_credit, max_refund)"),
        # other types and typos
        ({"limits": [30, 100]}, "limits", "expected a mapping, got list"),
        ({"categories.other": ["goodwill"]}, "categories.other", "expected a mapping, got list"),
        ({"categories.other.offer": ["goodwill", 7]}, "categories.other.offer", "every entry must be a remedy kind, got 7"),
        ({"categories.other.offer": ["goodwill", "goodwill"]}, "categories.other.offer", "'goodwill' is listed twice"),
        ({"remedies.discount.ammount": 20}, "remedies.discount.ammount", "unknown key (allowed: label, timeline, timeline_no_email, amount, unit)"),
        ({"remedies.refund": "money back"}, "remedies.refund", "expected a mapping, got str"),
        ({"remedy": {}}, "remedy", "unknown key (allowed: currency, limits, remedies, categories)"),
        ({"currency": None}, "currency", "must be a non-empty text"),
        ({"currency": 5}, "currency", "must be a non-empty text"),
        # a remedy nobody offers is still checked
        ({"remedies.expedited_reship": {"label": "express {speed}", "timeline": "tomorrow"}},
         "remedies.expedited_reship.label", "only {amount} and {currency}"),
    ],
)
def test_an_invalid_variant_or_amount_names_the_file_and_the_exact_key(tmp_path, raw, changes, key, reason):
    for dotted, value in changes.items():
        _set(raw, dotted, value)
    path = write(tmp_path, raw)
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    message = str(error.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert reason in message, message


def test_a_variant_error_from_parse_policy_names_the_path_it_is_given(raw):
    raw["categories"]["other"]["recurrent"] = {"amounts": {"discount": 50}}
    with pytest.raises(PolicyError, match=r"^some/where\.yml: categories\.other\.recurrent\.amounts\.discount: 50 is over"):
        parse_policy(raw, Path("some/where.yml"))


# --- the shipped variants -------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_raw() -> dict:
    return yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("recurrent, anger", SITUATIONS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_the_shipped_policy_offers_something_in_every_situation(shipped, shipped_raw, category, recurrent, anger):
    offers = shipped.offers_for(category, recurrent=recurrent, anger=anger)
    assert offers and len({r.kind for r in offers}) == len(offers)
    limits = shipped_raw["limits"]
    for remedy in offers:
        assert remedy.label.strip() and remedy.timeline.strip() and "{" not in remedy.label + remedy.timeline
        if remedy.unit == "percent":
            assert remedy.amount <= limits["max_discount_percent"]
        elif remedy.unit == "currency":
            assert remedy.amount <= limits["max_refund" if remedy.kind == "refund" else "max_credit"]


def test_the_shipped_policy_has_a_refund_cap(shipped_raw):
    assert shipped_raw["limits"]["max_refund"] > 0


def test_the_shipped_policy_changes_nothing_for_a_calm_first_complaint(shipped, shipped_raw):
    for category, entry in shipped_raw["categories"].items():
        assert kinds(shipped.offers_for(category)) == entry["offer"]
    assert kinds(shipped.offers_for("damaged_or_wrong_item")) == ["replacement", "refund", "store_credit"]


@pytest.mark.parametrize("category", CATEGORIES)
def test_in_the_shipped_policy_a_recurrent_complaint_never_gets_less(shipped, category):
    first = {r.kind: r for r in shipped.offers_for(category)}
    again = {r.kind: r for r in shipped.offers_for(category, recurrent=True)}
    assert set(first) <= set(again)
    for kind, remedy in first.items():
        assert (again[kind].amount or 0) >= (remedy.amount or 0)
    assert set(again) > set(first) or any(again[k].amount != first[k].amount for k in first)  # and gets more


@pytest.mark.parametrize("category", CATEGORIES)
def test_in_the_shipped_policy_an_angry_customer_is_offered_a_refund_or_replacement_first_when_there_is_one(shipped, category):
    decisive = {"refund", "replacement"}
    for recurrent in (False, True):
        offers = shipped.offers_for(category, recurrent=recurrent, anger="angry")
        if decisive & set(kinds(offers)):
            assert offers[0].kind in decisive, (category, recurrent, kinds(offers))


def test_in_the_shipped_policy_a_repeated_delivery_problem_defaults_to_the_refund(shipped):
    assert shipped.offers_for("delivery_problem", recurrent=True)[0].kind == "refund"
    assert shipped.offers_for("delivery_problem", anger="abusive")[0].kind == "refund"
    assert shipped.offers_for("delivery_problem")[0].kind == "expedited_reship"
    assert shipped.remedy("delivery_problem", "store_credit", recurrent=True).amount > \
        shipped.remedy("delivery_problem", "store_credit").amount


def test_the_shipped_policy_uses_only_known_variants(shipped, shipped_raw):
    from calmdesk.desk.remedies import VARIANTS

    for category, entry in shipped_raw["categories"].items():
        given = {key for key in entry if key in VARIANTS}
        assert given == set(shipped.variants.get(category, {})), category
