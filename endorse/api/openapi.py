"""The OpenAPI 3.1 description of /api/v1, as data.

The enums are taken from the code (the models' choices and the A–Z index), so the
description cannot drift from what the API accepts; a test checks that every route is
described and that real responses match these schemas.
"""

from __future__ import annotations

from typing import Any

from .. import publication
from ..config import DEFAULTS
from ..models import Area, Category, Region
from ..models.types import MAX_ID

_LETTERS = [*publication.LETTERS, publication.OTHER_LETTER]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_CACHED = {
    "ETag": {"$ref": "#/components/headers/ETag"},
    "Cache-Control": {"$ref": "#/components/headers/Cache-Control"},
    "Access-Control-Allow-Origin": {"$ref": "#/components/headers/Access-Control-Allow-Origin"},
}
_NOT_MODIFIED = {"description": "The copy the client holds (If-None-Match) is still current."}
_BAD_QUERY = _json(
    _ref("Error"), "A query parameter has a value that is not accepted; the message names it."
)

_SCHEMAS: dict[str, Any] = {
    "Category": {
        "type": "string",
        "enum": [c.value for c in Category],
        "description": "The kind of organisation.",
    },
    "Region": {
        "type": "string",
        "enum": [r.value for r in Region],
        "description": "The Belgian province (or Brussels, or abroad).",
    },
    "Area": {
        "type": "string",
        "enum": [a.value for a in Area],
        "description": "The region the province belongs to: Flanders, Wallonia, "
        "Brussels or abroad.",
    },
    "Letter": {
        "type": "string",
        "enum": _LETTERS,
        "description": 'An initial of the A–Z index; "#" for names that start with '
        "a digit or a sign. Accents and case are folded.",
    },
    "Count": {
        "type": "object",
        "required": ["organisations", "in_belgium", "by_category", "updated_at"],
        "additionalProperties": False,
        "properties": {
            "organisations": {
                "type": "integer",
                "minimum": 0,
                "description": "Approved organisations in all categories, in Belgium and abroad.",
            },
            "in_belgium": {
                "type": "integer",
                "minimum": 0,
                "description": "Of those, the organisations in a Belgian province or in Brussels "
                "(all but those whose region is abroad).",
            },
            "by_category": {
                "type": "object",
                "required": [c.value for c in Category],
                "propertyNames": _ref("Category"),
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
            "updated_at": {
                "type": "string",
                "format": "date-time",
                "description": "When the count last changed.",
            },
        },
    },
    "AuditHead": {
        "type": "object",
        "required": ["records", "hash"],
        "additionalProperties": False,
        "properties": {
            "records": {
                "type": "integer",
                "minimum": 0,
                "description": "How many records the audit trail holds.",
            },
            "hash": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "SHA-256 of the newest record, which covers every record "
                "before it (64 zeros while the trail is empty).",
            },
        },
    },
    "Supporter": {
        "type": "object",
        "description": "An approved organisation. Contact details are never published.",
        "required": [
            "id",
            "name",
            "category",
            "city",
            "region",
            "area",
            "website",
            "statement",
            "approved_at",
            "logo",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "name": {"type": "string"},
            "category": _ref("Category"),
            "city": {"type": "string"},
            "region": _ref("Region"),
            "area": _ref("Area"),
            "website": {"type": ["string", "null"], "format": "uri"},
            "statement": {"type": ["string", "null"]},
            "approved_at": {"type": ["string", "null"], "format": "date-time"},
            "logo": {"type": "boolean", "description": "Whether the organisation has a logo."},
        },
    },
    "SupporterPage": {
        "type": "object",
        "required": ["supporters", "total", "next", "previous"],
        "additionalProperties": False,
        "properties": {
            "supporters": {
                "type": "array",
                "items": _ref("Supporter"),
                "description": "In alphabetical order, accents and case folded.",
            },
            "total": {
                "type": "integer",
                "minimum": 0,
                "description": "Organisations matching the filters, on all pages.",
            },
            "next": {
                "type": ["string", "null"],
                "format": "uri-reference",
                "description": "The next page, with the same filters; null on the last.",
            },
            "previous": {
                "type": ["string", "null"],
                "format": "uri-reference",
                "description": "The previous page; null on the first.",
            },
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "additionalProperties": False,
        "properties": {
            "error": {"type": "string", "description": "The HTTP status, in words."},
            "message": {
                "type": "string",
                "description": "What went wrong, in the language of Accept-Language.",
            },
        },
    },
}

_TOO_MANY = _json(
    _ref("Error"),
    "Too many requests from this address; try again after the number of seconds in Retry-After.",
    headers={
        "Retry-After": {
            "schema": {"type": "integer", "minimum": 0},
            "description": "Seconds to wait.",
        }
    },
)

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "You don't lock up a child. Period. — open data",
        "version": "1.0.0",
        "description": "The organisations that publicly endorse the position, and their count. "
        "Only public fields are ever returned. Every GET may be read from any "
        "origin (CORS).",
        "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
    },
    "paths": {
        "/api/v1/count": {
            "get": {
                "operationId": "getCount",
                "summary": "How many organisations have endorsed the position",
                "responses": {
                    "200": _json(_ref("Count"), "The current count.", headers=_CACHED),
                    "304": _NOT_MODIFIED,
                    "429": _TOO_MANY,
                },
            },
        },
        "/api/v1/audit/head": {
            "get": {
                "operationId": "getAuditHead",
                "summary": "The head of the hash-chained audit trail",
                "description": "Note it and compare later: a list changed without a trace "
                "would no longer lead to this hash.",
                "responses": {
                    "200": _json(_ref("AuditHead"), "The current head."),
                    "429": _TOO_MANY,
                },
            },
        },
        "/api/v1/supporters": {
            "get": {
                "operationId": "listSupporters",
                "summary": "The approved organisations, filtered and paginated",
                "description": "Keyset pagination: follow `next` and `previous` rather than "
                "building positions yourself.",
                "parameters": [
                    _query(
                        "q",
                        "Part of the name; accents and case are ignored.",
                        {"type": "string", "maxLength": 200},
                    ),
                    _query("category", "Only this kind of organisation.", _ref("Category")),
                    _query("region", "Only this province.", _ref("Region")),
                    _query("area", "Only this region of Belgium.", _ref("Area")),
                    _query(
                        "letter",
                        "Only names with this initial (upper case is accepted).",
                        _ref("Letter"),
                    ),
                    _query(
                        "after",
                        "Start after the supporter with this id (from `next`).",
                        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    ),
                    _query(
                        "before",
                        "End before the supporter with this id (from `previous`).",
                        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    ),
                    _query(
                        "per_page",
                        "Supporters per page.",
                        {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": publication.MAX_PER_PAGE,
                            # ENDORSE_PER_PAGE's default; a test keeps the two equal.
                            "default": DEFAULTS["PER_PAGE"],
                        },
                    ),
                ],
                "responses": {
                    "200": _json(_ref("SupporterPage"), "One page of supporters.", headers=_CACHED),
                    "304": _NOT_MODIFIED,
                    "400": _BAD_QUERY,
                    "429": _TOO_MANY,
                },
            },
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This description",
                "responses": {
                    "200": _json(
                        {"type": "object", "required": ["openapi", "info", "paths"]},
                        "The OpenAPI 3.1 document.",
                        headers=_CACHED,
                    ),
                    "304": _NOT_MODIFIED,
                    "429": _TOO_MANY,
                },
            },
        },
    },
    "components": {
        "schemas": _SCHEMAS,
        "headers": {
            "ETag": {
                "description": "Send it back as If-None-Match to get a 304.",
                "schema": {"type": "string"},
            },
            "Cache-Control": {
                "description": "Public, for a short max-age.",
                "schema": {"type": "string"},
            },
            "Access-Control-Allow-Origin": {
                "description": "Any origin may read the response.",
                "schema": {"type": "string", "const": "*"},
            },
        },
    },
}
