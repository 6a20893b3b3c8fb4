"""Typed models and the domain's fixed vocabularies."""

from .audit import ActorKind, AuditDetails, AuditEvent
from .choices import Area, Category, Region, RejectReason
from .content import ContentPage, Document, FaqItem, Logo
from .counts import Facet, PublicTally
from .endorsement import Endorsement
from .imports import ImportStatus, SupporterImport
from .outbox import MailKind, MailStatus, OutboxMessage
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
from .user import LoginFailures, Role, User

__all__ = [
    "DECIDED_STATES",
    "EDITABLE_STATES",
    "LIVE_STATES",
    "PUBLIC_STATES",
    "ActorKind",
    "Area",
    "AuditDetails",
    "AuditEvent",
    "Category",
    "ContentPage",
    "Document",
    "Endorsement",
    "Facet",
    "FaqItem",
    "IllegalTransition",
    "ImportStatus",
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
