"""What the bot does with one message: the order of moves, one case per repair pattern."""
from __future__ import annotations

from calmdesk.conversation.plan import Move, State, plan
from calmdesk.conversation.signals import Signals


def names(moves):
    return [m.name for m in moves]


def msg(text="", **signals) -> Signals:
    return Signals(text=text, **signals)


DETAILS = State(stage="details", asking="order_number", asked={"order_number": 1}, category="delivery_problem",
                complaint_seq=1)
OFFER = State(stage="remedy_offered", category="delivery_problem", complaint_seq=1, order_number="1042",
              customer_email="a@example.com", offered=("expedited_reship", "refund", "store_credit"))
WRAP_UP = State(stage="wrap_up", category="delivery_problem", complaint_seq=1, order_number="1042",
                offered=("expedited_reship", "refund", "store_credit"), chosen="expedited_reship")


def test_a_complaint_and_a_request_for_a_person_in_one_message_both_happen_person_last():
    moves = plan(State(), msg("billed twice, put me through", intent="billing_problem", category="billing_problem",
                              wants_person=True))
    assert names(moves) == ["start_complaint", "handoff"]


def test_a_person_wins_mid_form_and_details_in_the_same_message_are_kept():
    moves = plan(DETAILS, msg("its #1042 just get me a human", order_numbers=("1042",), wants_person=True))
    assert names(moves) == ["keep_detail", "handoff"]


def test_a_complaint_with_the_remedy_wanted_remembers_it_for_the_offer():
    moves = plan(State(), msg("cancel it and give me my money back", intent="cancellation", category="cancellation",
                              remedy="refund"))
    assert names(moves) == ["start_complaint", "want_remedy", "continue"]


def test_a_remedy_in_words_while_an_offer_is_open_is_a_choice_not_a_new_complaint():
    moves = plan(OFFER, msg("honestly I just want the delivery charge back", intent="refund_request",
                            category="refund_request", remedy="refund"))
    assert names(moves) == ["want_remedy", "continue"]


def test_changing_the_remedy_after_it_was_agreed_is_not_a_new_ticket():
    moves = plan(WRAP_UP, msg("actually make it a refund instead", intent="refund_request", category="refund_request",
                              remedy="refund", correction=True))
    assert names(moves) == ["want_remedy", "continue"]


def test_none_of_those_declines_the_offer():
    assert names(plan(OFFER, msg("none of those", declines_remedies=True, deny=True))) == ["decline_remedies",
                                                                                           "continue"]


def test_a_vague_complaint_becomes_specific_on_the_same_ticket():
    vague = State(stage="details", asking="customer_email", category="other", complaint_seq=1)
    moves = plan(vague, msg("the blender leaks everywhere", intent="product_defect", category="product_defect"))
    assert [(m.name, m.args.get("category")) for m in moves][0] == ("refine_complaint", "product_defect")


def test_also_with_a_different_problem_opens_a_second_ticket():
    moves = plan(DETAILS, msg("also my discount code didnt work", intent="billing_problem", category="billing_problem",
                              also=True))
    assert names(moves)[0] == "second_complaint"


def test_a_different_category_mid_form_without_also_is_not_a_new_complaint():
    moves = plan(DETAILS, msg("its so late and the driver was rude", intent="staff_complaint",
                              category="staff_complaint"))
    assert "start_complaint" not in names(moves) and "second_complaint" not in names(moves)


def test_a_question_mid_way_is_answered_and_the_flow_goes_on():
    moves = plan(DETAILS, msg("why do you need that", question="why_needed"))
    assert names(moves) == ["answer", "continue"]


def test_a_correction_updates_the_detail():
    after = State(stage="wrap_up", category="delivery_problem", complaint_seq=1, order_number="A-20931")
    moves = plan(after, msg("sorry wrong one its A-20932", order_numbers=("A-20932",), correction=True))
    assert [(m.name, m.args) for m in moves][0] == ("keep_detail", {"detail": "order_number", "value": "A-20932"})


def test_the_same_detail_again_is_not_a_correction():
    after = State(stage="wrap_up", category="delivery_problem", complaint_seq=1, order_number="1042")
    assert "keep_detail" not in names(plan(after, msg("it's 1042", order_numbers=("1042",))))


