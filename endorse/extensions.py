"""Extensions, created once and bound to an app in ``create_app``."""

from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, has_app_context
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
    """

    _BOUND = "endorse_limiter"

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        app.extensions[self._BOUND] = {
            "storage": self._last("storage"),
            "limiter": self._last("limiter"),
        }

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
