"""Test helpers: a loopback SMTP server, form submission with CSRF, and endorsement factories."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from endorse import operations
from endorse.extensions import db
from endorse.models import AuditDetails, AuditEvent, Category, Endorsement, Region, State
from endorse.tokens import Purpose, make_token

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
LINK = re.compile(r"http://endorse\.test/(en|fr|nl)/confirm/[\w.-]+")
ERRORS = re.compile(r'<p class="error" id="[\w-]+">([^<]+)</p>')
IMPORT_HEADER = "name;category;city;region;contact_email;language;signed_on"


def eventually(read: Callable[[], Any], expected: Any, timeout: float = 15.0) -> Any:
    """Poll ``read`` until it returns ``expected`` or time runs out; return the last value."""
    deadline = time.monotonic() + timeout
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """Mails the SMTP server accepted, in arrival order."""

    def __init__(self) -> None:
        self._messages: list[EmailMessage] = []
        self._changed = threading.Condition()

    def add(self, content: bytes) -> None:
        message = message_from_bytes(content, policy=policy.default)
        with self._changed:
            self._messages.append(message)  # type: ignore[arg-type]
            self._changed.notify_all()

    def clear(self) -> None:
        with self._changed:
            self._messages.clear()

    @property
    def messages(self) -> list[EmailMessage]:
        with self._changed:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} mails, got {len(self._messages)}")
                self._changed.wait(left)
            return list(self._messages)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage) -> str:
    found = LINK.search(text_of(message))
    assert found, "no confirmation link in the mail"
    return found.group(0)


def path_of(link: str) -> str:
    return link.removeprefix("http://endorse.test")


class _Handler:
    def __init__(self, owner: SmtpServer) -> None:
        self.owner = owner

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        gate = self.owner.gate
        if gate is not None:  # a slow server: hold the mail until the test opens the gate
            await asyncio.get_running_loop().run_in_executor(None, gate.wait, 30)
        self.owner.greetings.append(session.host_name)
        self.owner.mailbox.add(envelope.content)
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on loopback, which can be stopped and started again."""

    def __init__(self, port: int | None = None) -> None:
        self._fixed_port = port is not None
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.gate: threading.Event | None = None
        self.greetings: list[str] = []  # the name each sender gave in HELO/EHLO
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        # aiosmtpd needs its port before it binds: a port found free may be taken by another
        # process in between, so a server whose port was chosen for it tries another one.
        for attempt in range(5):
            # A name of its own: without one aiosmtpd asks socket.getfqdn() per connection.
            controller = Controller(
                _Handler(self), hostname="127.0.0.1", port=self.port, server_hostname="mail.test"
            )
            try:
                controller.start()
            except (OSError, RuntimeError):
                if self._fixed_port or attempt == 4:
                    raise
                self.port = free_port()
                continue
            self._controller = controller
            return

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


VALID_SIGNATURE = {
    "name": "Kinderrechtencoalitie Vlaanderen vzw",
    "category": "ngo",
    "city": "Gent",
    "region": "east_flanders",
    "website": "kinderrechten.example",
    "statement": "Every child deserves freedom.",
    "contact_name": "Ann Peeters",
    "contact_email": "ann@kinderrechten.example",
    "contact_role": "Director",
    "consent_publish": "y",
}


