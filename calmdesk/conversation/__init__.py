"""The conversation: what one customer message says (signals) and what the bot does with it (plan).

Rasa-free and deterministic; actions/turn.py carries the plan out.
"""
