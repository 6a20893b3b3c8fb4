"""The life of an endorsement: its states and the only transitions allowed between them."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class State(StrEnum):
    UNVERIFIED = "unverified"  # signed, email not yet confirmed
    VERIFIED = "verified"  # email confirmed, awaiting a moderator
    APPROVED = "approved"  # public and counted
    HIDDEN = "hidden"  # was public; taken off the list by a moderator
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> LazyString:
        """Translated when shown, in the language of the page or mail."""
        return _LABELS[self]


_LABELS = {
    State.UNVERIFIED: _l("Waiting for email confirmation"),
    State.VERIFIED: _l("Awaiting review"),
    State.APPROVED: _l("Published"),
    State.HIDDEN: _l("Hidden"),
    State.REJECTED: _l("Rejected"),
    State.WITHDRAWN: _l("Withdrawn"),
}

#: States that block a twin from the same email for the same organisation.
LIVE_STATES = frozenset({State.UNVERIFIED, State.VERIFIED, State.APPROVED, State.HIDDEN})
#: States a moderator has decided.
DECIDED_STATES = frozenset({State.APPROVED, State.HIDDEN, State.REJECTED})
#: States shown to the public and counted.
PUBLIC_STATES = frozenset({State.APPROVED})
#: States whose public fields may still be corrected, by the signer or a moderator.
EDITABLE_STATES = frozenset(State) - {State.WITHDRAWN}
#: States in which a signer's edit is a correction: it waits beside the published version,
#: which stays listed and counted until a moderator accepts it (a correction never unpublishes).
CORRECTED_STATES = PUBLIC_STATES
#: States in which a waiting correction is kept (a moderator may hide the entry meanwhile);
#: leaving them (a withdrawal, an erasure) drops it.
CORRECTION_KEPT_STATES = PUBLIC_STATES | {State.HIDDEN}

ALLOWED: dict[State, frozenset[State]] = {
    State.UNVERIFIED: frozenset({State.VERIFIED, State.WITHDRAWN}),
    State.VERIFIED: frozenset({State.APPROVED, State.REJECTED, State.WITHDRAWN}),
    # A signer who edits a hidden or rejected endorsement sends it back to moderation
    # (VERIFIED); a published one stays published while the correction waits.
    State.APPROVED: frozenset({State.HIDDEN, State.VERIFIED, State.WITHDRAWN}),
    State.HIDDEN: frozenset({State.APPROVED, State.VERIFIED, State.WITHDRAWN}),
    State.REJECTED: frozenset({State.VERIFIED, State.WITHDRAWN}),
    State.WITHDRAWN: frozenset(),
}


class IllegalTransition(DomainError):
    def __init__(self, source: State, target: State) -> None:
        super().__init__(f"an endorsement cannot go from {source} to {target}")
        self.source = source
        self.target = target


class NotEditable(DomainError):
    """A withdrawn endorsement is closed: its public fields can no longer change."""

    def __init__(self, state: State) -> None:
        super().__init__(f"an endorsement that is {state} cannot be edited")
        self.state = state


def moderator_actions(state: State) -> list[str]:
    """The console's buttons for an endorsement in ``state``, in the order shown.

    Each leads to a state that ``ALLOWED`` allows; publishing is "approve" from review and
    "unhide" once hidden. A signer's edit (back to review) is no button.
    """
    allowed = ALLOWED[state]
    names = {
        State.APPROVED: "approve" if state == State.VERIFIED else "unhide",
        State.REJECTED: "reject",
        State.HIDDEN: "hide",
        State.WITHDRAWN: "withdraw",
    }
    return [name for target, name in names.items() if target in allowed]


def needs_transition(source: State, target: State) -> bool:
    """Whether moving ``source`` to ``target`` changes anything.

    Asking for the state an endorsement is already in is not an error (confirming
    twice, two moderators approving at once): it is simply nothing to do.
    """
    if source == target:
        return False
    if target not in ALLOWED[source]:
        raise IllegalTransition(source, target)
    return True
