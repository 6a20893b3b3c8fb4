"""What the console reads: the queue with its hints, search, who decided what, the audit log,
and the dashboard's figures and chart."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, SQLColumnExpression, func, or_, select

from ..extensions import db
from ..models import (
    PUBLIC_STATES,
    AuditEvent,
    Category,
    Correction,
    Endorsement,
    Logo,
    Region,
    State,
    User,
)
from ..models.types import MAX_ID
from ..public.fields import website_host
from ..text import fold
from . import display

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


def email_domain(address: str | None) -> str | None:
    return address.rpartition("@")[2].lower() if address and "@" in address else None


def website_domain(url: str | None) -> str | None:
    """The site a website leads to, for the hints; none for an address the form now refuses
    (one stored before it did), since its host is not what a browser would visit."""
    host = (website_host(url) or "") if url else ""
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


def corrections() -> list[tuple[Endorsement, Correction]]:
    """Signers' corrections awaiting a decision, oldest first, each with its endorsement."""
    rows = db.session.execute(
        select(Endorsement, Correction)
        .join(Correction, Correction.endorsement_id == Endorsement.id)
        .order_by(Correction.proposed_at, Correction.id)
    )
    return [(entry, correction) for entry, correction in rows]


def corrections_waiting() -> int:
    return db.session.scalar(select(func.count()).select_from(Correction)) or 0


def in_state(state: State) -> list[tuple[Endorsement, Hints]]:
    """Every endorsement in ``state``, in the order they came, each with its hints."""
    entries = db.session.scalars(
        select(Endorsement).where(Endorsement.state == state).order_by(Endorsement.id)
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


def filtered(filters: Filters) -> Select[Endorsement]:
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


def for_export(filters: Filters) -> Iterator[Endorsement]:
    """Every endorsement the filters match, contact data included, streamed in id order."""
    query = filtered(filters).order_by(Endorsement.id).execution_options(yield_per=500)
    return iter(db.session.scalars(query))


def search(filters: Filters, page: int = 1) -> Pagination:
    """One page of the endorsements the filters match, newest first."""
    query = filtered(filters).order_by(Endorsement.created_at.desc(), Endorsement.id.desc())
    return _page_of(query, page)


def _page_of(query: Select, page: int) -> Pagination:
    """A page of ``query``, ``PER_PAGE`` rows long; a page past the end shows the last one."""
    per_page = current_app.config["PER_PAGE"]
    page = min(max(page, 1), MAX_ID)  # an offset the database can hold; past the end anyway
    found = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if found.page > 1 and found.page > (found.pages or 1):
        found = db.paginate(query, page=found.pages, per_page=per_page, error_out=False)
    return found


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
    if state is None:  # the query asked for a state; this tells the type checker
        raise ValueError(f"audit event without a state for endorsement {endorsement_id}")
    return Decision(state, email or str(kind), at)


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    endorsement_id: int | None = None
    actor: str | None = None  # a moderator's email
    since: date | None = None
    until: date | None = None


def audit_log(filters: AuditFilters, page: int = 1) -> Pagination:
    """One page of the trail, newest first (each record with its moderator loaded)."""
    query = select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.endorsement_id:
        query = query.where(AuditEvent.endorsement_id == filters.endorsement_id)
    if filters.actor:
        query = query.where(
            AuditEvent.actor_user_id.in_(select(User.id).where(User.email == filters.actor.lower()))
        )
    if filters.since:
        query = query.where(AuditEvent.created_at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEvent.created_at < end)
    return _page_of(query.order_by(AuditEvent.id.desc()), page)


def subjects(events: list[AuditEvent]) -> dict[int, str]:
    """The addresses of the accounts these records are about (an admin's changes), by id."""
    ids = {event.subject_user_id for event in events if event.subject_user_id}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(ids)))
    return {user_id: email for user_id, email in rows}


def trail(endorsement_id: int) -> list[AuditEvent]:
    """Everything that happened to one endorsement, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.endorsement_id == endorsement_id)
            .order_by(AuditEvent.id)
        ).unique()
    )


def audit_actions() -> list[str]:
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(query))


K = TypeVar("K")


@dataclass(frozen=True)
class Overview:
    by_state: dict[State, int]
    by_category: dict[Category, int]  # public only
    by_region: dict[Region, int]  # public only


def overview() -> Overview:
    def grouped(column: SQLColumnExpression[K], public: bool) -> dict[K, int]:
        query = select(column, func.count()).group_by(column)
        if public:
            query = query.where(Endorsement.state.in_(PUBLIC_STATES))
        return dict(db.session.execute(query).all())

    states = grouped(Endorsement.state, public=False)
    categories = grouped(Endorsement.category, public=True)
    regions = grouped(Endorsement.region, public=True)
    return Overview(
        {s: states.get(s, 0) for s in State},
        {c: categories.get(c, 0) for c in Category},
        {r: regions.get(r, 0) for r in Region},
    )


CHART_DAYS = 14  # the chart shows at least this many days, however young the campaign


@dataclass(frozen=True)
class Chart:
    """A cumulative line of approvals per day, scaled into a width × height box.

    Days are the campaign's (``ENDORSE_TIMEZONE``); the axis runs from the first approval, or
    earlier to show at least ``CHART_DAYS`` days, to today.
    """

    width: int
    height: int
    points: str  # for <polyline points="...">
    first: date | None  # the first and last days with an approval
    last: date | None
    total: int
    start: date | None = None  # the ends of the axis
    end: date | None = None
    ticks: list[tuple[float, date]] = field(default_factory=list)  # (x, day) along the axis


def approvals_chart(width: int = 300, height: int = 120, ticks: int = 4) -> Chart:
    moments = (
        db.session.execute(
            select(Endorsement.approved_at).where(
                Endorsement.state.in_(PUBLIC_STATES), Endorsement.approved_at.is_not(None)
            )
        )
        .scalars()
        .all()
    )
    per_day: dict[date, int] = {}
    for moment in moments:
        if moment is None:  # the query asked for approved entries; this tells the type checker
            raise ValueError("a public endorsement without an approval date")
        day = display.local(moment).date()
        per_day[day] = per_day.get(day, 0) + 1
    if not per_day:
        return Chart(width, height, "", None, None, 0)
    first, last = min(per_day), max(per_day)
    end = max(last, display.today())
    start = min(first, end - timedelta(days=CHART_DAYS - 1))
    span = (end - start).days
    total = sum(per_day.values())

    def x(day: date) -> float:
        return round((day - start).days / span * width, 1)

    running = 0
    coordinates = [f"0,{height}"]
    day = start
    while day <= end:
        running += per_day.get(day, 0)
        coordinates.append(f"{x(day)},{round(height - running / total * height, 1)}")
        day += timedelta(days=1)
    # Evenly spaced days from the start; the last is today, the one before it at least half a
    # step away so that their words do not overlap.
    step = -(-span // ticks)
    marks = [start + timedelta(days=days) for days in range(0, span + 1, step)]
    if (end - marks[-1]).days * 2 < step:
        marks.pop()
    marks.append(end)
    return Chart(
        width,
        height,
        " ".join(coordinates),
        first,
        last,
        total,
        start,
        end,
        [(x(mark), mark) for mark in marks],
    )


def logos_of(endorsement_ids: list[int]) -> set[int]:
    """Which of these endorsements have a logo, so the console can show it before publishing."""
    if not endorsement_ids:
        return set()
    query = select(Logo.endorsement_id).where(Logo.endorsement_id.in_(endorsement_ids))
    return set(db.session.scalars(query))
