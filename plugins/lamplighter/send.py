"""`lamplighter send [WEEK]`: a published issue, once, to the readers' inboxes.

The email is the one the build wrote (`issues/WEEK/email.html` and `email.txt` in the
output), so the inbox shows what the site shows. It goes to the service named by
`LAMPLIGHTER_EMAIL`: a mailing list's address over SMTP, Buttondown's email API, or a
listmonk campaign; the credentials come from the environment, never from settings.

Exactly once: a receipt beside the issue (`YYYY-Www.sent.json`) is claimed, as "sending",
before anything leaves (two sends at once: one claims it, the other refuses), and says
"sent" with the service's id once the service accepted the email. A sent receipt makes
every later send refuse, and one left "sending" (the outcome is unknown: a crash, a
timeout after the message left) refuses too, until the editor has looked at the
service and deleted it. A send the service clearly refused leaves no receipt.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import draft, files
from .errors import StateError

CREDENTIALS = {"smtp": ("LAMPLIGHTER_SMTP_USERNAME", "LAMPLIGHTER_SMTP_PASSWORD"),
               "buttondown": ("BUTTONDOWN_API_KEY",), "listmonk": ("LISTMONK_API_USER", "LISTMONK_API_TOKEN")}
BUTTONDOWN = "https://api.buttondown.com"
BUTTONDOWN_VERSION = "2026-04-01"  # the API version whose requests and answers this follows
TIMEOUT = 60  # seconds for a service to answer
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class NotSent(Exception):
    """The service clearly did not accept the email: nothing left, and the send may be tried again."""


@dataclass(frozen=True)
class Letter:
    week: str
    subject: str
    html: str
    text: str
    url: str  # the issue on the web


@dataclass(frozen=True)
class Outcome:
    sent: bool
    message: str


def receipt_path(issues: Path, week: str) -> Path:
    return issues / f"{week}.sent.json"


def newest_published(issues: Path) -> str:
    for path in sorted(issues.glob("????-W??.md"), reverse=True):
        if draft.parse(files.read_text(path) or "").metadata.get("status", "").lower() == "published":
            return path.stem
    raise StateError(f"no published issue in {issues}")


def letter(issues: Path, output: Path, week: str) -> Letter:
    """The published issue's email versions as the build wrote them; a clear error if they are not there."""
    source = files.read_text(issues / f"{week}.md")
    if source is None:
        raise StateError(f"there is no issue {issues / f'{week}.md'}")
    metadata = draft.parse(source).metadata
    if metadata.get("status", "").lower() != "published":
        raise StateError(f"{week} is a draft: only a published issue is sent (set Status: published and build)")
    folder = output / "issues" / week
    html, text = files.read_text(folder / "email.html"), files.read_text(folder / "email.txt")
    if html is None or text is None:
        raise StateError(f"{folder}/email.html is missing: build the site with publishconf.py first")
    url = next((line.removeprefix("Read it on the web: ") for line in text.splitlines()
                if line.startswith("Read it on the web: ")), "")
    if urlsplit(url).hostname in LOOPBACK:
        raise StateError(f"the email links to {url}, a local preview: build with publishconf.py (and SITEURL) "
                         "before sending")
    return Letter(week, metadata.get("title", week), html, text, url)


