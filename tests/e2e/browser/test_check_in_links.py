"""The check-in email's links in Chromium: a rating, "still not fixed" into the console queue, back to the chat.

On the shared e2e stack (tests/e2e/conftest.py: a real SMTP server).  The
check-in job runs with its clock moved forward four days
(``python -m calmdesk.mail jobs --now ...``); the web app's worker sends it.
"""
from __future__ import annotations

import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from calmdesk.operations.training import ROOT
from tests.e2e.test_mail import PASSWORD, add_admin, complain_and_accept, run_cli
from tests.mail.smtp import html_of, text_of

pytestmark = pytest.mark.e2e
SECOND = 1000


def test_check_in_links_rate_reopen_into_the_queue_and_resume_the_chat(stack, browser, screenshot_dir):
    sender = f"e2e-checkin-{uuid.uuid4().hex}"
    email = f"checkin-{uuid.uuid4().hex[:8]}@example.com"
    complain_and_accept(stack, sender, email)
    [ticket] = stack.tickets(sender)
    [confirmation] = stack.mail.wait_for(email, kind="confirmation")
    assert stack.mail.wait_for(email, kind="check_in", timeout=3) == [], "not before it is due"

    later = (datetime.now(timezone.utc) + timedelta(days=4)).isoformat()
    run_cli(stack, "calmdesk.mail", "jobs", "--now", later)
    run_cli(stack, "calmdesk.mail", "jobs", "--now", later)  # twice: still one check-in
    [check_in] = stack.mail.wait_for(email, kind="check_in")
    time.sleep(2)
    text = text_of(check_in)
    print(f"\ncheck-in: expected 1, received {len(stack.mail.to(email)) - 1}")
    assert len([m for m in stack.mail.to(email) if m["X-Calmdesk-Kind"] == "check_in"]) == 1
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "email-check-in.txt").write_text(
        f"Subject: {check_in['Subject']}\nTo: {check_in['To']}\n\n{text}")
    assert check_in["Subject"] == f"{ticket['reference']}: did this fix it?"
    assert sender not in text, "no conversation id in any link"
    rate_4 = re.search(r"^\s+4: (\S+)$", text, re.M).group(1)
    not_fixed = re.search(r"Still not fixed\? (\S+)", text).group(1)
    back_to_chat = re.search(r"Want to add something\? (\S+)", text_of(confirmation)).group(1)

    context = browser.new_context(bypass_csp=True, viewport={"width": 900, "height": 700})
    page = context.new_page()
    try:
        for _ in range(2):  # opening it twice does no harm
            page.goto(rate_4)
            assert "4 out of 5" in page.locator("#answer").inner_text()
        assert stack.tickets(sender)[0]["satisfaction"]["score"] == 4

        page.goto(not_fixed)
        assert "open again" in page.locator("#answer").inner_text()
        page.screenshot(path=str(screenshot_dir / "check-in-not-fixed.png"))
        page.goto(not_fixed)
        assert "already open again" in page.locator("#answer").inner_text()
        reopened = stack.tickets(sender)[0]
        assert (reopened["status"], reopened["handoff"], reopened["recurrent"]) == ("awaiting_agent", True, True)
        assert reopened["priority"] in ("high", "urgent")
        assert reopened["satisfaction"]["score"] == 4, "the rating stays"

        # The console: the reopened case is in the queue; the customer is not in the chat, so the
        # agent's answer goes by email.
        username = add_admin(stack)
        page.goto(stack.config.web_url + "/console")
        page.wait_for_url("**/console/login**")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(stack.config.web_url + "/console")
        page.wait_for_selector(f"text={ticket['reference']}", timeout=30 * SECOND)
        page.goto(f"{stack.config.web_url}/console/conversations/{ticket['reference']}")
        page.wait_for_function("document.querySelector('#presence').textContent.includes('left the chat')",
                               timeout=30 * SECOND)
        page.wait_for_selector("#reply-email:not([hidden])")
        page.fill("#reply-text", "Sorry it broke again - a new TV goes out tomorrow, no need to return the old one.")
        page.dblclick("#reply-email")  # an impatient double click sends the reply once
        page.wait_for_function("document.querySelector('#status').textContent.includes('Emailed')")
        page.screenshot(path=str(screenshot_dir / "console-send-by-email.png"))
        replies = stack.mail.wait_for(email, count=2, timeout=8, kind="agent_reply")
        assert len(replies) == 1, "one reply, one email"
        assert "a new TV goes out tomorrow" in text_of(replies[0])

        page.goto(rate_4.rsplit("/", 1)[0] + "/not-a-real-token")
        assert "doesn't work" in page.content().replace("&#x27;", "'")
    finally:
        context.close()

    # What the customer sees: the HTML version of the check-in, rendered.
    shown = browser.new_context(viewport={"width": 640, "height": 760})
    try:
        view = shown.new_page()
        view.set_content(html_of(check_in))
        assert view.locator("a", has_text="Reopen my case").count() == 1
        view.screenshot(path=str(screenshot_dir / "email-check-in.png"), full_page=True)
    finally:
        shown.close()

    # "Go back to our chat" from the confirmation: a fresh browser lands in the same conversation.
    fresh = browser.new_context(bypass_csp=True, viewport={"width": 900, "height": 700})
    page = fresh.new_page()
    try:
        page.goto(back_to_chat)
        page.wait_for_selector("#chat-panel:not([hidden])", timeout=30 * SECOND)
        page.wait_for_function("[...document.querySelectorAll('#chat-log .msg-user')].some("
                               "m => m.textContent.includes('CRACKED SCREEN'))", timeout=30 * SECOND)
        assert "#resume" not in page.url, "the token leaves the address bar"
        assert page.evaluate("localStorage.length") >= 1
        page.screenshot(path=str(screenshot_dir / "email-back-to-chat.png"))
    finally:
        fresh.close()
