"""Helpers for tests that run the app as in production: gunicorn servers and mail workers in
their own processes, on one database and one Redis, driven over HTTP from many threads."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import redis
import requests

from .conftest import need
from .helpers import CSRF, VALID_SIGNATURE

ROOT = Path(__file__).resolve().parent.parent
#: gunicorn's log line naming the address it bound.
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
#: The key the test apps use too (conftest.make_app): links and cookies work on every server.
SECRET_KEY = "test-secret-key-that-is-long-enough"
#: Where the servers share their rate-limit counters; each test keys its own (fresh_limits).
REDIS_URL = "redis://127.0.0.1:6379/7"
#: Limits no honest test reaches, so only the limit under test can answer 429.
HIGH_LIMITS = {
    "SIGN_LIMIT": "100000 per hour",
    "RESEND_LIMIT": "100000 per hour",
    "API_LIMIT": "100000 per minute",
}
HTTP_TIMEOUT = 60


def fresh_limits(url: str = REDIS_URL) -> str:
    """A key prefix of its own for one test's rate-limit counters in Redis, so no other test
    (nor another test run on this machine) shares or wipes them."""
    with redis.Redis.from_url(url) as client:
        try:
            client.ping()
        except redis.ConnectionError:
            need(
                False,
                "Redis on 127.0.0.1:6379",
                "apt-get install redis-server, then redis-server --daemonize yes "
                "(.ci/run starts it)",
            )
    return f"endorse-test-{uuid.uuid4().hex}"


def app_env(database_url: str, instance: Path, **settings: object) -> dict[str, str]:
    """The environment of a production process: only our ``ENDORSE_*`` settings, none of ours
    inherited by accident (such as ``ENDORSE_TEST_DATABASE_URL``)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENDORSE_")}
    env.update(
        {
            "ENDORSE_DATABASE_URL": database_url,
            "ENDORSE_SECRET_KEY": SECRET_KEY,
            "ENDORSE_INSTANCE_PATH": str(instance),
            # Mails carry links to this address; tests send them to whichever server they choose.
            "ENDORSE_BASE_URL": "http://endorse.test",
            "ENDORSE_TRUSTED_HOSTS": "127.0.0.1",  # the tests reach the servers by address
            "ENDORSE_MAIL_FROM": "Campaign <campaign@endorse.test>",
            "ENDORSE_CONTACT_EMAIL": "write-to-us@endorse.test",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({f"ENDORSE_{key}": str(value) for key, value in settings.items()})
    return env


class Managed:
    """A process of ours with its stdout and stderr in files; a context manager that always
    ends it (SIGTERM, then SIGKILL of its process group after a bounded wait)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.out_path = log_dir / f"{name}.out"
        self.err_path = log_dir / f"{name}.err"
        self._files: list[IO[bytes]] = [self.out_path.open("wb"), self.err_path.open("wb")]
        try:
            # A session of its own: gunicorn's workers are in the group we can end together.
            self.process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=self._files[0],
                stderr=self._files[1],
                start_new_session=True,
            )
        except BaseException:
            self._close_files()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    @property
    def output(self) -> str:
        return self.out_path.read_text(errors="replace") + self.stderr

    def terminate(self) -> None:
        """Ask the process to stop, without waiting: several then stop side by side."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Die at once, as a crashed or OOM-killed process does: no clean-up code runs."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 20.0) -> int | None:
        """End the process gracefully if it will, by force if not; return its exit code."""
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self._kill_group()
                    self.process.wait(timeout=10)
            self._kill_group()  # workers orphaned by a master that died
        finally:
            self._close_files()
        return self.process.returncode

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def _close_files(self) -> None:
        for handle in self._files:
            handle.close()


class Gunicorn(Managed):
    """``gunicorn --workers N --bind 127.0.0.1:PORT wsgi:app``, as deployed."""

    def __init__(
        self,
        name: str,
        env: dict[str, str],
        log_dir: Path,
        workers: int = 2,
        threads: int | None = None,
    ) -> None:
        # Port 0: the system picks a free port as it binds, so no other process can take it
        # between a look-up and the bind; wait_healthy reads it from gunicorn's log.
        self.port = 0
        self.url = ""
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            "127.0.0.1:0",
        ]
        if threads:
            args += ["--threads", str(threads)]
        super().__init__(name, [*args, "wsgi:app"], env, log_dir)

    def wait_healthy(self, timeout: float = 60.0) -> None:
        """Poll /healthz until this server answers 200: it is up and reaches the database."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"{self.name} exited with {self.process.returncode}:\n{self.output[-4000:]}"
                )
            if not self.port:
                listening = LISTENING.search(self.output)
                if listening is None:
                    time.sleep(0.1)
                    continue
                self.port = int(listening.group(1))
                self.url = f"http://127.0.0.1:{self.port}"
            try:
                with requests.get(f"{self.url}/healthz", timeout=5) as response:
                    if response.status_code == 200:
                        return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.name} not healthy after {timeout}s:\n{self.output[-4000:]}")


class MailWorker(Managed):
    """``flask --app wsgi endorse mail-worker``, the process that delivers what is due."""

    def __init__(
        self, name: str, env: dict[str, str], log_dir: Path, interval: float = 0.2
    ) -> None:
        args = [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "endorse",
            "mail-worker",
            "--interval",
            str(interval),
        ]
        super().__init__(name, args, env, log_dir)


def start_servers(
    stack: contextlib.ExitStack,
    count: int,
    env: dict[str, str],
    log_dir: Path,
    prefix: str = "gunicorn",
    **options: int,
) -> list[Gunicorn]:
    """Start ``count`` servers side by side (they boot in parallel), ended with ``stack``."""
    servers = [
        stack.enter_context(Gunicorn(f"{prefix}-{index}", env, log_dir, **options))
        for index in range(count)
    ]
    # Runs first on the way out: all are asked to stop at once, then each is waited for.
    stack.callback(lambda: [server.terminate() for server in servers])
    for server in servers:
        server.wait_healthy()
    return servers


class Browser(requests.Session):
    """One person's browser. Production session cookies are ``Secure``; here plain HTTP on
    loopback stands in for the TLS a proxy would end, so it sends them back as over HTTPS."""

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        for cookie in self.cookies:
            cookie.secure = False
        return super().prepare_request(request)


def browser() -> Browser:
    """A client with its own cookies; close it after use."""
    return Browser()


@dataclass
class Outcome:
    """What one visitor saw: every status in order, the last headers, or what went wrong."""

    statuses: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def final(self) -> int | None:
        return self.statuses[-1] if self.statuses else None


def _form(session: requests.Session, url: str, outcome: Outcome) -> str | None:
    page = session.get(url, timeout=HTTP_TIMEOUT)
    outcome.statuses.append(page.status_code)
    found = CSRF.search(page.text)
    if page.status_code != 200 or not found:
        outcome.error = f"GET {url}: {page.status_code}, CSRF token found: {bool(found)}"
        return None
    return found.group(1)


def submit_form(base_url: str, path: str, data: dict[str, str]) -> Outcome:
    """Fetch a form for its CSRF token and cookie, then post it; never raises."""
    outcome = Outcome()
    try:
        with browser() as session:
            token = _form(session, base_url + path, outcome)
            if token is None:
                return outcome
            response = session.post(
                base_url + path,
                data={"csrf_token": token, **data},
                allow_redirects=False,
                timeout=HTTP_TIMEOUT,
            )
            outcome.statuses.append(response.status_code)
            outcome.headers = dict(response.headers)
    except requests.RequestException as error:
        outcome.error = f"{type(error).__name__}: {error}"
    return outcome


def signer_email(index: int) -> str:
    return f"signer{index}@org{index}.example"


def sign_up(base_url: str, index: int) -> Outcome:
    """Sign as organisation ``index``, with a name and an address no other index has."""
    data = {
        **VALID_SIGNATURE,
        "name": f"Cluster Organisation {index}",
        "contact_email": signer_email(index),
    }
    return submit_form(base_url, "/en/sign", data)


def fetch(base_url: str, path: str) -> Outcome:
    """One GET, as a reader of the public pages or the API; never raises."""
    outcome = Outcome()
    try:
        with browser() as session:
            response = session.get(base_url + path, timeout=HTTP_TIMEOUT)
            outcome.statuses.append(response.status_code)
            outcome.headers = dict(response.headers)
    except requests.RequestException as error:
        outcome.error = f"{type(error).__name__}: {error}"
    return outcome


def public_count(base_url: str) -> int:
    """The live count as ``base_url`` reports it."""
    with browser() as session:
        response = session.get(f"{base_url}/api/v1/count", timeout=HTTP_TIMEOUT)
        assert response.status_code == 200, response.status_code
        return int(response.json()["organisations"])


class WatchedGate(threading.Event):
    """A gate for ``SmtpServer.gate`` that also tells when a mail waits at it: the SMTP server
    then holds a message in DATA, and its sender is mid-send."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.entered.set()
        return super().wait(timeout)


_TCP_LISTEN = "0A"


def connections_to(port: int) -> int:
    """Open TCP connections on our side of ``port`` (Linux ``/proc/net/tcp``), listeners aside."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as lines:
            next(lines)  # the header
            for line in lines:
                fields = line.split()
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
                if local_port == port and fields[3] != _TCP_LISTEN:
                    count += 1
    return count


def wait_until_closed(port: int, timeout: float = 10.0) -> bool:
    """Wait until the server on ``port`` has closed every connection to it, i.e. it has seen
    its clients go; bounded."""
    deadline = time.monotonic() + timeout
    while connections_to(port) and time.monotonic() < deadline:
        time.sleep(0.05)
    return connections_to(port) == 0
