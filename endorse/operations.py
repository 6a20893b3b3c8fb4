"""Everything that changes an endorsement: one transaction each, with its audit record and mail.

Views and CLI commands call these functions; nothing else writes endorsements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from . import audit, projections
from .audit import SIGNER, SYSTEM, Actor  # noqa: F401  (SYSTEM: re-exported for callers)
from .database import checkpoint, in_chunks, write_transaction
from .errors import DomainError, NotFound
from .extensions import db
from .logos import ProcessedLogo
from .mail import links, messages
from .mail.outbox import deliver_after_response, enqueue, enqueue_for
from .models import (
    DECIDED_STATES,
    LIVE_STATES,
    PUBLIC_STATES,
    Category,
    Correction,
    Endorsement,
    LinkRequest,
    Logo,
    MailKind,
    NotEditable,
    OutboxMessage,
    Region,
    RejectReason,
    State,
)
from .models.states import (
    CORRECTED_STATES,
    CORRECTION_KEPT_STATES,
    IllegalTransition,
    needs_transition,
)
from .models.types import utcnow
from .text import normalize_name
from .tokens import Purpose, TokenInvalid, TokenUsed, new_nonce, nonce_matches, read_token

#: Seconds a signer's erasure waits for other writers to let SQLite empty its log; purge, run
#: from cron, waits as long as any writer would.
ERASURE_CHECKPOINT_WAIT = 5


class ConsentMissing(DomainError):
    """An organisation's name is published only with its explicit consent."""


class CorrectionReplaced(DomainError):
    """The signer replaced or withdrew the correction a moderator was deciding on."""


class NotAModerator(DomainError):
    """Only the console's accounts (or the system) decide on a signer's correction."""


@dataclass(frozen=True)
class PublicFields:
    """What the public sees of an organisation, and so what a signer or moderator may correct.

    Defined once: the forms, the edit operations and the public read model
    (``publication.PublicEntry``) all take their fields from here.
    """

    name: str
    category: Category
    city: str
    region: Region
    website: str | None = None
    statement: str | None = None


EDITABLE = tuple(field.name for field in dataclass_fields(PublicFields))


@dataclass(frozen=True, kw_only=True)
class Submission(PublicFields):
    """What a signer submits, already validated and cleaned by the form."""

    contact_name: str
    contact_email: str
    language: str
    consent_publish: bool
    contact_role: str | None = None
    news_opt_in: bool = False
    logo: ProcessedLogo | None = None  # already checked and re-encoded, shown with consent


def sign(submission: Submission) -> None:
    """Store a signature and queue its confirmation mail.

    The same email signing the same organisation again gets the link again (or a note
    that it is already confirmed) instead of a twin. The caller learns nothing of which
    happened, so the page it shows cannot reveal who has signed.
    """
    if not submission.consent_publish:
        raise ConsentMissing("consent to publish the organisation's name is required")
    normalized = normalize_name(submission.name)
    for attempt in (1, 2):
        try:
            with write_transaction():
                twin = db.session.scalar(
                    select(Endorsement)
                    .where(
                        Endorsement.contact_email == submission.contact_email,
                        Endorsement.normalized_name == normalized,
                        Endorsement.state.in_(LIVE_STATES),
                    )
                    .with_for_update()
                )
                mail = _send_again(twin) if twin else _create(submission, normalized)
                mail_id = _flushed_id(mail)
            break
        except IntegrityError:
            # A concurrent request stored the same signature first; now it is a twin.
            if attempt == 2:
                raise
    deliver_after_response([mail_id] if mail_id else [])


def _create(submission: Submission, normalized: str) -> OutboxMessage | None:
    entry = _new_entry(submission, normalized)
    # A new entry has had no mail yet: nothing to cap, nothing to count.
    mail = enqueue(
        submission.contact_email,
        MailKind.CONFIRM,
        messages.confirmation(entry),
        endorsement_id=entry.id,
    )
    # Last, so the audit trail's lock is held only for the append and the commit.
    _audit(entry, SIGNER, "signed", None, State.UNVERIFIED)
    return mail


