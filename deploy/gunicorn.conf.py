"""gunicorn for endorse, behind the nginx site in this folder.

Run as ``gunicorn -c deploy/gunicorn.conf.py`` (deploy/systemd/endorse.service does).

Settings come from the same environment file as the app's (systemd: EnvironmentFile=).
"""

import multiprocessing
import os

wsgi_app = "wsgi:app"
# Loopback only: nginx is the one way in, so nobody else can send X-Forwarded-* headers.
bind = os.environ.get("ENDORSE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A request that takes longer is killed (a 502 from nginx). The app's own database timeouts
# (ENDORSE_DATABASE_CONNECT_TIMEOUT, _STATEMENT_TIMEOUT) answer a 503 well before this.
timeout = 30
graceful_timeout = 30


def _trusted_proxies() -> int:
    try:
        return max(int(os.environ.get("ENDORSE_TRUSTED_PROXIES", "0") or 0), 0)
    except ValueError:
        return 0  # the app refuses to start and says why


# The app reads X-Forwarded-For/-Proto itself (werkzeug's ProxyFix, for as many proxies as
# ENDORSE_TRUSTED_PROXIES says). gunicorn would also take X-Forwarded-Proto from any
# loopback client by default and call the request https: with no proxy in front, it must
# trust no one. With one, the proxy's address (nginx on this machine; FORWARDED_ALLOW_IPS
# when it runs elsewhere).
forwarded_allow_ips = (
    os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if _trusted_proxies() else ""
)

# No access log here: nginx keeps one, without the tokens in confirmation and manage links
# (gunicorn's would record them). Errors go to stderr, i.e. the journal.
accesslog = None
errorlog = "-"
