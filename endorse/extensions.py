"""Extensions, created once and bound to an app in ``create_app``."""

from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, g, has_app_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The models' base: db.Model at run time, and the typed Base for the type checker, which
# cannot see through Flask-SQLAlchemy's dynamically made class.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()


class AppLimiter(Limiter):
    """A Limiter whose counters belong to each app it is bound to.

    Flask-Limiter keeps the storage of the last app bound, so binding a second app in one
    process (the tests make many) would swap the first one's counters for fresh ones. Here
    each app keeps its own storage and strategy, found again while that app is current.

    Flask-Limiter also sets its own Retry-After on every response of a limited route, when
    only a 429 is its business: a 503 saying "retry in 30 seconds" would say an hour. On any
    other answer the Retry-After the app set (or none) is put back.
    """

    _BOUND = "endorse_limiter"
    _OWN_RETRY_AFTER = "endorse_retry_after"

    def init_app(self, app: Flask) -> None:
        # After-request functions run last registered first: these two surround the limiter's.
        app.after_request(self._restore_retry_after)
        super().init_app(app)
        app.after_request(self._note_retry_after)
        app.extensions[self._BOUND] = {
            "storage": self._last("storage"),
            "limiter": self._last("limiter"),
        }

    def _note_retry_after(self, response: Response) -> Response:
        setattr(g, self._OWN_RETRY_AFTER, response.headers.get("Retry-After"))
        return response

    def _restore_retry_after(self, response: Response) -> Response:
        if response.status_code == 429:
            return response
        own = g.pop(self._OWN_RETRY_AFTER, None)
        if own is None:
            response.headers.pop("Retry-After", None)
        else:
            response.headers["Retry-After"] = own
        return response

    def _last(self, name: str) -> Any:
        return self.__dict__.get(f"_last_{name}")

    def _current(self, name: str) -> Any:
        if has_app_context():
            bound = current_app.extensions.get(self._BOUND)
            if bound is not None:
                return bound[name]
        return self._last(name)

    # Flask-Limiter reads and writes these two attributes; they resolve to the current app's.
    _storage = property(
        lambda self: self._current("storage"),
        lambda self, value: self.__dict__.__setitem__("_last_storage", value),
    )
    _limiter = property(
        lambda self: self._current("limiter"),
        lambda self, value: self.__dict__.__setitem__("_last_limiter", value),
    )


# Storage comes from RATELIMIT_STORAGE_URI (ENDORSE_RATELIMIT_STORAGE_URL): Redis in production,
# so every app server counts against the same limits.
limiter = AppLimiter(key_func=get_remote_address)
