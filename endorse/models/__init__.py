"""Typed models and the domain's fixed vocabularies."""

from .audit import ActorKind, AuditDetails, AuditEvent
from .choices import Area, Category, Region, RejectReason
from .content import BrandImage, ContentImage, ContentList, ContentPage, Document, Logo
from .correction import Correction
from .counts import Facet, PublicTally
from .endorsement import Endorsement
from .imports import ImportStatus, SupporterImport
from .outbox import LinkRequest, MailKind, MailStatus, OutboxMessage
from .search import SearchName
from .states import (
    DECIDED_STATES,
    EDITABLE_STATES,
    LIVE_STATES,
    PUBLIC_STATES,
    IllegalTransition,
    NotEditable,
    State,
)
from .user import DigestSent, LoginFailures, Role, User

__all__ = [
    "DECIDED_STATES",
    "EDITABLE_STATES",
    "LIVE_STATES",
    "PUBLIC_STATES",
    "ActorKind",
    "Area",
    "AuditDetails",
    "AuditEvent",
    "BrandImage",
    "Category",
    "ContentImage",
    "ContentList",
    "ContentPage",
    "Correction",
    "DigestSent",
    "Document",
    "Endorsement",
    "Facet",
    "IllegalTransition",
    "ImportStatus",
    "LinkRequest",
    "LoginFailures",
    "Logo",
    "MailKind",
    "MailStatus",
    "NotEditable",
    "OutboxMessage",
    "PublicTally",
    "Region",
    "RejectReason",
    "Role",
    "SearchName",
    "State",
    "SupporterImport",
    "User",
]