def send(config: dict[str, Any], issues: Path, output: Path, week: str, *, dry_run: bool = False,
         environ: dict[str, str] | None = None) -> Outcome:
    """Send the week's issue once; say what happened (or, with `dry_run`, what would)."""
    environ = os.environ if environ is None else environ
    receipt = receipt_path(issues, week)
    earlier = _read_receipt(receipt)
    if earlier:
        return _refused(receipt, earlier)
    mail = letter(issues, output, week)
    service = config["service"]
    absent = [name for name in CREDENTIALS[service] if not environ.get(name)]
    if service != "smtp" and absent:
        raise StateError(f"{' and '.join(absent)} not set: add {'them' if len(absent) > 1 else 'it'} as "
                         "repository secrets (or to your environment) to send by " + service)
    if dry_run:
        return Outcome(False, f"Would send {week}, {mail.subject!r}, by {service} to {_audience(config)}: "
                              f"{len(mail.html):,} bytes of HTML, {len(mail.text):,} of plain text, "
                              f"linking to {mail.url}. Nothing was sent.")
    started = _now()
    claim = files.temporary_beside(receipt, _json({"week": week, "service": service, "state": "sending",
                                                   "started": started}), durable=True)
    try:
        files.replace(claim, receipt, durable=True, new=True)
    except FileExistsError:  # another send claimed it a moment ago
        claim.unlink(missing_ok=True)
        return _refused(receipt, _read_receipt(receipt) or {"state": "sending"})
    try:
        sent_id = DELIVER[service](config, mail, environ)
    except NotSent as error:
        receipt.unlink()
        raise StateError(f"{service} did not accept {week}: {error}; nothing was sent, and you may send it "
                         "again") from None
    except BaseException as error:  # the outcome is unknown: the receipt stays "sending", and sends refuse
        raise StateError(f"the send of {week} by {service} stopped ({type(error).__name__}: {error}) and may or "
                         f"may not have reached readers: check {service}, then delete {receipt} to send "
                         "again") from None
    files.write_atomically(receipt, _json({"week": week, "service": service, "state": "sent", "id": sent_id,
                                           "subject": mail.subject, "to": _audience(config), "started": started,
                                           "sent": _now()}), durable=True)
    return Outcome(True, f"Sent {week}, {mail.subject!r}, by {service} to {_audience(config)} (id {sent_id}); "
                         f"the receipt is {receipt}: commit it.")


def _refused(receipt: Path, earlier: dict[str, Any]) -> Outcome:
    """Already sent: nothing to do. A send whose outcome is unknown: an error, until the editor has looked."""
    if earlier.get("state") == "sent":
        return Outcome(False, f"Not sent: {earlier.get('week', receipt.stem)} was already sent by "
                              f"{earlier.get('service')} on {earlier.get('sent')} (receipt {receipt}).")
    raise StateError(f"not sent: a send that started {earlier.get('started', 'earlier')} did not finish, and it may "
                     f"have reached readers. Check {earlier.get('service', 'the service')}; to send again, delete "
                     f"{receipt}")


def _read_receipt(path: Path) -> dict[str, Any] | None:
    text = files.read_text(path)
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    return value if isinstance(value, dict) else {"state": "unknown"}  # damaged: never send over it


def _audience(config: dict[str, Any]) -> str:
    service = config["service"]
    if service == "smtp":
        return str(config["to"])
    if service == "listmonk":
        return f"listmonk lists {', '.join(map(str, config['lists']))}"
    return "Buttondown subscribers"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def by_smtp(config: dict[str, Any], mail: Letter, environ: dict[str, str]) -> str:
    """One message, plain text and HTML, to the list's address; STARTTLS unless `starttls` is False."""
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = mail.subject, config["from"], config["to"]
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    domain = str(config["from"]).rsplit("@", 1)[-1].strip(" >")
    message["Message-ID"] = make_msgid(idstring=f"lamplighter.{mail.week}", domain=domain)
    if config.get("list_unsubscribe"):
        message["List-Unsubscribe"] = config["list_unsubscribe"]
        if "<https:" in config["list_unsubscribe"]:
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    username, password = (environ.get(name) for name in CREDENTIALS["smtp"])
    try:  # until the message is handed over, any failure means nothing left
        client = smtplib.SMTP(config["host"], int(config.get("port", 587)), timeout=TIMEOUT)
    except (OSError, smtplib.SMTPException) as error:
        raise NotSent(str(error) or type(error).__name__) from None
    with client:
        try:
            if config.get("starttls", True):
                client.starttls(context=ssl.create_default_context())
            if username:
                _log_in(client, username, password or "")
        except (OSError, smtplib.SMTPException) as error:
            raise NotSent(str(error) or type(error).__name__) from None
        try:
            client.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise NotSent(str(error)) from None  # the server answered no: it delivers nothing
    return message["Message-ID"]


