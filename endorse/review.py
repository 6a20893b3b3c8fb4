"""What moderators see: the queue with its hints, search, and who decided what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Select, func, or_, select

from .extensions import db
from .models import AuditEvent, Category, Endorsement, Region, State, User
from .normalize import fold

# Addresses anyone can open: a match between them says nothing about an organisation.
WEBMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.be",
        "hotmail.fr",
        "outlook.com",
        "outlook.be",
        "live.com",
        "live.be",
        "msn.com",
        "yahoo.com",
        "yahoo.fr",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "skynet.be",
        "telenet.be",
        "scarlet.be",
        "gmx.com",
        "gmx.net",
        "web.de",
        "aol.com",
        "mail.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
    }
)
PER_PAGE = 50


def email_domain(address: str | None) -> str | None:
    return address.rpartition("@")[2].lower() if address and "@" in address else None


def website_domain(url: str | None) -> str | None:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.") or None


@dataclass
class Hints:
    same_name: list[Endorsement] = field(default_factory=list)
    same_email_domain: list[Endorsement] = field(default_factory=list)
    same_website: list[Endorsement] = field(default_factory=list)
    webmail: bool = False
    domain_mismatch: bool = False

    @property
    def any(self) -> bool:
        return bool(
            self.same_name
            or self.same_email_domain
            or self.same_website
            or self.webmail
            or self.domain_mismatch
        )


def hints(entry: Endorsement, limit: int = 5) -> Hints:
    """Reasons to look twice: possible duplicates, and an email that does not fit the website."""
    others = select(Endorsement).where(Endorsement.id != entry.id).order_by(Endorsement.id)
    found = Hints()
    found.same_name = list(
        db.session.scalars(
            others.where(Endorsement.normalized_name == entry.normalized_name).limit(limit)
        )
    )
    mail_domain = email_domain(entry.contact_email)
    if mail_domain and mail_domain not in WEBMAIL:
        found.same_email_domain = list(
            db.session.scalars(
                others.where(Endorsement.contact_email.like(f"%@{mail_domain}")).limit(limit)
            )
        )
    site = website_domain(entry.website)
    if site:
        found.same_website = list(
            db.session.scalars(
                others.where(
                    or_(
                        Endorsement.website.like(f"%://{site}%"),
                        Endorsement.website.like(f"%://www.{site}%"),
                    )
                ).limit(limit)
            )
        )
    found.webmail = mail_domain in WEBMAIL
    if site and mail_domain and not found.webmail:
        found.domain_mismatch = not (
            mail_domain == site
            or mail_domain.endswith(f".{site}")
            or site.endswith(f".{mail_domain}")
        )
    return found


def queue() -> list[tuple[Endorsement, Hints]]:
    """Verified endorsements awaiting a decision, oldest first, each with its hints."""
    entries = db.session.scalars(
        select(Endorsement)
        .where(Endorsement.state == State.VERIFIED)
        .order_by(Endorsement.verified_at, Endorsement.id)
    ).all()
    return [(entry, hints(entry)) for entry in entries]


@dataclass(frozen=True)
class Filters:
    state: State | None = None
    category: Category | None = None
    region: Region | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in vars(self).items() if v}


def filtered(filters: Filters) -> Select[tuple[Endorsement]]:
    query = select(Endorsement)
    if filters.state:
        query = query.where(Endorsement.state == filters.state)
    if filters.category:
        query = query.where(Endorsement.category == filters.category)
    if filters.region:
        query = query.where(Endorsement.region == filters.region)
    if filters.since:
        query = query.where(Endorsement.created_at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        query = query.where(Endorsement.created_at < end)
    if filters.text:
        folded, lowered = fold(filters.text), filters.text.lower()
        query = query.where(
            or_(  # autoescape: % and _ typed in the box are not wildcards
                Endorsement.normalized_name.contains(folded, autoescape=True),
                func.lower(Endorsement.city).contains(lowered, autoescape=True),
                func.lower(Endorsement.contact_email).contains(lowered, autoescape=True),
                func.lower(Endorsement.contact_name).contains(lowered, autoescape=True),
            )
        )
    return query


@dataclass(frozen=True)
class Results:
    entries: list[Endorsement]
    total: int
    page: int
    pages: int


def search(filters: Filters, page: int = 1) -> Results:
    query = filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    entries = db.session.scalars(
        query.order_by(Endorsement.created_at.desc(), Endorsement.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return Results(list(entries), total, page, pages)


@dataclass(frozen=True)
class Decision:
    state: State
    by: str  # a moderator's email, or "signer" / "system"
    at: datetime


def last_decision(endorsement_id: int) -> Decision | None:
    """Who put the endorsement in its current state, for "already decided by X"."""
    row = db.session.execute(
        select(AuditEvent.to_state, AuditEvent.actor_kind, User.email, AuditEvent.created_at)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(AuditEvent.endorsement_id == endorsement_id, AuditEvent.to_state.is_not(None))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    state, kind, email, at = row
    return Decision(state, email or str(kind), at)


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    endorsement_id: int | None = None
    actor: str | None = None  # a moderator's email
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor_email: str | None


def audit_log(filters: AuditFilters, page: int = 1) -> tuple[list[AuditRow], int, int]:
    """The trail, newest first; returns (rows, page, pages)."""
    query = select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_user_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.endorsement_id:
        query = query.where(AuditEvent.endorsement_id == filters.endorsement_id)
    if filters.actor:
        query = query.where(User.email == filters.actor.lower())
    if filters.since:
        query = query.where(AuditEvent.created_at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEvent.created_at < end)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        query.order_by(AuditEvent.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return [AuditRow(event, email) for event, email in rows], page, pages


def trail(endorsement_id: int) -> list[AuditRow]:
    rows = db.session.execute(
        select(AuditEvent, User.email)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(AuditEvent.endorsement_id == endorsement_id)
        .order_by(AuditEvent.id)
    ).all()
    return [AuditRow(event, email) for event, email in rows]


def audit_actions() -> list[str]:
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(query))
