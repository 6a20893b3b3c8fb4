"""Entry point for gunicorn (``gunicorn wsgi:app``) and ``flask --app wsgi``."""

import sys

from endorse import create_app
from endorse.errors import ConfigError

try:
    app = create_app()
except ConfigError as error:  # one clear line, not a traceback
    sys.exit(f"endorse cannot start: {error}")
