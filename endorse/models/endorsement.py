"""An organisation's endorsement of the position."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .choices import Category, Region
from .states import EDITABLE_STATES, LIVE_STATES, State
from .types import UTCDateTime, enum_type, utcnow

NAME_MAX = 200
CITY_MAX = 100
WEBSITE_MAX = 300
PERSON_MAX = 120
EMAIL_MAX = 254
STATEMENT_MAX = 500


_LIVE = ", ".join(f"'{state.value}'" for state in sorted(LIVE_STATES))


class Endorsement(Model):
    __tablename__ = "endorsements"
    __table_args__ = (
        # One live endorsement per email and organisation, even under concurrent sign-ups.
        Index(
            "uq_endorsements_live_email_name",
            "contact_email",
            "normalized_name",
            unique=True,
            sqlite_where=text(f"state IN ({_LIVE})"),
            postgresql_where=text(f"state IN ({_LIVE})"),
        ),
        Index("ix_endorsements_state_sort", "state", "normalized_name", "id"),
        Index("ix_endorsements_state_approved", "state", "approved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    normalized_name: Mapped[str] = mapped_column(String(NAME_MAX), index=True)
    category: Mapped[Category] = mapped_column(enum_type(Category))
    city: Mapped[str] = mapped_column(String(CITY_MAX))
    region: Mapped[Region] = mapped_column(enum_type(Region))
    website: Mapped[str | None] = mapped_column(String(WEBSITE_MAX))
    statement: Mapped[str | None] = mapped_column(String(STATEMENT_MAX))
    language: Mapped[str] = mapped_column(String(2))

    # Personal data: shown to moderators only, erasable without touching the audit trail.
    contact_name: Mapped[str | None] = mapped_column(String(PERSON_MAX))
    contact_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX), index=True)
    contact_role: Mapped[str | None] = mapped_column(String(PERSON_MAX))

    consent_publish: Mapped[bool]
    consent_version: Mapped[str] = mapped_column(String(32))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    news_opt_in: Mapped[bool] = mapped_column(default=False)

    state: Mapped[State] = mapped_column(enum_type(State), default=State.UNVERIFIED)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("endorsements.id", ondelete="SET NULL")
    )
    # Changes whenever a confirmation link is used, so each link works once.
    token_nonce: Mapped[str] = mapped_column(String(32))
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    # Entries a moderator added, from a file or by hand: how the organisation gave its
    # consent (personal data: erased with the contact), and the file it came in.
    consent_note: Mapped[str | None] = mapped_column(String(500))
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("supporter_imports.id", ondelete="SET NULL"), index=True
    )

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # first publication
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    STATE_TIMESTAMPS = {
        State.VERIFIED: "verified_at",
        State.APPROVED: "approved_at",
        State.HIDDEN: "hidden_at",
        State.REJECTED: "rejected_at",
        State.WITHDRAWN: "withdrawn_at",
    }

    @property
    def editable(self) -> bool:
        """Whether its public fields may still be corrected (not once withdrawn)."""
        return self.state in EDITABLE_STATES

    def __repr__(self) -> str:
        return f"<Endorsement {self.id} {self.state}>"