def test_another_order_as_well_is_added_and_two_at_once_are_both_kept():
    after = State(stage="details", category="delivery_problem", complaint_seq=1, order_number="77120")
    moves = plan(after, msg("and 77121 too", order_numbers=("77121",), another_order=True))
    assert moves[0].args == {"detail": "order_number", "value": "77120, 77121"}
    moves = plan(DETAILS, msg("orders 5512 and 5513 arrived broken", order_numbers=("5512", "5513")))
    assert moves[0].args == {"detail": "order_number", "value": "5512, 5513"}
    both = State(stage="details", category="delivery_problem", complaint_seq=1, order_number="5512, 5513")
    assert "keep_detail" not in names(plan(both, msg("it's 5513", order_numbers=("5513",))))


def test_i_dont_have_it_goes_on_without_the_detail():
    assert names(plan(DETAILS, msg("no idea where that is", cannot_give=True))) == ["cannot_give", "continue"]


def test_leaving_mid_way_closes_kindly():
    assert names(plan(DETAILS, msg("forget it", leaving=True))) == ["leave"]


def test_a_miss_while_asking_is_left_to_continue_which_asks_at_most_twice():
    assert names(plan(DETAILS, msg("asdf", not_understood=True))) == ["continue"]


def test_yes_to_the_offer_of_a_person_hands_off_and_no_goes_back():
    offered = State(stage="handoff_offered", category="other", complaint_seq=1)
    assert names(plan(offered, msg("yes", affirm=True))) == ["handoff"]
    assert names(plan(offered, msg("no", deny=True))) == ["decline_handoff", "continue"]


def test_after_the_remedy_no_leads_to_the_rating_and_the_rating_takes_its_answer():
    assert names(plan(WRAP_UP, msg("no thats all", deny=True))) == ["start_rating", "continue"]
    assert names(plan(State(stage="rating", asking="satisfaction_score", complaint_seq=1), msg("4", score=4))) == [
        "rate"]


def test_staff_handback_and_the_check_in_are_their_own_moves():
    assert names(plan(DETAILS, msg("", intent="handback"))) == ["handback"]
    assert names(plan(State(), msg("", intent="EXTERNAL_check_in"))) == ["check_in"]


def test_not_understood_outside_a_complaint_asks_to_rephrase():
    assert names(plan(State(), msg("asdfgh", not_understood=True))) == ["not_understood", "continue"]


def test_a_corrected_detail_after_the_remedy_is_not_a_new_complaint():
    moves = plan(WRAP_UP, msg("thats my old email, use rav@example.net instead", intent="account_access",
                              category="account_access", category_confidence=0.8, email="rav@example.net",
                              correction=True))
    assert names(moves) == ["keep_detail", "continue"]


def test_the_specifics_after_a_rant_make_the_vague_complaint_specific_even_with_details_in_them():
    vague = State(stage="details", asking="problem_description", category="other", complaint_seq=1)
    moves = plan(vague, msg("the driver threw it over the fence and the vase is smashed, order 3381204",
                            intent="damaged_or_wrong_item", category="damaged_or_wrong_item", category_confidence=0.6,
                            order_numbers=("3381204",)))
    assert names(moves)[:2] == ["refine_complaint", "keep_detail"]


def test_no_thanks_with_nothing_open_is_a_goodbye():
    assert names(plan(State(complaint_seq=1), msg("no thanks", deny=True, thanks=True))) == ["goodbye"]


def test_a_question_about_a_remedy_does_not_choose_it():
    moves = plan(OFFER, msg("how long would a refund take", remedy="refund", question="how_long"))
    assert names(moves) == ["answer", "continue"]


def test_another_question_mid_way_is_answered_honestly_and_the_flow_goes_on():
    assert names(plan(DETAILS, msg("can i pay with my wallet balance?", question="other"))) == ["answer", "continue"]


def test_a_complaint_asked_as_a_question_is_handled_not_answered():
    moves = plan(State(), msg("is my order ever coming?", intent="delivery_problem", category="delivery_problem",
                              category_confidence=0.9, question="other"))
    assert names(moves) == ["start_complaint", "continue"]


def test_more_venting_when_asked_what_happened_is_heard_and_not_taken_for_the_description():
    vague = State(stage="details", asking="problem_description", asked={"problem_description": 1}, category="other",
                  complaint_seq=1)
    moves = plan(vague, msg("like genuinely im so done with you lot", intent="vent", vent=True, anger="angry"))
    assert names(moves) == ["vent", "continue"]