def excel_csv(rows: Iterable[str]) -> bytes:
    """An import file as Excel writes it in Belgium: a byte order mark, semicolons, CRLF."""
    return ("\ufeff" + "\r\n".join([IMPORT_HEADER, *rows]) + "\r\n").encode()


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    found = CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def submit(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """Post a form as a browser would: fetch the page first for its CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def sign(client: FlaskClient, lang: str = "en", **changes: Any) -> Any:
    data = {**VALID_SIGNATURE, **changes}
    return submit(client, f"/{lang}/sign", {k: v for k, v in data.items() if v is not None})


def errors_on(response: Any) -> list[str]:
    return ERRORS.findall(response.get_data(as_text=True))


def make_endorsement(app: Flask, state: State = State.UNVERIFIED, **changes: Any) -> int:
    """An endorsement in any state, brought there through the operations, as in real life."""
    fields: dict[str, Any] = {
        "name": "Ligue des familles asbl",
        "category": Category.NGO,
        "city": "Namur",
        "region": Region.NAMUR,
        "contact_name": "Marie Dupont",
        "contact_email": "marie@ligue.example",
        "language": "fr",
        "consent_publish": True,
    }
    fields.update(changes)
    with app.app_context():
        operations.sign(operations.Submission(**fields))
        entry_id = db.session.scalar(
            select(Endorsement.id)
            .where(Endorsement.contact_email == fields["contact_email"])
            .order_by(Endorsement.id.desc())
        )
        assert entry_id is not None
        if state == State.UNVERIFIED:
            return entry_id
        nonce = db.session.get(Endorsement, entry_id).token_nonce  # type: ignore[union-attr]
        operations.confirm(make_token(Purpose.CONFIRM, entry_id, nonce))
        moderator = operations.SYSTEM
        if state in (State.APPROVED, State.HIDDEN):
            operations.approve(entry_id, moderator)
        if state == State.HIDDEN:
            operations.hide(entry_id, moderator, "checking a complaint")
        elif state == State.REJECTED:
            operations.reject(entry_id, moderator, "not an organisation")
        elif state == State.WITHDRAWN:
            operations.withdraw(entry_id, moderator, "asked by the signer")
        return entry_id


class LiveServer:
    """The app in a real, threaded HTTP server on loopback."""

    def __init__(self, app: Flask, port: int = 0) -> None:
        from werkzeug.serving import make_server

        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


PASSWORD = "correct horse battery staple"


def entry_of(app: Flask, entry_id: int) -> Endorsement:
    """The endorsement as stored now, detached, to read after the app context ends."""
    with app.app_context():
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        db.session.expunge(entry)
        return entry


def manage_token(app: Flask, entry_id: int) -> str:
    """The token of the link the signer's manage mail would carry today."""
    with app.app_context():
        return make_token(Purpose.MANAGE, entry_id, entry_of(app, entry_id).token_nonce)


def actions_of(app: Flask, entry_id: int) -> list[str]:
    """The actions of the entry's audit records, oldest first."""
    return [step[2] for step in trail_of(app, entry_id)]


def trail_of(app: Flask, entry_id: int) -> list[tuple[Any, ...]]:
    """The entry's audit records, oldest first: who (kind, user), which action, the move
    (from, to) and the reason."""
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.endorsement_id == entry_id).order_by(AuditEvent.id)
        )
        return [
            (e.actor_kind, e.actor_user_id, e.action, e.from_state, e.to_state, e.reason)
            for e in events
        ]


def audit_log(app: Flask, prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """The audit records whose action starts with ``prefix``, with their details, in order."""
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.action, AuditDetails.data)
            .join(AuditDetails, AuditDetails.event_id == AuditEvent.id)
            .where(AuditEvent.action.startswith(prefix))
            .order_by(AuditEvent.id)
        ).all()
    return [(action, json.loads(data)) for action, data in rows]


def make_user(app: Flask, email: str, role: str = "moderator") -> int:
    from endorse import audit
    from endorse.models import Role
    from endorse.moderation import accounts

    with app.app_context():
        return accounts.create(email, PASSWORD, Role(role), audit.SYSTEM).id


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    return submit(client, "/moderate/login", {"email": email, "password": password})


def post_action(client: FlaskClient, url: str, page: str, **data: Any) -> Any:
    """Post one of the console's forms, with the CSRF token of the page it is on."""
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


class TcpProxy:
    """A loopback TCP forwarder the test can cut and restore: a database that goes away."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0  # chosen by the system when it first binds, then kept for restarts
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        """Refuse new connections and cut the open ones, as a crashed server would."""
        if self._listener is not None:
            with contextlib.suppress(OSError):  # wakes accept(); close() alone would not
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()


def a_logo(colour: str = "#b3001b") -> Any:
    """A small logo as the sign form makes it: a PNG checked and re-encoded by ``logos``."""
    import io

    from PIL import Image

    from endorse import logos

    data = io.BytesIO()
    Image.new("RGB", (120, 60), colour).save(data, "PNG")
    return logos.process(data.getvalue())