def _new_entry(submission: Submission, normalized: str) -> Endorsement:
    now = utcnow()
    duplicate_of = db.session.scalar(
        select(Endorsement.id)
        .where(Endorsement.normalized_name == normalized, Endorsement.state.in_(LIVE_STATES))
        .order_by(Endorsement.id)
        .limit(1)
    )
    entry = Endorsement(
        name=submission.name,
        normalized_name=normalized,
        category=submission.category,
        city=submission.city,
        region=submission.region,
        website=submission.website,
        statement=submission.statement,
        language=submission.language,
        contact_name=submission.contact_name,
        contact_email=submission.contact_email,
        contact_role=submission.contact_role,
        consent_publish=True,
        consent_version=current_app.config["CONSENT_VERSION"],
        consent_at=now,
        news_opt_in=submission.news_opt_in,
        state=State.UNVERIFIED,
        duplicate_of_id=duplicate_of,
        token_nonce=new_nonce(),
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    if submission.logo is not None:  # given with the consent the form asks for
        _store_logo(entry, submission.logo)
    return entry


def _send_again(entry: Endorsement) -> OutboxMessage | None:
    if entry.state == State.UNVERIFIED:
        return enqueue_for(entry, MailKind.CONFIRM, messages.confirmation(entry))
    return enqueue_for(entry, MailKind.ALREADY_CONFIRMED, messages.already_confirmed(entry))


def _flushed_id(message: OutboxMessage | None) -> int | None:
    if message is None:
        return None
    db.session.flush()
    return message.id


def check_confirmation(token: str) -> Endorsement:
    """The endorsement a confirmation link would confirm; raises a token error otherwise."""
    return _confirmable(token, for_update=False)


def confirm(token: str) -> int:
    """Confirm the signer's email; the link then stops working. Returns the endorsement id."""
    with write_transaction():
        entry = _confirmable(token, for_update=True)
        _transition(entry, State.VERIFIED, SIGNER)
        entry.token_nonce = new_nonce()
        return entry.id


def _confirmable(token: str, *, for_update: bool) -> Endorsement:
    endorsement_id, nonce = read_token(Purpose.CONFIRM, token, current_app.config["VERIFY_MAX_AGE"])
    entry = db.session.get(Endorsement, endorsement_id, with_for_update=for_update)
    if entry is None or entry.state != State.UNVERIFIED:
        raise TokenUsed()
    if not nonce_matches(entry.token_nonce, nonce):
        raise TokenUsed()
    return entry


def approve(endorsement_id: int, actor: Actor) -> bool:
    """Publish a verified endorsement. False when it was already approved."""
    return _decide(endorsement_id, State.APPROVED, actor, None)


def reject(
    endorsement_id: int,
    actor: Actor,
    note: str | None = None,
    *,
    code: RejectReason = RejectReason.OTHER,
    notify: bool = False,
) -> bool:
    """Refuse a verified endorsement with a reason; optionally tell the signer, in their language.

    False when it was already rejected.
    """
    reason = f"{code.value}: {note}" if note else code.value
    return _decide(
        endorsement_id, State.REJECTED, actor, reason, mail=(code, note) if notify else None
    )


def hide(endorsement_id: int, actor: Actor, reason: str | None = None) -> bool:
    """Take a published endorsement off the list and the count, keeping it for review."""
    return _decide(endorsement_id, State.HIDDEN, actor, reason)


def unhide(endorsement_id: int, actor: Actor, reason: str | None = None) -> bool:
    """Publish a hidden endorsement again."""
    return _decide(endorsement_id, State.APPROVED, actor, reason, only_from=State.HIDDEN)


def withdraw(endorsement_id: int, actor: Actor, reason: str | None = None) -> bool:
    """Take an endorsement out of the list and the count, from any state."""
    return _decide(endorsement_id, State.WITHDRAWN, actor, reason)


def _decide(
    endorsement_id: int,
    target: State,
    actor: Actor,
    reason: str | None,
    *,
    mail: tuple[RejectReason, str | None] | None = None,
    only_from: State | None = None,
) -> bool:
    mail_id = None
    with write_transaction():
        entry = _locked(endorsement_id)
        if only_from is not None and entry.state not in (only_from, target):
            raise IllegalTransition(entry.state, target)
        changed = _transition(entry, target, actor, reason)
        if changed and target == State.REJECTED:
            entry.rejection_reason = reason
            if mail is not None:
                message = enqueue_for(entry, MailKind.REJECTED, messages.rejected(entry, *mail))
                mail_id = _flushed_id(message)
    deliver_after_response([mail_id] if mail_id else [])
    return changed


def _locked(endorsement_id: int) -> Endorsement:
    entry = db.session.get(Endorsement, endorsement_id, with_for_update=True)
    if entry is None:
        raise NotFound(f"no endorsement #{endorsement_id}")
    return entry


def edit(
    endorsement_id: int, actor: Actor, fields: PublicFields, reason: str | None = None
) -> dict[str, list[str | None]]:
    """Correct the public fields, recording each change as before/after. Returns the changes."""
    with write_transaction():
        return _apply_edit(_locked(endorsement_id), actor, fields, reason)


def _apply_edit(
    entry: Endorsement,
    actor: Actor,
    fields: PublicFields,
    reason: str | None,
    action: str = "edit",
) -> dict[str, list[str | None]]:
    if not entry.editable:
        raise NotEditable(entry.state)
    counted_at = projections.place_if_public(entry)
    changes = _changes(entry, fields)
    if not changes:
        return changes
    for name in changes:
        setattr(entry, name, getattr(fields, name))
    if "name" in changes:
        entry.normalized_name = normalize_name(entry.name)
    projections.republish(counted_at, entry)
    audit.record(actor, action, endorsement_id=entry.id, reason=reason, data={"changes": changes})
    return changes


def _changes(entry: Endorsement, fields: PublicFields) -> dict[str, list[str | None]]:
    """Each public field ``fields`` would change in ``entry``, as [before, after]."""
    changes: dict[str, list[str | None]] = {}
    for name in EDITABLE:
        before, after = getattr(entry, name), getattr(fields, name)
        if before != after:
            changes[name] = [before and str(before), after and str(after)]
    return changes


# What a signer does through the manage link sent to their address.


def request_link(kind: MailKind, email: str, language: str) -> None:
    """Someone asks for a new confirmation link (CONFIRM) or a manage link (MANAGE) for
    ``email``, from a page in ``language``: record the request, the same for any address.

    The sender answers it (``mail.links``): only it learns whether the address signed.
    """
    if kind not in links.BUILDERS:
        raise ValueError(f"no link is sent by a {kind} mail")
    with write_transaction():
        request = LinkRequest(kind=kind, email=email, language=language)
        db.session.add(request)
        db.session.flush()
        request_id = request.id
    links.answer_after_response(request_id)


def check_manage(token: str, *, for_update: bool = False) -> Endorsement:
    """The endorsement a manage link opens; raises a token error otherwise."""
    endorsement_id, nonce = _manage_token(token)
    entry = db.session.get(Endorsement, endorsement_id, with_for_update=for_update)
    if entry is None or entry.contact_email is None or not nonce_matches(entry.token_nonce, nonce):
        raise TokenUsed()
    return entry


def _manage_token(token: str) -> tuple[int, str]:
    """A manage link, or the longer-lived one mailed once to an imported supporter."""
    config = current_app.config
    try:
        return read_token(Purpose.MANAGE, token, config["MANAGE_MAX_AGE"])
    except TokenInvalid:
        return read_token(Purpose.CLAIM, token, config["CLAIM_MAX_AGE"])


@dataclass(frozen=True)
class SignerEdit:
    """What became of a signer's edit: ``outcome`` is "saved" (applied, to be reviewed),
    "proposed" (a correction waits, the published version stays), "cancelled" (the waiting
    correction is gone: the signer asked for the live version) or "unchanged"."""

    outcome: str
    changes: dict[str, list[str | None]]


def edit_by_signer(token: str, fields: PublicFields) -> SignerEdit:
    """The signer corrects their public fields.

    A published endorsement stays as it is, listed and counted, while the correction waits for a
    moderator. Any other is changed at once; a decided one goes back to review.
    """
    with write_transaction():
        entry = check_manage(token, for_update=True)
        if not entry.editable:
            raise NotEditable(entry.state)
        if entry.state in CORRECTED_STATES:
            return _propose(entry, fields)
        changes = _apply_edit(entry, SIGNER, fields, "edited by the signer")
        if changes:
            _drop_correction(entry, SIGNER, "replaced by the signer's edit")
        if changes and entry.state in DECIDED_STATES:
            _transition(entry, State.VERIFIED, SIGNER, "edited by the signer")
        return SignerEdit("saved" if changes else "unchanged", changes)


def _propose(entry: Endorsement, fields: PublicFields) -> SignerEdit:
    """Keep the signer's correction beside the live version; a newer one replaces it."""
    changes = _changes(entry, fields)
    waiting = pending_correction(entry.id)
    if not changes:
        if waiting is None:
            return SignerEdit("unchanged", changes)
        _drop_correction(entry, SIGNER, "cancelled by the signer")
        return SignerEdit("cancelled", changes)
    if waiting is not None and proposed_fields(waiting) == fields:
        return SignerEdit("unchanged", {})
    if waiting is not None:
        db.session.delete(waiting)
        db.session.flush()  # its unique endorsement_id is free for the new one
    db.session.add(
        Correction(
            endorsement_id=entry.id,
            **{name: getattr(fields, name) for name in EDITABLE},
        )
    )
    audit.record(
        SIGNER,
        "correction.propose",
        endorsement_id=entry.id,
        reason="replaces the waiting correction" if waiting is not None else None,
        data={"changes": changes},
    )
    return SignerEdit("proposed", changes)


def proposed_fields(correction: Correction) -> PublicFields:
    """The public fields as the correction would make them."""
    return PublicFields(**{name: getattr(correction, name) for name in EDITABLE})


def pending_correction(endorsement_id: int) -> Correction | None:
    """The correction waiting for a moderator's decision on this endorsement, if any."""
    return db.session.scalar(select(Correction).where(Correction.endorsement_id == endorsement_id))


def _drop_correction(entry: Endorsement, actor: Actor, reason: str) -> None:
    waiting = pending_correction(entry.id)
    if waiting is None:
        return
    db.session.delete(waiting)
    db.session.flush()
    audit.record(actor, "correction.drop", endorsement_id=entry.id, reason=reason)


def accept_correction(
    endorsement_id: int, correction_id: int, actor: Actor, reason: str | None = None
) -> bool:
    """Publish the signer's correction in place of the live version, and tell the signer.

    False when no correction waits any more (another moderator decided); raises
    ``CorrectionReplaced`` when the signer replaced the one the moderator saw.
    """
    return _decide_correction(endorsement_id, correction_id, actor, accept=True, reason=reason)


def refuse_correction(
    endorsement_id: int, correction_id: int, actor: Actor, reason: str | None = None
) -> bool:
    """Keep the live version as it is, drop the signer's correction, and tell the signer."""
    return _decide_correction(endorsement_id, correction_id, actor, accept=False, reason=reason)


def _decide_correction(
    endorsement_id: int, correction_id: int, actor: Actor, *, accept: bool, reason: str | None
) -> bool:
    if actor.kind == SIGNER.kind:
        raise NotAModerator("a signer cannot decide on a correction")
    mail_id = None
    with write_transaction():
        entry = _locked(endorsement_id)
        waiting = pending_correction(entry.id)
        if waiting is None:
            return False
        if waiting.id != correction_id:
            raise CorrectionReplaced(f"correction #{correction_id} was replaced")
        fields = proposed_fields(waiting)
        db.session.delete(waiting)
        db.session.flush()
        if accept:
            changes = _apply_edit(entry, actor, fields, reason, action="correction.accept")
            if not changes:  # the live version already says so: still a decision on record
                audit.record(actor, "correction.accept", endorsement_id=entry.id, reason=reason)
            draft, kind = messages.correction_accepted(entry), MailKind.CORRECTION_ACCEPTED
        else:
            audit.record(actor, "correction.refuse", endorsement_id=entry.id, reason=reason)
            draft, kind = messages.correction_refused(entry), MailKind.CORRECTION_REFUSED
        mail_id = _flushed_id(enqueue_for(entry, kind, draft))
    deliver_after_response([mail_id] if mail_id else [])
    return True


def withdraw_by_signer(token: str) -> bool:
    """As easy as signing: one button, and the organisation leaves the list and the count."""
    with write_transaction():
        entry = check_manage(token, for_update=True)
        return _transition(entry, State.WITHDRAWN, SIGNER, "withdrawn by the signer")


@dataclass(frozen=True)
class LogoChange:
    """What became of a signer's new logo: ``outcome`` is "logo_saved" (the endorsement was
    waiting for review anyway) or "logo_review" (it was decided, so it goes back to review and
    leaves the list until a moderator has seen the new logo)."""

    outcome: str


def replace_logo_by_signer(token: str, logo: ProcessedLogo) -> LogoChange:
    """The signer adds or replaces their logo; a moderator sees it before it is shown.

    A correction to the text waits beside the published version, but a ``Correction`` has no
    room for an image and only one logo is kept per endorsement, so a decided endorsement
    (published, hidden or rejected) goes back to review with its new logo, as any edit of
    a decided one did before corrections: no unchecked image is ever public.
    """
    with write_transaction():
        entry = check_manage(token, for_update=True)
        if not entry.editable:
            raise NotEditable(entry.state)
        _store_logo(entry, logo)
        audit.record(SIGNER, "logo.replace", endorsement_id=entry.id, data={"sha256": logo.sha256})
        if logo_goes_to_review(entry):
            waiting = pending_correction(entry.id)
            if waiting is not None:  # reviewed with the logo: nothing the signer asked is lost
                fields = proposed_fields(waiting)
                _drop_correction(entry, SIGNER, "sent to review with the new logo")
                _apply_edit(entry, SIGNER, fields, "edited by the signer")
            _transition(entry, State.VERIFIED, SIGNER, "new logo from the signer")
            return LogoChange("logo_review")
        return LogoChange("logo_saved")


def logo_goes_to_review(entry: Endorsement) -> bool:
    """Whether a new logo sends ``entry`` back to review (and off the list, if it is on it)."""
    return entry.state in DECIDED_STATES


def remove_logo_by_signer(token: str) -> bool:
    """The signer removes their logo, in any state and at once: taking an image away needs no
    review. False when there was none."""
    with write_transaction():
        entry = check_manage(token, for_update=True)
        removed = db.session.execute(delete(Logo).where(Logo.endorsement_id == entry.id))
        if not removed.rowcount:  # type: ignore[attr-defined]
            return False
        audit.record(SIGNER, "logo.remove", endorsement_id=entry.id)
        return True


def signer_logo(endorsement_id: int) -> Logo | None:
    """The logo kept for an endorsement, whatever its state: its signer sees what we keep."""
    return db.session.get(Logo, endorsement_id)


def _store_logo(entry: Endorsement, logo: ProcessedLogo) -> None:
    kept = db.session.get(Logo, entry.id) or Logo(endorsement_id=entry.id)
    kept.content_type, kept.content = logo.content_type, logo.content
    kept.width, kept.height, kept.sha256 = logo.width, logo.height, logo.sha256
    kept.consent_at = utcnow()
    db.session.add(kept)


def erase_by_signer(token: str) -> None:
    """Erase the signer's personal data; the endorsement is withdrawn, the audit trail stays."""
    with write_transaction():
        entry = check_manage(token, for_update=True)
        _erase(entry, SIGNER, "erased at the signer's request")
        _transition(entry, State.WITHDRAWN, SIGNER, "erased at the signer's request")
    checkpoint(wait_seconds=ERASURE_CHECKPOINT_WAIT)


def _erase(entry: Endorsement, actor: Actor, reason: str) -> int:
    """Blank the contact data of ``entry``, every mail kept for it, the free text of its
    rejection and the details of the audit records that may name its signer; its state stays.
    Returns how many audit records' details were erased."""
    erased = audit.erase_about(entry.id, mentions=_mentions(entry))
    _drop_correction(entry, actor, reason)  # what the signer proposed goes with them
    entry.contact_name = entry.contact_email = entry.contact_role = entry.consent_note = None
    entry.rejection_reason = _reason_code(entry.rejection_reason)
    entry.news_opt_in = False
    entry.token_nonce = new_nonce()  # every link sent to the old address stops working
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.endorsement_id == entry.id)
        .values(recipient="", subject="", body_text="", body_html="")
    )
    audit.record(actor, "erase", endorsement_id=entry.id, reason=reason)
    return erased


