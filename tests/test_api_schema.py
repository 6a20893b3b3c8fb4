"""Schemathesis fuzzes /api/v1 in-process from its own OpenAPI 3.1 document: every answer,
to valid and to invalid queries alike, is one the document describes, and none is a 5xx.

The operations come from the document and the cases from each operation's Hypothesis
strategy. (``schemathesis.pytest.from_fixture`` would do the same, but schemathesis 4 reads
pytest's private ``Node._nodeid``, which pytest 9.2 no longer has.)
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from endorse.api.openapi import DOCUMENT
from endorse.models import Category, Region, State

from .helpers import make_endorsement

pytestmark = pytest.mark.system  # schemathesis fuzzes the API

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Invalid input is generated only where there is input: the operations with parameters.
CASES = [
    pytest.param(method.upper(), path, mode, id=f"{method.upper()} {path} {mode.value}")
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    for mode in GenerationMode
    if mode == GenerationMode.POSITIVE or operation.get("parameters")
]
SUPPORTERS = [
    ("Ligue des droits humains asbl", Category.LEGAL, Region.BRUSSELS, "https://liguedh.example"),
    ("Écoles sans frontières", Category.EDUCATION, Region.LIEGE, None),
    ("123 Solidarité", Category.OTHER, Region.NAMUR, None),
    (
        "Kinderrechtencoalitie Vlaanderen vzw",
        Category.NGO,
        Region.EAST_FLANDERS,
        "https://kinderrechten.example",
    ),
]


@pytest.fixture
def api_schema(app: Flask) -> schemathesis.BaseSchema:
    """The document as the app serves it, bound to the app (WSGI: no server, no network)."""
    # The API's per-address limit is read per request; the fuzzer sends far more than it.
    app.config["API_LIMIT"] = "1000000 per minute"
    for number, (name, category, region, website) in enumerate(SUPPORTERS):
        make_endorsement(
            app,
            State.APPROVED,
            name=name,
            category=category,
            region=region,
            website=website,
            statement="Pas d'enfant en prison.",
            contact_email=f"supporter{number}@api.example",
        )
    make_endorsement(
        app, State.VERIFIED, name="Waiting for review", contact_email="waiting@api.example"
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_every_answer_matches_the_openapi_document(
    api_schema: schemathesis.BaseSchema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @settings(
        max_examples=50,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS)

    call()
