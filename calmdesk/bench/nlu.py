"""What reading one message costs: the sentence encoder alone, and Rasa's whole NLU parse.

Run in a process of its own (``python -m calmdesk.bench.nlu MODEL``, as
``make bench`` does), once with one BLAS thread (what the servers use,
calmdesk/operations/stack.py) and once with two, and prints JSON:

- ``encode_ms``: the MiniLM forward pass for one message (no cache);
- ``parse_ms_new_text``: Rasa's whole parse of a message it has not seen
  (tokenizer, n-gram featurizers, encoder, intent classifier, main problem,
  anger detector, entity extractors, fallback);
- ``parse_ms_seen_text``: the same parse of a text parsed before: the
  encoder's vector comes from the cache of recent texts
  (components/sentence_embeddings.py).

The texts are the bench customers' messages, each made unique by a number,
so the first parse of each is a true miss.
"""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time

from calmdesk.bench.conversations import long_conversation

ROUNDS = 3


def _texts() -> list[str]:
    return [m.text for m in long_conversation(11, seed=7) if not m.text.startswith("/")]


def _median_ms(timings: list[float]) -> float:
    return round(statistics.median(timings) * 1000, 2)


def measure(model_path: str) -> dict:
    from rasa.core.agent import Agent

    from calmdesk.understanding.minilm import shared_model

    texts = _texts()
    encoder = shared_model()
    encoder.encode(["warm up"])
    encode = []
    for n in range(ROUNDS):
        for text in texts:
            started = time.perf_counter()
            encoder.encode([f"{text} {n}"])
            encode.append(time.perf_counter() - started)

    agent = Agent.load(model_path)
    new, seen = [], []

    async def parse_all() -> None:
        await agent.parse_message("warm up")
        for n in range(ROUNDS):
            for text in texts:
                unique = f"{text} #{n}"
                started = time.perf_counter()
                await agent.parse_message(unique)
                new.append(time.perf_counter() - started)
                started = time.perf_counter()
                await agent.parse_message(unique)
                seen.append(time.perf_counter() - started)

    asyncio.run(parse_all())
    return {"blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"), "messages": len(encode),
            "encode_ms": _median_ms(encode), "parse_ms_new_text": _median_ms(new),
            "parse_ms_seen_text": _median_ms(seen)}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
