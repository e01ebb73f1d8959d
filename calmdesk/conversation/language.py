"""Whether a message is in another language: the bot reads only English, and says so rather than guess.

Why a half-English message is not another language: "hola, mi pedido 55120 never llego, i need help por favor" carries
enough English to act on (a strangers' probe, round 15: told "I only understand English", no ticket, the order number
dropped). So the English-only reply is kept for messages with no English to read: a few English words (or an order
number with an English fault word) and the message is read as any other.
"""
from __future__ import annotations

import re

# The most common words of five other languages.
_OTHER_LANGUAGE_WORDS = frozenset(
    "je mon est pas jamais commande bonjour merci svp quelqu por favor pedido hola gracias llegado "
    "todavía bitte meine ich nicht bestellung danke hallo ist noch minha meu pedido obrigado obrigada não chegou "
    "ainda mio ordine grazie arrivato ancora".split())
# English words that are no word of those languages ("no", "a", "me", "i" are: Spanish, Italian).
ENGLISH_WORDS = frozenset(
    "never need help my order where is the it you your please arrived came come still want what why when how this "
    "that with have has hasn't hasnt haven't didn't didnt got get not can can't cant anyone someone broken late "
    "missing damaged wrong refund parcel package delivery week weeks days today yet money back".split())
# An English word for a fault: with an order number, enough to open a case on.
FAULT_WORDS = frozenset("never broken late missing damaged wrong refund lost faulty cracked".split())
ORDER_NUMBER = re.compile(r"\b[A-Z]{0,3}-?\d{4,}(?:-\d+)?\b", re.I)


def other_language(words: str) -> bool:
    """Is ``words`` written in another language, with no English to read in it?"""
    tokens = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", words.lower())
    hits = len(set(tokens) & _OTHER_LANGUAGE_WORDS)
    return len(tokens) >= 3 and hits >= 3 and hits / len(tokens) >= 0.3 and not carries_english(words, tokens)


def carries_english(words: str, tokens: list[str]) -> bool:
    """Enough English to act on: three English words, or an order number and an English fault word."""
    english = set(tokens) & ENGLISH_WORDS
    return len(english) >= 3 or bool(ORDER_NUMBER.search(words) and english & FAULT_WORDS)
