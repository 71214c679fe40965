"""`lamplighter send`: a published issue reaches the readers' inboxes once, by SMTP or a list service.

SMTP is a real server (aiosmtpd with STARTTLS and AUTH); Buttondown and listmonk are loopback
servers that follow their documented requests and answers (tests/mail_services.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lamplighter.cli import main
from mail_services import Service, serving, smtp_server
from newsroom import paused, resume
from site_under_test import SAMPLES

WEEK = "2026-W47"
SITE = "https://news.example.org"


@pytest.fixture
def published(project):
    """The sample issue, published and built at its public address, as the publish workflow builds it."""
    project.write_issue(WEEK, (SAMPLES / f"{WEEK}.md").read_text(encoding="utf-8"))
    project.build(SITEURL=SITE, FEED_DOMAIN=SITE)
    return project


def email_settings(project, email: dict) -> None:
    project.configure([], f"LAMPLIGHTER_EMAIL = {email!r}\n")


def send(project, *args: str) -> int:
    return main(["send", "-s", str(project.settings), *args])


@pytest.fixture
def mailbox(tmp_path, monkeypatch):
    with smtp_server(tmp_path, monkeypatch) as box:
        yield box


def smtp(mailbox) -> dict:
    return {"service": "smtp", "host": "127.0.0.1", "port": mailbox.port, "to": "readers@lists.example.org",
            "from": "Lamplighter <editor@example.org>",
            "list_unsubscribe": "<mailto:readers-leave@lists.example.org>, <https://lists.example.org/leave>"}


def test_smtp_delivers_the_issue_once_with_text_html_and_unsubscribe(published, mailbox, monkeypatch, capsys):
    monkeypatch.setenv("LAMPLIGHTER_SMTP_USERNAME", "editor")
    monkeypatch.setenv("LAMPLIGHTER_SMTP_PASSWORD", "secret")
    email_settings(published, smtp(mailbox))

    assert send(published, WEEK) == 0

    [(sender, recipients, message)] = mailbox.messages
    assert (sender, recipients) == ("editor@example.org", ["readers@lists.example.org"])
    assert message["Subject"] == "Issue 3: Bigger, faster — SDXL, distillation and flow matching"
    assert message["List-Unsubscribe"].strip().startswith("<mailto:readers-leave@")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    folder = published.output / "issues" / WEEK
    lines = html.replace("\r\n", "\n"), text.replace("\r\n", "\n")  # SMTP ends lines with CRLF
    assert lines == ((folder / "email.html").read_text(encoding="utf-8"), (folder / "email.txt").read_text(encoding="utf-8"))
    assert "<img" not in html  # no tracking pixel
    assert f"Read it on the web: {SITE}/issues/{WEEK}/" in text
    receipt = json.loads((published.issues / f"{WEEK}.sent.json").read_text(encoding="utf-8"))
    assert receipt["state"] == "sent" and receipt["id"] == message["Message-ID"].strip()

    # Again, by hand or by a re-run of the publish workflow: refused, nothing sent.
    capsys.readouterr()
    assert send(published, WEEK) == 0
    assert "already sent" in capsys.readouterr().err and len(mailbox.messages) == 1


def test_a_refused_login_sends_nothing_and_leaves_no_receipt(published, mailbox, monkeypatch, capsys):
    monkeypatch.setenv("LAMPLIGHTER_SMTP_USERNAME", "editor")
    monkeypatch.setenv("LAMPLIGHTER_SMTP_PASSWORD", "wrong")
    email_settings(published, smtp(mailbox))

    assert send(published) == 2  # the newest published issue

    assert "did not accept" in capsys.readouterr().err and mailbox.messages == []
    assert not (published.issues / f"{WEEK}.sent.json").exists()
    monkeypatch.setenv("LAMPLIGHTER_SMTP_PASSWORD", "secret")
    assert send(published) == 0 and len(mailbox.messages) == 1


def start_send(project, tmp_path, *, pause_at: str) -> subprocess.Popen:
    """`lamplighter send` as its own process, with the SMTP login and the test CA, waiting before a write."""
    env = {"LAMPLIGHTER_SMTP_USERNAME": "editor", "LAMPLIGHTER_SMTP_PASSWORD": "secret",
           "SSL_CERT_FILE": str(tmp_path / "ca.pem"), "PATH": "/usr/bin:/bin", "LAMPLIGHTER_PAUSE_AT_WRITE": pause_at}
    return subprocess.Popen([sys.executable, "-m", "lamplighter.cli", "send", WEEK, "-s", str(project.settings)],
                            env=env, cwd=project.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_killed_after_the_message_left_the_next_send_refuses_until_the_editor_looks(published, mailbox, tmp_path):
    email_settings(published, smtp(mailbox))
    process = start_send(published, tmp_path, pause_at=f"write {WEEK}.sent.json")
    assert paused(process)  # the message was accepted; the "sent" receipt is not written yet
    process.kill()
    process.wait()
    assert len(mailbox.messages) == 1

    assert main(["send", WEEK, "-s", str(published.settings)]) == 2  # "may have reached readers: check, then delete"
    assert len(mailbox.messages) == 1
    assert json.loads((published.issues / f"{WEEK}.sent.json").read_text())["state"] == "sending"


def test_two_sends_at_once_send_one_email(published, mailbox, tmp_path):
    email_settings(published, smtp(mailbox))
    first = start_send(published, tmp_path, pause_at=f"replace {WEEK}.sent.json")
    assert paused(first)  # about to claim the receipt
    second = start_send(published, tmp_path, pause_at="")
    assert second.wait(timeout=60) == 0 and len(mailbox.messages) == 1
    assert resume(first) == 0  # it finds the receipt claimed, and refuses
    assert len(mailbox.messages) == 1
    assert list(published.issues.glob(".*.tmp")) == []  # its claim leaves nothing behind


def test_dry_run_says_what_would_be_sent_and_sends_nothing(published, mailbox, capsys):
    email_settings(published, smtp(mailbox))

    assert send(published, WEEK, "--dry-run") == 0

    said = capsys.readouterr().err
    assert "Would send 2026-W47" in said and "readers@lists.example.org" in said and "Nothing was sent" in said
    assert mailbox.messages == [] and not (published.issues / f"{WEEK}.sent.json").exists()


def test_buttondown_is_asked_as_documented_through_a_rate_limit(published, monkeypatch, capsys):
    with serving(Service(busy=1)) as service:
        email_settings(published, {"service": "buttondown", "base_url": service.base})
        assert send(published, WEEK) == 2  # no key in the environment
        assert "BUTTONDOWN_API_KEY not set" in capsys.readouterr().err and service.requests == []

        monkeypatch.setenv("BUTTONDOWN_API_KEY", "bd-key")
        assert send(published, WEEK) == 0

        throttled, accepted = service.requests
        assert accepted.headers["x-api-version"] == "2026-04-01"
        assert accepted.body["status"] == "about_to_send" and accepted.body["slug"] == "2026-w47"
        assert accepted.body["body"] == (published.output / "issues" / WEEK / "email.html").read_text(encoding="utf-8")
        assert json.loads((published.issues / f"{WEEK}.sent.json").read_text())["id"] == "bd-1"

        # The receipt lost (a re-run on an old checkout): Buttondown's own slug check still refuses a second email.
        (published.issues / f"{WEEK}.sent.json").unlink()
        assert send(published, WEEK) == 2
        assert "slug_invalid" in capsys.readouterr().err and len(service.slugs) == 1


def test_buttondown_refusing_the_key_sends_nothing(published, monkeypatch, capsys):
    monkeypatch.setenv("BUTTONDOWN_API_KEY", "not-the-key")
    with serving(Service()) as service:
        email_settings(published, {"service": "buttondown", "base_url": service.base})
        assert send(published, WEEK) == 2
    assert "HTTP 401: Invalid token." in capsys.readouterr().err
    assert not (published.issues / f"{WEEK}.sent.json").exists()


def test_listmonk_gets_a_campaign_with_both_parts_then_starts_it(published, monkeypatch, capsys):
    monkeypatch.setenv("LISTMONK_API_USER", "api-user")
    monkeypatch.setenv("LISTMONK_API_TOKEN", "lm-token")
    with serving(Service(lists=(1, 3))) as service:
        email_settings(published, {"service": "listmonk", "url": service.base, "lists": [4]})
        assert send(published, WEEK) == 2  # a list listmonk does not have
        assert "One or more lists not found" in capsys.readouterr().err
        assert not (published.issues / f"{WEEK}.sent.json").exists()

        email_settings(published, {"service": "listmonk", "url": service.base, "lists": [1, 3]})
        assert send(published, WEEK) == 0

        create, start = service.requests[1:]
        assert (create.method, create.path, start.method, start.path) == (
            "POST", "/api/campaigns", "PUT", "/api/campaigns/7/status")
        assert create.body["content_type"] == "html" and create.body["lists"] == [1, 3]
        assert create.body["altbody"] == (published.output / "issues" / WEEK / "email.txt").read_text(encoding="utf-8")
        assert start.body == {"status": "running"}
        assert json.loads((published.issues / f"{WEEK}.sent.json").read_text())["id"] == "7"


@pytest.mark.parametrize("change, says", [
    (lambda p: p.write_issue(WEEK, (SAMPLES / f"{WEEK}.md").read_text().replace("Status: published", "Status: draft")),
     "is a draft"),
    (lambda p: p.build(), "a local preview"),
])
def test_a_draft_or_a_preview_build_is_never_sent(published, mailbox, capsys, change, says):
    email_settings(published, smtp(mailbox))
    change(published)

    assert send(published, WEEK) == 2

    assert says in capsys.readouterr().err and mailbox.messages == []


def test_without_email_settings_send_says_so(published, capsys):
    assert send(published, WEEK) == 0
    assert "LAMPLIGHTER_EMAIL is not set" in capsys.readouterr().err


@pytest.mark.parametrize("email, says", [
    ({"service": "mailchimp"}, "one of smtp, buttondown, listmonk"),
    ({"service": "smtp", "host": "mail.example.org", "to": "list@example.org"}, "needs from"),
    ({"service": "listmonk", "url": "https://lists.example.org", "lists": ["weekly"]}, "list ids"),
    ({"service": "smtp", "host": "h", "to": "t", "from": "f", "port": "587"}, "port number"),
    ({"service": "buttondown", "api_key": "secret"}, "has no key api_key"),
])
def test_bad_email_settings_name_the_problem(project, capsys, email, says):
    email_settings(project, email)

    assert send(project, WEEK) == 2

    assert says in capsys.readouterr().err
