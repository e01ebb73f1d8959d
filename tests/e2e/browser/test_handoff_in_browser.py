"""The whole human-handoff loop in a real browser (Playwright driving Debian's Chromium).

Three people meet here, each in their own browser context (own cookies and
localStorage): a customer in the shop's chat widget, an agent in the staff
console, and a second customer who must not see the first one's chat.

Contexts are opened with ``bypass_csp``: Playwright's waiting helpers need
script evaluation, which our pages' Content-Security-Policy forbids. It also
makes the XSS checks stricter: they prove the pages never turn customer text
into HTML at all, not merely that the CSP would stop the script.

The stack is started afresh for this module (not the shared e2e one), so the
queue holds only what these tests put in it and "our conversation is at the
top" means something.
"""
from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from calmdesk.checks.client import free_port
from calmdesk.db import migrate
from calmdesk.operations.stack import Stack, StackConfig
from calmdesk.operations.training import ROOT, ensure_model
from tests.e2e.conftest import Running

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
XSS = '<img src=x onerror="window.__pwned=1">'
SECOND = 1000  # Playwright timeouts are in milliseconds


ALWAYS_OPEN = "timezone: UTC\nopening_hours:\n" + "".join(
    f"  {day}: \"00:00-24:00\"\n" for day in
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")) + "reply_within_hours: 2\n"


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Iterator[Running]:
    ensure_model()
    var_dir = tmp_path_factory.mktemp("browser-var")
    # The team is open around the clock here, so a handoff waits for the agent
    # whatever time the test runs (closed hours have their own e2e tests).
    hours = var_dir / "support_hours.yml"
    hours.write_text(ALWAYS_OPEN)
    saved = os.environ.get("SUPPORT_HOURS_FILE")
    os.environ["SUPPORT_HOURS_FILE"] = str(hours)
    config = StackConfig(
        rasa_port=free_port(), actions_port=free_port(), web_port=free_port(),
        var_dir=var_dir, rasa_token=secrets.token_urlsafe(16), api_token=secrets.token_urlsafe(16),
        limit_exempt="127.0.0.1",  # the tests' quick scripted customers are not a flood
    )
    migrate(config.resolved_database_url())
    running = Stack(config)
    try:
        running.start()
        running.wait_ready(timeout=300)
        yield Running(config)
    finally:
        running.stop()
        if saved is None:
            os.environ.pop("SUPPORT_HOURS_FILE", None)
        else:
            os.environ["SUPPORT_HOURS_FILE"] = saved


@pytest.fixture(scope="module")
def agent_name(shop) -> str:
    """An agent account made the way a team lead would: with the command line."""
    username = "sam"
    env = {**os.environ, "DATABASE_URL": shop.config.resolved_database_url(), "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "calmdesk", "staff", "add", username, "--role", "agent", "--password-stdin"],
        input=PASSWORD + "\n", text=True, capture_output=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return username


def open_chat(page, shop) -> None:
    page.goto(shop.config.web_url + "/")
    page.click("#chat-launcher")
    page.wait_for_selector("#chat-panel:not([hidden])")
    page.wait_for_function("document.querySelector('#chat-status').textContent.trim() === ''",
                           timeout=30 * SECOND)


def send(page, text: str) -> None:
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")


def wait_for_message(page, kind: str, count: int, timeout: float = 30 * SECOND) -> str:
    """Wait until at least ``count`` messages of ``kind`` (bot/user/agent/system) show; return the count-th one's text.

    The count-th, not the last: a reply of two messages may already show both.
    """
    selector = f"#chat-log .msg-{kind}"
    page.wait_for_function(f"document.querySelectorAll('{selector}').length >= {count}", timeout=timeout)
    return page.locator(f"{selector} .msg-text").nth(count - 1).inner_text()


def count(page, kind: str) -> int:
    return page.locator(f"#chat-log .msg-{kind}").count()


def settle(page, quiet: float = 1.5, timeout: float = 30.0) -> None:
    """Wait until the bot has finished answering: no typing dots, no new message for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = page.locator("#chat-log .msg").count()
        typing = page.locator("#chat-typing:not([hidden])").count()
        if now != seen or typing:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the chat never went quiet")


def log_in(page, shop, username: str) -> None:
    page.goto(shop.config.web_url + "/console")
    page.wait_for_url("**/console/login**")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(shop.config.web_url + "/console")


def test_customer_and_agent_meet_in_the_browser(browser, shop, agent_name, screenshot_dir):
    started = time.monotonic()
    agent = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 860})
    customer = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 780})  # a phone
    console, chat = agent.new_page(), customer.new_page()
    try:
        # The agent signs in first: with nobody online the bot would not hand over.
        log_in(console, shop, agent_name)

        # The customer complains angrily: acknowledgement and apology, in the widget.
        open_chat(chat, shop)
        send(chat, "My TV arrived with a CRACKED SCREEN and nobody cares!!! Order 4839201")
        first = wait_for_message(chat, "bot", 1)
        assert "sorry" in first.lower() and "cracked screen" in first.lower(), first
        assert chat.locator("#chat-log .msg-user .msg-text").first.inner_text().startswith("My TV arrived")

        # Something only this customer typed, as an attack: shown as text, never run.
        bots = count(chat, "bot")
        send(chat, XSS)
        wait_for_message(chat, "bot", bots + 1)
        settle(chat)
        assert chat.locator("#chat-log .msg-user .msg-text").last.inner_text() == XSS
        assert chat.locator("#chat-log img").count() == 0
        assert chat.evaluate("window.__pwned") is None

        send(chat, "I want to talk to a real person")
        handoff = chat.locator("#chat-log .msg-bot", has_text=re.compile(r"CD-[A-Z0-9]{6}")).last
        handoff.wait_for(timeout=30 * SECOND)
        handoff = handoff.inner_text()
        settle(chat)
        sender = chat.evaluate("localStorage.getItem('calmdesk.chat.sender')")
        [ticket] = shop.tickets(sender)
        assert ticket["reference"] in handoff and ticket["status"] == "awaiting_agent"
        chat.screenshot(path=str(screenshot_dir / "1-customer-handoff.png"), full_page=True)

        # The agent sees it at the top of the live queue (no reload), claims it and replies.
        console.wait_for_selector(f".queue-row[data-reference='{ticket['reference']}']", timeout=15 * SECOND)
        assert console.locator(".queue-row").first.get_attribute("data-reference") == ticket["reference"]
        console.screenshot(path=str(screenshot_dir / "2-console-queue.png"), full_page=True)
        console.click(f".queue-row[data-reference='{ticket['reference']}'] a")
        console.wait_for_url(f"**/console/conversations/{ticket['reference']}")
        console.wait_for_selector("#transcript .line-user")
        # The customer's attack is plain text in the console too.
        assert XSS in console.locator("#transcript").inner_text()
        assert console.locator("#transcript img, #summary img").count() == 0
        assert console.evaluate("window.__pwned") is None

        console.click("#claim")
        joined = wait_for_message(chat, "system", 1, timeout=5 * SECOND)
        assert "joined" in joined.lower()

        console.wait_for_selector("#reply-send:not([disabled])")
        console.fill("#reply-text", "Hi, I'm Sam. I'm arranging a new TV for you right now.")
        sent_at = time.monotonic()
        console.click("#reply-send")
        reply = wait_for_message(chat, "agent", 1, timeout=5 * SECOND)
        delivery = time.monotonic() - sent_at
        assert reply == "Hi, I'm Sam. I'm arranging a new TV for you right now."
        print(f"\nagent reply reached the customer's widget in {delivery:.2f} s")
        assert delivery < 3.0, "a live reply must reach the customer within moments"

        # While the agent holds the chat the bot stays quiet; the agent reads the customer.
        bots = count(chat, "bot")
        send(chat, "thank you, when will it arrive?")
        console.wait_for_selector("#transcript .line-user:has-text('when will it arrive')", timeout=10 * SECOND)
        chat.wait_for_timeout(1500)
        assert count(chat, "bot") == bots, "the bot must not talk over the agent"
        assert chat.locator("#chat-typing").is_hidden(), "no 'assistant is typing' while a person holds the chat"
        lines = console.locator("#transcript .line").all_inner_texts()
        reply_at = next(i for i, line in enumerate(lines) if "arranging a new TV" in line)
        question_at = next(i for i, line in enumerate(lines) if "when will it arrive" in line)
        assert reply_at < question_at, "the console shows the conversation in the order it happened"
        chat.screenshot(path=str(screenshot_dir / "3-customer-with-agent.png"), full_page=True)
        console.screenshot(path=str(screenshot_dir / "4-console-conversation.png"), full_page=True)

        # Resolve: the bot resumes in the customer's widget with its closing message.
        console.click("#resolve")
        back = wait_for_message(chat, "bot", bots + 1, timeout=15 * SECOND)
        assert "anything else" in back.lower(), back
        assert shop.tickets(sender)[0]["status"] == "resolved"
        chat.screenshot(path=str(screenshot_dir / "5-customer-bot-back.png"), full_page=True)

        # A designer takes the conversation away as a Rasa test story.
        with console.expect_download() as download:
            console.click("#export-story")
        story = Path(download.value.path()).read_text()
        assert story.startswith("version:") or "stories:" in story
        assert "action_turn" in story and "4839201" in story
        assert sender not in story, "the sender id is a secret; the story is named after the ticket"

        # The team lead's dashboard shows today's ticket.
        console.goto(shop.config.web_url + "/console/dashboard")
        console.wait_for_selector("#chart-days svg", timeout=15 * SECOND)
        console.screenshot(path=str(screenshot_dir / "6-console-dashboard.png"), full_page=True)

        # A reload keeps the conversation and the sender (session persistence).
        shown = count(chat, "user") + count(chat, "bot") + count(chat, "agent")
        chat.reload()
        chat.click("#chat-launcher") if chat.locator("#chat-panel[hidden]").count() else None
        chat.wait_for_function(
            f"document.querySelectorAll('#chat-log .msg-user, #chat-log .msg-bot, #chat-log .msg-agent').length"
            f" >= {shown}", timeout=15 * SECOND)
        assert chat.evaluate("localStorage.getItem('calmdesk.chat.sender')") == sender

        # A second customer, on another device, sees none of it.
        stranger = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 780})
        try:
            other = stranger.new_page()
            open_chat(other, shop)
            assert other.evaluate("localStorage.getItem('calmdesk.chat.sender')") not in (None, sender)
            send(other, "hello")
            wait_for_message(other, "bot", 1)
            text = other.locator("#chat-log").inner_text()
            assert "4839201" not in text and "Sam" not in text and "arrive" not in text
            assert count(other, "agent") == 0
        finally:
            stranger.close()
    finally:
        customer.close()
        agent.close()
    print(f"browser handoff test took {time.monotonic() - started:.1f} s")


def test_console_sends_strangers_to_the_login_page(browser, shop):
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        for path in ("/console", "/console/incidents", "/console/conversations/CD-AAAAAA"):
            page.goto(shop.config.web_url + path)
            assert "/console/login" in page.url, path
            assert page.locator("#username").is_visible()
        response = page.request.get(shop.config.web_url + "/console/api/queue")
        assert response.status == 401
    finally:
        context.close()
