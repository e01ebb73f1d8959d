"""Remedy steps: offer what the policy allows, record what the customer chose, changed or declined.

Playbook rules 4, 10-12: repeat the core of the complaint, offer a fair
remedy, and confirm what will happen and when. Offers and answers are
recorded on the ticket with who decided.
"""
from __future__ import annotations

import json

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions._support import Speaker, as_sentence, category, engine, latest_text, peak_anger, policy, save_ticket
from actions.complaint import required_details
from actions.handoff import hand_off
from calmdesk import mail
from calmdesk.conversation import online
from calmdesk.conversation.bargaining import said_back, settle
from calmdesk.conversation.signals import Signals, remedy_mentions
from calmdesk.conversation.wording import AFFIRM
from calmdesk.conversation.wording_repairs import told_repeat
from calmdesk.desk import tickets
from calmdesk.desk.details import MAX_ASKS, is_given, say_orders, still_to_ask
from calmdesk.desk.remedies import Remedy
from calmdesk.desk.remedy_matching import PARTIAL_REFUND, PLAIN_NAMES, QUICKEST, closest_offered, match_remedy, quickest
from calmdesk.desk.triage import priority_for
from calmdesk.understanding.category_cues import code_not_taken
from calmdesk.conversation.reflect import reflect_problem


def _options(remedies: list[Remedy] | tuple[Remedy, ...]) -> str:
    """'a, b or c' from the remedies' labels."""
    labels = [r.label for r in remedies]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _buttons(remedies: list[Remedy] | tuple[Remedy, ...]) -> list[dict[str, str]]:
    return [
        {"title": r.label[:1].upper() + r.label[1:], "payload": "/choose_remedy" + json.dumps({"remedy": r.kind})}
        for r in remedies
    ]


def _first_complaint_text(tracker: Tracker) -> str:
    """The message that opened the current complaint (for reflecting it back)."""
    description = tracker.get_slot("problem_description")
    return description or latest_text(tracker)


# How sure the NLU must be of a bare "yes" before it accepts the default remedy.
# Measured on the trained model: "yes", "ok", "sure", "fine", "go ahead" come
# out at 0.91-1.00; hesitations ("hmm", "uh", "?", "maybe", "let me think") at
# 0.43-0.67. Below this, the bot asks which remedy instead of choosing one.
SURE_YES = 0.8
# The third time the same problem comes back, a person takes it.
RECURRENCES_BEFORE_A_PERSON = 2


def _times_before(tracker: Tracker, cat: str) -> int:
    """How often this customer had the same problem recently (tickets.RECURRENCE_DAYS; other conversations)."""
    email = tracker.get_slot("customer_email")
    if not is_given(email):
        return 0
    return tickets.count_earlier_tickets(engine(), email, category=cat, exclude_conversation_id=tracker.sender_id)


# What the customer might call each remedy kind when the policy does not offer it.
def _situation(tracker: Tracker) -> dict:
    return tracker.get_slot("offer_situation") or {}


def on_offer(tracker: Tracker) -> list[Remedy]:
    """The remedies offered for the current complaint, as the policy words them (same variant as the offer)."""
    situation = _situation(tracker)
    offers = policy().offers_for(category(tracker), recurrent=bool(situation.get("recurrent")),
                                 anger=situation.get("anger", "calm"), online=bool(situation.get("online")),
                                 code=bool(situation.get("code")))
    offered = tracker.get_slot("offered_remedies") or []
    return sorted((r for r in offers if r.kind in offered), key=lambda r: offered.index(r.kind))


def options_on_offer(tracker: Tracker) -> str:
    """"a full refund or €20 store credit": what is on offer now, in words."""
    return _options(on_offer(tracker))


def quickest_on_offer(tracker: Tracker, text: str) -> str | None:
    """"whichever is quicker": the remedy on offer whose timeline is soonest (it is said back with its timeline)."""
    if not QUICKEST.search(text or ""):
        return None
    emailed = is_given(tracker.get_slot("customer_email"))
    return quickest([(r.kind, r.timeline_for(emailed)) for r in on_offer(tracker)])