def erase_and_withdraw_many(entries: Sequence[Endorsement], actor: Actor, reason: str) -> int:
    """Erase the personal data of many endorsements and withdraw them (undoing an import), as
    ``_erase`` then ``_transition`` do one at a time, in a few statements per thousand: every
    step audited per entry. Call inside a write transaction that holds them; returns how many
    it withdrew (those withdrawn already are erased too)."""
    ids = [entry.id for entry in entries]
    audit.erase_about_many(ids, [text for entry in entries for text in _mentions(entry)])
    projections.count_out([entry for entry in entries if entry.state in PUBLIC_STATES])
    now = utcnow()
    by_source: dict[State, list[int]] = {}
    for entry in entries:
        if needs_transition(entry.state, State.WITHDRAWN):
            by_source.setdefault(entry.state, []).append(entry.id)
            entry.state, entry.withdrawn_at = State.WITHDRAWN, now
        entry.contact_name = entry.contact_email = entry.contact_role = entry.consent_note = None
        entry.rejection_reason = _reason_code(entry.rejection_reason)
        entry.news_opt_in = False
        entry.token_nonce = new_nonce()  # every link sent to the old address stops working
    db.session.flush()
    for chunk in in_chunks(ids):
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.endorsement_id.in_(chunk))
            .values(recipient="", subject="", body_text="", body_html="")
        )
    audit.record_each(actor, "erase", ids, reason=reason)
    for source, group in by_source.items():
        audit.record_each(
            actor, "transition", group, source=source, target=State.WITHDRAWN, reason=reason
        )
    return sum(len(group) for group in by_source.values())


