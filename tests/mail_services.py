"""The mailing services `lamplighter send` talks to, on loopback, as their documentation describes them.

- **SMTP**: aiosmtpd, the real server, with STARTTLS (a certificate from a test CA made by
  trustme, which the client trusts through SSL_CERT_FILE) and AUTH required after TLS.
- **Buttondown** (`POST /v1/emails`, API version 2026-04-01): `Authorization: Token KEY`;
  401 `{"detail": "Invalid token."}`; a send (status `about_to_send`) needs the
  `X-Buttondown-Live-Dangerously: true` header, else 400 `sending_requires_confirmation`;
  a slug already used is 400 `slug_invalid`; 201 with the email object.
- **listmonk** (`POST /api/campaigns`, `PUT /api/campaigns/ID/status`):
  `Authorization: token USER:TOKEN`; answers `{"data": …}`, errors `{"message": …}`.

Each can be told to answer 429 with Retry-After a number of times first.
"""

from __future__ import annotations

import json
import socket
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from conftest import QuietHandler, loopback


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class Service:
    """A loopback JSON API: what it was asked, and how it answers."""

    base: str = ""
    requests: list[Request] = field(default_factory=list)
    busy: int = 0  # answer this many requests with 429 first
    lists: tuple[int, ...] = (1,)
    confirmed: bool = False  # Buttondown: the key has confirmed a send once
    slugs: set[str] = field(default_factory=set)

    def answer(self, request: Request) -> tuple[int, dict, dict]:
        if self.busy:
            self.busy -= 1
            return 429, {"Retry-After": "1"}, {"detail": "Request was throttled."}
        if request.path == "/v1/emails":
            return self._buttondown(request)
        return self._listmonk(request)

    def _buttondown(self, request: Request) -> tuple[int, dict, dict]:
        if request.headers.get("authorization") != "Token bd-key":
            return 401, {}, {"detail": "Invalid token."}
        if request.body.get("status") == "about_to_send" and not self.confirmed:
            if request.headers.get("x-buttondown-live-dangerously") != "true":
                return 400, {}, {"code": "sending_requires_confirmation", "detail": "Sending requires confirmation."}
            self.confirmed = True
        if request.body.get("slug") in self.slugs:
            return 400, {}, {"code": "slug_invalid", "detail": "This slug is already in use."}
        self.slugs.add(request.body.get("slug"))
        return 201, {}, {"id": f"bd-{len(self.slugs)}", "subject": request.body["subject"], "status": "about_to_send"}

    def _listmonk(self, request: Request) -> tuple[int, dict, dict]:
        if request.headers.get("authorization") != "token api-user:lm-token":
            return 403, {}, {"message": "invalid API credentials"}
        if request.method == "POST" and request.path == "/api/campaigns":
            if not set(request.body.get("lists", [])) <= set(self.lists):
                return 400, {}, {"message": "One or more lists not found"}
            return 200, {}, {"data": {"id": 7, "name": request.body["name"], "status": "draft"}}
        if request.method == "PUT" and request.path == "/api/campaigns/7/status":
            return 200, {}, {"data": {"id": 7, "status": request.body["status"]}}
        return 404, {}, {"message": "Not found"}


@contextmanager
def serving(service: Service) -> Iterator[Service]:
    class Handler(QuietHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            service.requests.append(request)
            status, headers, answer = service.answer(request)
            data = json.dumps(answer).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", "Content-Length": str(len(data)),
                                **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_PUT = _handle

    with loopback(Handler) as base:
        service.base = base
        yield service


@dataclass
class Mailbox:
    """What the SMTP server accepted."""

    port: int = 0
    messages: list = field(default_factory=list)
    logins: list = field(default_factory=list)


@contextmanager
def smtp_server(tmp_path, monkeypatch) -> Iterator[Mailbox]:
    """aiosmtpd with STARTTLS required and AUTH (user "editor", password "secret") after it."""
    import ssl
    from email import message_from_bytes, policy

    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # the client trusts the test CA, as it would a real one
    box = Mailbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 (aiosmtpd's hook)
            box.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                 message_from_bytes(envelope.original_content, policy=policy.default)))
            return "250 Message accepted for delivery"

    def authenticate(server, session, envelope, mechanism, auth_data):  # noqa: ANN001 (aiosmtpd's signature)
        box.logins.append(auth_data.login)
        return AuthResult(success=auth_data.login == b"editor" and auth_data.password == b"secret", handled=False)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port, tls_context=context,
                            require_starttls=True, authenticator=authenticate, auth_required=True,
                            auth_require_tls=True, server_hostname="127.0.0.1")
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