def _log_in(client: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN when offered (under TLS, the one mechanism every server has), else what smtplib picks."""
    client.ehlo_or_helo_if_needed()
    if "plain" in client.esmtp_features.get("auth", "").lower().split():
        client.user, client.password = username, password
        client.auth("PLAIN", client.auth_plain)
    else:
        client.login(username, password)


def by_buttondown(config: dict[str, Any], mail: Letter, environ: dict[str, str]) -> str:
    """POST /v1/emails with status about_to_send: Buttondown sends it to every subscriber, with its unsubscribe link."""
    answer = _post(f"{config.get('base_url', BUTTONDOWN).rstrip('/')}/v1/emails", {
        "Authorization": f"Token {environ['BUTTONDOWN_API_KEY']}", "X-API-Version": BUTTONDOWN_VERSION,
        "X-Buttondown-Live-Dangerously": "true",  # yes, send it: the API's confirmation that this is meant
    }, {"subject": mail.subject, "body": mail.html, "status": "about_to_send", "canonical_url": mail.url,
        "slug": mail.week.lower()})
    return str(answer.get("id", ""))


def by_listmonk(config: dict[str, Any], mail: Letter, environ: dict[str, str]) -> str:
    """A campaign to the lists (HTML with the plain text as its alternative), then started."""
    base = str(config["url"]).rstrip("/")
    auth = {"Authorization": f"token {environ['LISTMONK_API_USER']}:{environ['LISTMONK_API_TOKEN']}"}
    campaign = _post(f"{base}/api/campaigns", auth, {
        "name": f"{mail.week}: {mail.subject}", "subject": mail.subject, "lists": config["lists"],
        "type": "regular", "content_type": "html", "body": mail.html, "altbody": mail.text,
        **({"from_email": config["from"]} if config.get("from") else {})})["data"]
    _post(f"{base}/api/campaigns/{campaign['id']}/status", auth, {"status": "running"}, method="PUT")
    return str(campaign["id"])


def _post(url: str, headers: dict[str, str], body: dict[str, Any], *, method: str = "POST") -> dict[str, Any]:
    """A JSON request to a service; a refusal (4xx, 5xx) is NotSent with the service's own words."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util import Retry

    with requests.Session() as session:
        # 429 means "not now": the request was not taken, so even a POST may be asked again, when the service says.
        retry = Retry(total=3, status=3, connect=0, read=0, status_forcelist=(429,), allowed_methods=None,
                      backoff_factor=1, respect_retry_after_header=True, raise_on_status=False)
        session.mount("http://", HTTPAdapter(max_retries=retry))
        session.mount("https://", HTTPAdapter(max_retries=retry))
        try:
            response = session.request(method, url, headers=headers, json=body, timeout=TIMEOUT)
        except requests.ConnectionError as error:
            if isinstance(error, requests.exceptions.ConnectTimeout) or "refused" in str(error).lower():
                raise NotSent(f"could not connect to {urlsplit(url).netloc}") from None
            raise
    if response.status_code >= 400:
        try:
            said = response.json()
        except ValueError:
            said = {}
        words = said.get("detail") or said.get("message") or response.reason if isinstance(said, dict) else ""
        code = f" ({said['code']})" if isinstance(said, dict) and said.get("code") else ""
        raise NotSent(f"HTTP {response.status_code}{code}: {str(words)[:300]}")
    try:
        return response.json()
    except ValueError:
        return {}


DELIVER = {"smtp": by_smtp, "buttondown": by_buttondown, "listmonk": by_listmonk}
