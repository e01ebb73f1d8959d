"""The conversation: what one customer message says (signals) and what the bot does with it (plan).

- ``signals``: everything one parsed message carries (a request for a person, a remedy in the customer's
  words, details, a question, "also, ..."), with ``category_reading`` for its complaint category and
  ``buttons`` for the only command syntax carried out (our buttons' payloads);
- ``main_problem``: the clause vote of a long message; ``reflect``: the problem said back in a few words;
- ``plan``: the moves for one turn, from the conversation's state and the signals.

Rasa-free and deterministic; actions/turn.py carries the plan out.
"""