def offer(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """After the details: restate the problem and offer what the policy allows.

    A remedy the customer already asked for leads the offer (a plain "yes"
    takes it); one the policy does not allow is named honestly, with the
    alternatives.
    """
    cat = category(tracker)
    anger = peak_anger(tracker)
    times_before = _times_before(tracker, cat)
    # A repeat by our records, or by the customer's word ("third time my delivery hasnt come", "down AGAIN"):
    # they know their history better than a search by email does.
    # A quoted case chased and reopened ("still nothing arrived") came back too: what was agreed did not do it.
    description = _first_complaint_text(tracker)
    recurrent = times_before >= 1 or told_repeat(description) or tickets.REOPENED in description
    if recurrent:
        # Playbook rule 17: a repeat erodes trust; say it openly and escalate.
        speaker.say("utter_recurrent")
    if times_before >= RECURRENCES_BEFORE_A_PERSON:
        return hand_off(tracker, speaker, slots={"anger_level": anger}, recurrent=True)
    order = tracker.get_slot("order_number")
    in_app_or_site = online.is_online(_first_complaint_text(tracker), cat, order_given=is_given(order))
    code = code_not_taken(_first_complaint_text(tracker))  # "my discount code didn't work": the code honoured
    situation = {"recurrent": recurrent, "anger": anger, "online": in_app_or_site, "code": code}
    offers = list(policy().offers_for(cat, **situation))
    wanted = tracker.get_slot("wanted_remedy")
    wanted = closest_offered(wanted, [r.kind for r in offers]) if wanted else None
    summary = reflect_problem(_first_complaint_text(tracker), cat)
    if is_given(order):
        summary += f" on {say_orders(order)}"
    # "i want 200 euro store credit" told before the offer: not led with the €20 on offer as if it were that
    beyond = _asked_beyond(tracker, offers) if wanted else ""
    noted = _note_for_the_team(tracker, beyond) if beyond else []
    chosen = None if beyond else next((r for r in offers if r.kind == wanted), None)
    if beyond:
        speaker.say("utter_offer_remedies_instead", buttons=_buttons(offers), summary=summary,
                    wanted=said_back(beyond), options=_options(offers))
    elif wanted == PARTIAL_REFUND:
        pass  # not on offer: said with the offer's alternatives, once the ticket has its reference (below)
    elif chosen:
        offers.remove(chosen)
        offers.insert(0, chosen)
        speaker.say("utter_offer_remedies_wanted", buttons=_buttons(offers), summary=summary, remedy=chosen.label,
                    others=_options(offers[1:]) if len(offers) > 1 else "nothing else")
    elif wanted:
        speaker.say("utter_offer_remedies_instead", buttons=_buttons(offers), summary=summary,
                    wanted=PLAIN_NAMES.get(wanted, wanted), options=_options(offers))
    else:
        speaker.say("utter_offer_remedies", buttons=_buttons(offers), summary=summary, options=_options(offers))
    ticket = save_ticket(tracker, speaker.said, slots={"anger_level": anger}, recurrent=recurrent,
                         priority=priority_for(cat, anger, recurrent))
    tickets.offer_remedies(
        engine(),
        ticket["reference"],
        [tickets.RemedyOffer(kind=r.kind, amount=r.amount, unit=r.unit) for r in offers],
        actor="bot",
    )
    asked = {**(tracker.get_slot("asked") or {}), "remedy": 1}
    events = [
        *noted,
        SlotSet("offered_remedies", [r.kind for r in offers]),
        SlotSet("offer_situation", situation),
        SlotSet("stage", "remedy_offered"),
        SlotSet("anger_level", anger),
        SlotSet("asking", None),
        SlotSet("asked", asked),
    ]
    if wanted == PARTIAL_REFUND:
        tracker.slots.update({"ticket_reference": ticket["reference"], "offered_remedies": [r.kind for r in offers],
                              "offer_situation": situation})
        events += partial_refund_for_the_team(tracker, speaker)
    return events


def partial_refund_for_the_team(tracker: Tracker, speaker: Speaker) -> list[EventType]:
    """"A partial refund is fine, I'll keep it" where the policy offers no money-off remedy: how much is a person's
    decision (playbook rule 8: honest about limits). The wish goes on the ticket for the team, nothing is agreed (no
    full refund recorded), a person follows up, and the options offered are still there if they would rather."""
    reference = tracker.get_slot("ticket_reference")
    description = tracker.get_slot("problem_description") or latest_text(tracker)
    if PARTIAL_REFUND_NOTE not in description:
        description = f"{description} {PARTIAL_REFUND_NOTE}"
    emailed = mail.will_email(engine(), tracker.get_slot("customer_email"))
    if emailed:
        speaker.say("utter_partial_refund_for_the_team", reference=reference, options=options_on_offer(tracker))
    else:
        speaker.say("utter_partial_refund_for_the_team_no_email", reference=reference, options=options_on_offer(tracker))
    if not tracker.get_slot("pending_problems"):
        speaker.say("utter_anything_else")
    ticket = save_ticket(tracker, speaker.said, slots={"problem_description": description}, status="open")
    mail.confirm(engine(), reference, ticket["description"])  # nothing agreed yet: a person follows up
    return [SlotSet("problem_description", description), SlotSet("remedy", None), SlotSet("stage", "wrap_up")]


# On the ticket, for the team: what the customer asked for that only a person can grant.
PARTIAL_REFUND_NOTE = "Customer asks to keep it with a partial refund (amount for the team to decide)."


def want(tracker: Tracker, speaker: Speaker, kind: str) -> list[EventType]:
    """A remedy named in words: chosen or changed while an offer stands, remembered for the offer before it."""
    stage = tracker.get_slot("stage")
    offered = tracker.get_slot("offered_remedies") or []
    if kind == PARTIAL_REFUND:  # the money-off remedy if on offer; never the full refund its words name
        kind = closest_offered(kind, offered)
    elif kind not in offered:
        # "the credit" when the offer says "a €10 goodwill credit": the offer's own words decide.
        kind = match_remedy(latest_text(tracker), offered) or closest_offered(kind, offered)
    if kind == PARTIAL_REFUND and stage in ("remedy_offered", "wrap_up") and offered:
        agreed = tracker.get_slot("remedy")
        if agreed:  # "no wait, can i keep it and get some money back instead": the change of mind is taken
            tickets.set_remedy_status(engine(), tracker.get_slot("ticket_reference"), agreed, "declined", actor="customer")
        return partial_refund_for_the_team(tracker, speaker)
    if stage == "wrap_up" and offered:
        if kind == tracker.get_slot("remedy"):
            speaker.say("utter_remedy_already", reference=tracker.get_slot("ticket_reference"))
            return []
        if kind in offered:
            return accept(tracker, speaker, kind)
        speaker.say("utter_remedy_not_available_kept", wanted=PLAIN_NAMES.get(kind, kind))
        return []
    if stage == "remedy_offered" and offered:
        if kind in offered:
            return accept(tracker, speaker, kind)
        remedies = on_offer(tracker)
        speaker.say("utter_ask_which_remedy_not_available", buttons=_buttons(remedies),
                    wanted=PLAIN_NAMES.get(kind, kind), options=_options(remedies))
        return [SlotSet("asked", {**(tracker.get_slot("asked") or {}), "remedy": 2})]
    required = required_details(tracker)
    offer_next = stage == "details" and not still_to_ask(required, {d: tracker.get_slot(d) for d in required},
                                                         tracker.get_slot("asked") or {})
    if not speaker.said and tracker.get_slot("wanted_remedy") != kind and not offer_next:
        # Said on its own while details are being asked ("a replacement"): heard, kept for the offer. (Not when the
        # offer, leading with it, follows at once: "I'll come back to that in a moment" would be said for nothing.)
        speaker.say("utter_remedy_wish_noted", wanted=PLAIN_NAMES.get(kind, kind))
    return [SlotSet("wanted_remedy", kind)]


def bargain(tracker: Tracker, speaker: Speaker, signals: Signals) -> list[EventType]:
    """A wish that is more than one remedy on offer (calmdesk.conversation.bargaining): one of two asked for
    together, which?; the remedy on offer agreed and the rest noted for the team; or, above the offer, the wish
    noted and the customer's choice of what can be given now. A plain choice after all goes the usual way."""
    deal = settle(*remedy_mentions(signals.text), on_offer(tracker))
    if deal is None:
        return want(tracker, speaker, signals.remedy) if signals.remedy else ask_which(tracker, speaker)
    if deal.between:
        remedies = [r for r in on_offer(tracker) if r.kind in deal.between]
        speaker.say("utter_one_remedy_at_a_time", buttons=_buttons(remedies), options=_options(remedies))
        return [SlotSet("asked", {**(tracker.get_slot("asked") or {}), "remedy": 1})]
    events = _note_for_the_team(tracker, deal.beyond)
    if deal.take:
        return events + accept(tracker, speaker, deal.take, beyond=deal.beyond)
    remedies = on_offer(tracker)
    speaker.say("utter_beyond_the_offer", buttons=_buttons(remedies), wanted=said_back(deal.beyond),
                reference=tracker.get_slot("ticket_reference"), options=_options(remedies))
    save_ticket(tracker, speaker.said, status="open")
    return events


def _asked_beyond(tracker: Tracker, offers: list[Remedy]) -> str:
    """A remedy wished for before the offer with an amount the offer does not give ("200 euro store credit"), in the
    customer's words ("" if none): in the message that brought the offer, or the one that told the problem."""
    for text in dict.fromkeys((latest_text(tracker), tracker.get_slot("problem_description") or "")):
        deal = settle(*remedy_mentions(text), offers)
        if deal and deal.beyond and not deal.take and not deal.between:
            return deal.beyond
    return ""


def _note_for_the_team(tracker: Tracker, wish: str) -> list[EventType]:
    """The wish beyond the offer, on the ticket's description where the team reads it (playbook rule 8)."""
    note = BEYOND_NOTE.format(wish=wish)
    description = tracker.get_slot("problem_description") or latest_text(tracker)
    if note in description:
        return []
    tracker.slots["problem_description"] = f"{description} {note}"
    return [SlotSet("problem_description", tracker.slots["problem_description"])]


# On the ticket, for the team: a wish the bot could not agree ("free delivery for a year", "200 euro store credit").
BEYOND_NOTE = "Customer also asked for: {wish} (beyond the offer; for the team to decide)."


def accept(tracker: Tracker, speaker: Speaker, kind: str, beyond: str = "") -> list[EventType]:
    """Record the customer's choice (the others declined) and say what happens next and when.

    ``beyond``: what else they asked for that the offer does not hold, said plainly to be noted for the team (the
    ticket then stays open for them)."""
    reference = tracker.get_slot("ticket_reference")
    remedy = next(r for r in on_offer(tracker) if r.kind == kind)
    tickets.set_remedy_status(engine(), reference, kind, "accepted", actor="customer")
    for other in tracker.get_slot("offered_remedies") or []:
        if other != kind:
            tickets.set_remedy_status(engine(), reference, other, "declined", actor="customer")
    emailed = mail.will_email(engine(), tracker.get_slot("customer_email"))  # promise only what is sent
    timeline = remedy.timeline_for(emailed)
    sentence = as_sentence(timeline)
    if emailed:
        speaker.say("utter_remedy_confirmed", remedy=remedy.label, timeline=timeline,
                    timeline_sentence=sentence, reference=reference)
    else:
        speaker.say("utter_remedy_confirmed_no_email", remedy=remedy.label, timeline=timeline,
                    timeline_sentence=sentence, reference=reference)
    if beyond:
        speaker.say("utter_beyond_noted", wanted=said_back(beyond), reference=reference)
    if not tracker.get_slot("pending_problems"):  # else the next problem follows straight away
        speaker.say("utter_anything_else")
    ticket = save_ticket(tracker, speaker.said, status="open" if beyond else "resolved")
    mail.confirm(engine(), reference, ticket["description"], remedy.label, remedy.timeline)
    return [SlotSet("remedy", kind), SlotSet("stage", "wrap_up")]


def accept_default(tracker: Tracker, speaker: Speaker, signals: Signals) -> list[EventType]:
    """A plain "yes" to the offer: the remedy the customer asked for, else the policy's default (listed first).

    A hesitant "hmm" the classifier reads as a weak yes is not a yes: ask which one.
    """
    offered = tracker.get_slot("offered_remedies") or []
    if not offered:
        return []
    sure = signals.intent == "affirm" and signals.confidence >= SURE_YES or bool(AFFIRM.search(signals.text))
    if not sure:
        return ask_which(tracker, speaker)
    return accept(tracker, speaker, offered[0])


def decline(tracker: Tracker, speaker: Speaker, nothing_wanted: bool = False) -> list[EventType]:
    """None of those: every offer declined, a specialist follows up.

    ``nothing_wanted``: "no need for anything, I just wanted you to know": thanked, not promised other options.
    """
    reference = tracker.get_slot("ticket_reference")
    for kind in tracker.get_slot("offered_remedies") or []:
        tickets.set_remedy_status(engine(), reference, kind, "declined", actor="customer")
    if nothing_wanted:
        speaker.say("utter_no_remedy_wanted", reference=reference)
    elif mail.will_email(engine(), tracker.get_slot("customer_email")):
        speaker.say("utter_remedy_declined", reference=reference)
    else:
        speaker.say("utter_remedy_declined_no_email", reference=reference)
    if not tracker.get_slot("pending_problems"):
        speaker.say("utter_anything_else")
    ticket = save_ticket(tracker, speaker.said, status="open")
    mail.confirm(engine(), reference, ticket["description"])  # no remedy agreed: a person follows up
    return [SlotSet("remedy", None), SlotSet("stage", "wrap_up")]


def ask_which(tracker: Tracker, speaker: Speaker, vented: bool = False, scoffed: bool = False) -> list[EventType]:
    """The answer to the offer was unclear: ask which one, once; then offer a person instead of asking again.

    ``vented``: the answer was an outburst, not a misunderstood choice, so the
    person is offered as for rising anger, not as "I'm not understanding".
    ``scoffed``: "thanks for nothing", "is that it?": sarcasm is heard, so a short sorry and the offer put once more
    plainly, with a person to ask for (not "I'm not sure which one you'd like", which reads as not listening).
    """
    vented = vented or scoffed
    asked = dict(tracker.get_slot("asked") or {})
    if asked.get("remedy", 0) >= MAX_ASKS:
        if vented:
            speaker.say("utter_offer_human_rising")
        else:
            speaker.say("utter_fallback_offer_human")
        return [SlotSet("resume_stage", "remedy_offered"), SlotSet("stage", "handoff_offered")]
    remedies = on_offer(tracker)
    if scoffed:
        speaker.say("utter_ask_which_remedy_after_scoff", buttons=_buttons(remedies), options=_options(remedies))
    else:
        speaker.say("utter_ask_which_remedy", buttons=_buttons(remedies), options=_options(remedies))
    asked["remedy"] = asked.get("remedy", 0) + 1
    return [SlotSet("asked", asked)]
