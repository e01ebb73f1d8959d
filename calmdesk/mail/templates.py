"""The words of every email, from ``policy/emails.yml``: checked at start-up, rendered as text and HTML.

Why a restricted format.  Designers edit these files, and the values put into
them come from upset customers ("the problem, in their words") and from staff.
``string.Template`` substitution (``$name``) does one thing: put a value where
the name is.  No expressions, attribute access, filters or loops, so neither a
template nor a value can execute anything, and a ``$reference`` typed by a
customer is just text (substitution is a single pass).

Why check at start-up.  Each email kind has a fixed set of variables
(``VARIABLES``); a template that names another one, misspells one, puts a link
in a subject or is missing altogether is a ``PolicyError`` when the file is
loaded (the web app and ``make run`` load it before starting), never a
``KeyError`` at send time for one unlucky customer.  ``render`` also refuses
values that do not match the kind exactly, so the code cannot forget one.

The HTML version is built from the same text: the template is escaped first,
then values are escaped (and links become ``<a>``), so customer text can never
become markup.  Customer and staff text is masked (card numbers, codes,
passwords: ``calmdesk.privacy``) before it goes into either version.
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any, Mapping, Union

import yaml

from calmdesk.policy_files import PolicyError, fail
from calmdesk.privacy import mask_pii

DEFAULT_TEMPLATES_PATH = Path(__file__).resolve().parents[2] / "policy" / "emails.yml"

COMMON = ("shop_name", "reference", "conversation_link", "unsubscribe_link")
VARIABLES: dict[str, tuple[str, ...]] = {
    "confirmation": ("problem", "remedy", "timeline"),
    "confirmation_open": ("problem",),
    "confirmation_request": ("request", "timeline"),
    "agent_reply": ("agent_name", "message"),
    "incident_update": ("message",),
    "incident_closed": ("message",),
    "remedy_fulfilled": ("remedy",),
    "check_in": ("problem", "rating_links", "not_fixed_link"),
}
LINKS = ("conversation_link", "unsubscribe_link", "not_fixed_link")  # one web address each
BLOCKS = ("rating_links",)  # several links
RATINGS = (1, 2, 3, 4, 5)
_TOP_KEYS = ("shop_name", "links", "rating_labels", "footer", "emails")
MAX_VALUE = 4000  # characters of one value (a long rant is cut, with an ellipsis)


@dataclass(frozen=True)
class Link:
    url: str
    label: str = ""


Value = Union[str, Link, "list[Link]"]


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class EmailTemplates:
    shop_name: str
    links: dict[str, str]
    rating_labels: dict[int, str]
    footer: str
    emails: dict[str, dict[str, str]]
    path: Path

    def variables(self, kind: str) -> tuple[str, ...]:
        return COMMON + VARIABLES[kind]

    def render(self, kind: str, values: Mapping[str, Any]) -> Rendered:
        """The email of ``kind`` with these values; ``shop_name`` is filled in here.

        ``values`` must hold exactly the kind's variables (less ``shop_name``):
        a missing or unknown one is a programming error (ValueError), found by tests.
        """
        if kind not in VARIABLES:
            raise ValueError(f"unknown email kind {kind!r}; known: {', '.join(VARIABLES)}")
        expected = set(self.variables(kind)) - {"shop_name"}
        if set(values) != expected:
            raise ValueError(f"email {kind!r} takes {sorted(expected)}; got {sorted(values)}")
        values = {**values, "shop_name": self.shop_name}
        template = self.emails[kind]
        plain = {name: _as_text(name, value, self) for name, value in values.items()}
        marked = {name: _as_html(name, value, self) for name, value in values.items()}
        subject = Template(template["subject"]).substitute({n: " ".join(v.split()) for n, v in plain.items()})
        body, footer = template["body"].strip("\n"), self.footer.strip("\n")
        text = Template(body).substitute(plain) + "\n\n-- \n" + Template(footer).substitute(plain) + "\n"
        html_body = _paragraphs(Template(html.escape(body)).substitute(marked))
        html_footer = _paragraphs(Template(html.escape(footer)).substitute(marked))
        return Rendered(subject=subject[:250], text=text, html=_page(subject, html_body, html_footer))


def clean(text: str | None) -> str:
    """Customer or staff words as they may appear in an email: masked, control characters gone, not endless."""
    masked = mask_pii(text or "").text
    masked = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", masked).strip()
    return masked if len(masked) <= MAX_VALUE else masked[:MAX_VALUE].rstrip() + "…"


def _as_text(name: str, value: Any, templates: EmailTemplates) -> str:
    if name in BLOCKS:
        return "\n".join(f"  {link.label}: {link.url}" for link in value)
    if name in LINKS:
        return value.url
    return clean(str(value))


def _as_html(name: str, value: Any, templates: EmailTemplates) -> str:
    if name in BLOCKS:
        return " ".join(_anchor(link.url, link.label, button=True) for link in value)
    if name in LINKS:
        return _anchor(value.url, templates.links[name])
    return html.escape(clean(str(value))).replace("\n", "<br>")


def _anchor(url: str, label: str, button: bool = False) -> str:
    style = ("display:inline-block;padding:8px 14px;margin:2px;border:1px solid #2a6f97;border-radius:6px;"
             "text-decoration:none;color:#2a6f97") if button else "color:#2a6f97"
    return f'<a href="{html.escape(url)}" style="{style}">{html.escape(label)}</a>'


def _paragraphs(marked: str) -> str:
    blocks = [b for b in re.split(r"\n\s*\n", marked) if b.strip()]
    return "\n".join(f"<p>{b.strip().replace(chr(10), '<br>')}</p>" for b in blocks)


def _page(subject: str, body: str, footer: str) -> str:
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + html.escape(subject) + "</title></head>\n"
            "<body style=\"font-family:Arial,sans-serif;font-size:15px;line-height:1.5;color:#222;max-width:560px\">\n"
            + body + "\n<hr style=\"border:none;border-top:1px solid #ddd\">\n"
            "<div style=\"font-size:12px;color:#666\">" + footer + "</div>\n</body></html>\n")


# --------------------------------------------------------------------------
# Loading and checking


def placeholders(text: str, where: str, path: Path) -> set[str]:
    """The variable names in ``text``; PolicyError for a broken ``$`` (write ``$$`` for a dollar sign)."""
    names = set()
    for match in Template.pattern.finditer(text):
        if match.group("invalid") is not None:
            line = text[:match.start()].count("\n") + 1
            raise PolicyError(f"{path}: {where}, line {line}: a '$' that is not a variable "
                              "(write $name or ${name}; $$ for a dollar sign)")
        name = match.group("named") or match.group("braced")
        if name:
            names.add(name)
    return names


def _string(raw: Any, path: Path, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise fail(path, where, "must be some text")
    return raw


def parse_templates(raw: Any, path: Path) -> EmailTemplates:
    """Check the whole file; the first problem found is a PolicyError naming the key."""
    if not isinstance(raw, dict):
        raise fail(path, "top level", "must be a mapping with " + ", ".join(_TOP_KEYS))
    unknown = set(raw) - set(_TOP_KEYS)
    if unknown:
        raise fail(path, "top level", f"unknown key(s) {sorted(unknown)}; allowed: {', '.join(_TOP_KEYS)}")
    shop_name = _string(raw.get("shop_name"), path, "shop_name")
    links = raw.get("links") or {}
    if not isinstance(links, dict) or set(links) != set(LINKS):
        raise fail(path, "links", f"needs a label for each of {', '.join(LINKS)}")
    labels = {name: _string(links[name], path, f"links.{name}") for name in LINKS}
    ratings = raw.get("rating_labels") or {}
    if not isinstance(ratings, dict) or set(ratings) != set(RATINGS):
        raise fail(path, "rating_labels", "needs a label for each score 1 to 5")
    rating_labels = {score: _string(str(ratings[score]), path, f"rating_labels.{score}") for score in RATINGS}
    footer = _string(raw.get("footer"), path, "footer")
    emails = raw.get("emails")
    if not isinstance(emails, dict):
        raise fail(path, "emails", "must be a mapping of email kinds")
    missing, extra = set(VARIABLES) - set(emails), set(emails) - set(VARIABLES)
    if missing:
        raise fail(path, "emails", f"missing {sorted(missing)}: every kind the product sends needs its words")
    if extra:
        raise fail(path, "emails", f"unknown kind(s) {sorted(extra)}; known: {', '.join(VARIABLES)}")
    checked: dict[str, dict[str, str]] = {}
    for kind, entry in emails.items():
        if not isinstance(entry, dict) or set(entry) != {"subject", "body"}:
            raise fail(path, f"emails.{kind}", "needs exactly a subject and a body")
        allowed = set(COMMON + VARIABLES[kind])
        subject = _string(entry["subject"], path, f"emails.{kind}.subject")
        body = _string(entry["body"], path, f"emails.{kind}.body")
        for part, text in (("subject", subject), ("body", body)):
            names = placeholders(text, f"emails.{kind}.{part}", path)
            if names - allowed:
                raise fail(path, f"emails.{kind}.{part}", f"unknown variable(s) "
                            f"{', '.join('$' + n for n in sorted(names - allowed))}; "
                            f"this email has {', '.join('$' + n for n in sorted(allowed))}")
            if part == "subject" and names & set(LINKS + BLOCKS):
                raise fail(path, f"emails.{kind}.subject", "a subject cannot hold a link")
        checked[kind] = {"subject": subject, "body": body}
    footer_names = placeholders(footer, "footer", path)
    if footer_names - set(COMMON):
        raise fail(path, "footer", f"unknown variable(s) {sorted(footer_names - set(COMMON))}; "
                    f"the footer has {', '.join('$' + n for n in COMMON)}")
    if "unsubscribe_link" not in footer_names:
        raise fail(path, "footer", "must hold $unsubscribe_link: every email lets the customer stop them")
    return EmailTemplates(shop_name=shop_name.strip(), links=labels, rating_labels=rating_labels,
                          footer=footer, emails=checked, path=path)


def load_templates(path: str | Path | None = None) -> EmailTemplates:
    """Read and check ``path``, else ``$EMAIL_TEMPLATES_FILE``, else ``policy/emails.yml``."""
    path = Path(path or os.environ.get("EMAIL_TEMPLATES_FILE") or DEFAULT_TEMPLATES_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyError(f"cannot read the email templates {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise PolicyError(f"{path}: not valid YAML: {error}") from None
    return parse_templates(raw, path)
