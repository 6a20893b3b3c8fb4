"""endorse: collect, verify and publish the organisations that endorse a position."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from . import caching, config, database, error_pages, i18n, production, projections, security, urls
from .errors import ConfigError
from .extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI and error pages."""
    overrides = dict(config_overrides or {})
    if not (ROOT / "templates").is_dir():
        raise ConfigError(
            f"no templates at {ROOT / 'templates'}: endorse runs from its source checkout "
            "(templates, static files and migrations live there): install it editable, "
            "e.g. cd /srv/endorse && pip install -e . && gunicorn wsgi:app"
        )
    app = Flask(
        __name__,
        instance_path=overrides.pop("INSTANCE_PATH", None) or config.instance_path(),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    if overrides.get("TESTING"):
        app.testing = True
    config.load(app, overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.jinja_env.add_extension("jinja2.ext.do")
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)

    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    security.init_app(app)  # before CSRF: an unreadable body gets its own message
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    urls.init_app(app)  # the <id:...> converter, before the blueprints' routes
    error_pages.init_app(app)
    production.init_app(app)
    caching.init_app(app)
    projections.init_app(app)

    from . import models  # noqa: F401  (register the tables with the metadata)
    from .api import bp as api_bp
    from .api.supporters_csv import bp as open_data_bp
    from .cli import endorse_cli
    from .moderation import bp as moderation_bp
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    csrf.exempt(public_bp)  # session-free: security.from_this_site checks its posts
    app.register_blueprint(moderation_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(open_data_bp)
    app.cli.add_command(endorse_cli)
    return app