def _mentions(entry: Endorsement) -> list[str]:
    """What a moderator's export filter may have held of this signer."""
    return [text for text in (entry.contact_email, entry.contact_name) if text]


def _reason_code(reason: str | None) -> str | None:
    """A rejection's reason without the moderator's note: its code alone."""
    code = (reason or "").partition(":")[0].strip()
    return code if code in {known.value for known in RejectReason} else None


@dataclass(frozen=True)
class PurgeReport:
    deleted: int  # unconfirmed signatures removed
    erased: int  # rejected or withdrawn ones stripped of contact data, their state kept
    details_erased: int  # audit records whose details (free text, filters) were blanked


def purge(unverified_days: int, closed_days: int) -> PurgeReport:
    """Keep personal data no longer than needed (see the privacy page)."""
    now = utcnow()
    with write_transaction():
        stale = db.session.scalars(
            select(Endorsement)
            .where(
                Endorsement.state == State.UNVERIFIED,
                Endorsement.created_at < now - timedelta(days=unverified_days),
            )
            .with_for_update()
        ).all()
        details_erased = 0
        for entry in stale:
            details_erased += audit.erase_about(entry.id, mentions=_mentions(entry))
            audit.record(
                SYSTEM,
                "purge",
                endorsement_id=entry.id,
                source=entry.state,
                reason=f"unconfirmed for {unverified_days} days",
            )
            db.session.execute(
                delete(OutboxMessage).where(OutboxMessage.endorsement_id == entry.id)
            )
            db.session.execute(
                update(Endorsement)
                .where(Endorsement.duplicate_of_id == entry.id)
                .values(duplicate_of_id=None)
            )
            db.session.delete(entry)
        cutoff = now - timedelta(days=closed_days)
        closed = db.session.scalars(
            select(Endorsement)
            .where(
                Endorsement.contact_email.is_not(None),
                or_(
                    (Endorsement.state == State.REJECTED) & (Endorsement.rejected_at < cutoff),
                    (Endorsement.state == State.WITHDRAWN) & (Endorsement.withdrawn_at < cutoff),
                ),
            )
            .with_for_update()
        ).all()
        for entry in closed:
            details_erased += _erase(entry, SYSTEM, f"closed for {closed_days} days")
        # Exports stay on record; after the same time, their filters no longer do.
        details_erased += audit.erase_exports_before(cutoff)
    if stale or closed or details_erased:
        checkpoint(wait_seconds=current_app.config["SQLITE_BUSY_TIMEOUT"])
    return PurgeReport(len(stale), len(closed), details_erased)


