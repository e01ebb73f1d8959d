"""Mail settings from the environment: SMTP URLs, the embedded default, the production rule."""
from __future__ import annotations

import pytest

from calmdesk.mail.settings import MailSettings, parse_smtp_url


def test_smtp_urls():
    target = parse_smtp_url("smtp://mailer%40shop:p%40ss@mail.example.com:587")
    assert (target.host, target.port, target.tls, target.username, target.password) == (
        "mail.example.com", 587, "starttls", "mailer@shop", "p@ss")
    assert parse_smtp_url("smtps://mail.example.com").port == 465 and parse_smtp_url("smtps://h").tls == "ssl"
    assert parse_smtp_url("smtp://127.0.0.1:2525?starttls=off").tls == "none"
    with pytest.raises(ValueError, match="SMTP_URL must look like"):
        parse_smtp_url("http://mail.example.com")


def test_embedded_default_writes_files_and_says_where(monkeypatch, tmp_path):
    monkeypatch.delenv("SMTP_URL", raising=False)
    monkeypatch.setenv("MAIL_DIR", str(tmp_path / "mail"))
    settings = MailSettings.from_env()
    assert settings.enabled and settings.smtp is None
    assert settings.describe() == f"written as .eml files to {tmp_path / 'mail'}"


def test_production_without_smtp_has_no_email_and_promises_none(monkeypatch):
    monkeypatch.setenv("SMTP_URL", "")
    monkeypatch.setenv("MAIL_WITHOUT_SMTP", "off")
    assert MailSettings.from_env().enabled is False
    monkeypatch.setenv("SMTP_URL", "smtp://u:p@mail.example.com:587")
    assert MailSettings.from_env().describe() == "through smtp://mail.example.com:587 (starttls)"


def test_both_processes_derive_the_same_link_key(monkeypatch):
    monkeypatch.setenv("SUPPORT_API_TOKEN", "shared")
    monkeypatch.delenv("MAIL_LINK_SECRET", raising=False)
    assert MailSettings.from_env().secret == MailSettings.from_env().secret != b"shared"


@pytest.mark.parametrize("name, value", [("MAIL_RETRY_DELAYS", "soon"), ("MAIL_MAX_PER_DAY", "-1")])
def test_bad_settings_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        MailSettings.from_env()