def test_yes_right_after_hearing_a_person_is_there_asks_for_them():
    told = State(stage="details", asking="customer_email", asked={"customer_email": 2}, category="product_defect",
                 complaint_seq=1, said_last=("utter_person_available", "utter_ask_customer_email"))
    assert names(plan(told, msg("yes pls", affirm=True, intent="affirm"))) == ["handoff"]
    # without the person just mentioned, a yes is no request for one
    assert "handoff" not in names(plan(DETAILS, msg("yes pls", affirm=True, intent="affirm")))


def test_a_detail_said_missing_in_the_first_message_is_not_asked_for():
    moves = plan(State(), msg("i dont have an order number but my parcel never came", intent="delivery_problem",
                              category="delivery_problem", cannot_give=True, cannot_give_detail="order_number"))
    assert moves[:2] == [Move("start_complaint", {"category": "delivery_problem"}),
                         Move("cannot_give", {"detail": "order_number"})]


def test_a_general_question_starts_no_complaint():
    moves = plan(State(), msg("do you ship to ireland", intent="delivery_problem", category="delivery_problem",
                              category_confidence=0.8, question="other", enquiry=True))
    assert names(moves) == ["answer", "continue"]


def test_another_order_during_the_rating_is_a_new_complaint_not_a_correction():
    moves = plan(State(stage="rating", asking="satisfaction_score", category="delivery_problem", complaint_seq=1,
                       order_number="1042"),
                 msg("actually my other order 7712555 also never arrived", intent="delivery_problem",
                     category="delivery_problem", category_confidence=0.6, order_numbers=("7712555",),
                     correction=True, also=True))
    assert names(moves)[0] == "start_complaint"


def test_only_an_order_number_with_no_problem_told_asks_what_happened():
    moves = plan(State(), msg("7712309", intent="inform", order_numbers=("7712309",)))
    assert names(moves) == ["keep_detail", "ask_what_happened", "continue"]


def test_a_request_starts_its_own_flow_with_its_details():
    moves = plan(State(), msg("delete my data, t@example.de", request="erase_data", email="t@example.de",
                              category="cancellation", category_confidence=0.9))
    assert names(moves) == ["start_request", "keep_detail", "continue"]


def test_the_answer_to_a_request_question_goes_on_its_ticket():
    asked = State(stage="wrap_up", asking="request_note", category="other", complaint_seq=1)
    assert names(plan(asked, msg("14 Elm Road, Leeds", category="delivery_problem"))) == ["add_to_request"]
    assert "add_to_request" not in names(plan(asked, msg("also my other order never came", also=True,
                                                         category="delivery_problem", category_confidence=0.9)))


# Requests that are not complaints, probe round 12.
REQUEST_DETAILS = State(stage="details", asking="customer_email", asked={"customer_email": 1}, category="other",
                        complaint_seq=1, request="cancel_order", order_number="5512901, 5512902")


def test_a_request_said_at_the_rating_step_is_taken_not_scored():
    rating = State(stage="rating", category="delivery_problem", complaint_seq=1)
    moves = plan(rating, msg("wait one more thing, the receipt has my old address on it", request="invoice_correction"))
    assert names(moves)[0] == "start_request", moves


def test_a_request_called_off_is_withdrawn_not_a_new_request():
    moves = plan(REQUEST_DETAILS, msg("actually no wait dont, keep it", withdraws=True, request="return_unwanted"))
    assert names(moves) == ["withdraw_request", "continue"]


def test_the_second_of_two_orders_is_the_one_the_request_is_about():
    moves = plan(REQUEST_DETAILS, msg("the second one. n@example.com", email="n@example.com"))
    assert moves[0] == Move("keep_detail", {"detail": "order_number", "value": "5512902"}), moves


def test_a_request_told_with_a_late_order_keeps_only_its_own_order_number():
    late = {"category": "delivery_problem", "text": "my other order 5502-118 is late"}
    moves = plan(State(), msg("two things - the kettle is now 15 quid cheaper, and my other order 5502-118 is late",
                              request="price_drop", order_numbers=("5502-118",), more_problems=(late,)))
    assert names(moves) == ["start_request", "more_problems", "continue"], moves


def test_cancel_it_after_a_remedy_was_agreed_is_no_new_request():
    moves = plan(WRAP_UP, msg("actually just cancel it", request="cancel_order"))
    assert "start_request" not in names(moves), moves