def _transition(entry: Endorsement, target: State, actor: Actor, reason: str | None = None) -> bool:
    """Move ``entry`` to ``target``, with its timestamp, count and audit record."""
    source = entry.state
    if not needs_transition(source, target):
        return False
    entry.state = target
    if source in CORRECTION_KEPT_STATES and target not in CORRECTION_KEPT_STATES:
        _drop_correction(entry, actor, reason or f"the endorsement is {target}")
    stamp = Endorsement.STATE_TIMESTAMPS[target]
    if target != State.APPROVED or entry.approved_at is None:  # approved_at: first publication
        setattr(entry, stamp, utcnow())
    projections.republish(projections.place_if_public(entry, source), entry)
    _audit(entry, actor, "transition", source, target, reason)
    return True


def _audit(
    entry: Endorsement,
    actor: Actor,
    action: str,
    source: State | None,
    target: State | None,
    reason: str | None = None,
) -> None:
    audit.record(
        actor, action, endorsement_id=entry.id, source=source, target=target, reason=reason
    )


def record_export(actor: Actor, filters: dict[str, str]) -> None:
    """A staff export carries every contact it matches: it goes on record, with its filters."""
    with write_transaction():
        audit.record(actor, "export", data={"filters": filters})


def add_published(submission: Submission, actor: Actor, reason: str) -> int:
    """Record an endorsement received outside the form (on paper, from the old site) as public.

    It walks the same states as a signed one, each step audited with ``reason``; no mail.
    """
    if not submission.consent_publish:
        raise ConsentMissing("consent to publish the organisation's name is required")
    with write_transaction():
        entry = _new_entry(submission, normalize_name(submission.name))
        _audit(entry, actor, "signed", None, State.UNVERIFIED)
        _transition(entry, State.VERIFIED, actor, reason)
        _transition(entry, State.APPROVED, actor, reason)
        return entry.id
