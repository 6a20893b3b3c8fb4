"""Schema objects that exist on one database only, and how migrations tell them apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ONLY_ON = "only_on"  # key in an Index's ``info``: the one dialect that has it


def include_for(dialect: str) -> Callable[..., bool]:
    """Alembic's ``include_object`` for ``dialect``: leaves out what only another one has."""

    def include(
        obj: Any, _name: str | None, type_: str, _reflected: bool, _compare_to: Any
    ) -> bool:
        only_on = getattr(obj, "info", {}).get(ONLY_ON) if type_ == "index" else None
        return only_on in (None, dialect)

    return include
