"""How the console says things: times in the campaign's time zone, the audit trail in words.

The trail stores internal names (``transition``, ``rejected``, ``duplicate: …``) so that it
stays stable and verifiable; moderators read them here, translated, in the words the rest of
the console uses (the states' labels, the reject reasons' labels).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import LazyString, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..i18n import LANGUAGE_NAMES
from ..models import ActorKind, AuditEvent, Category, Region, RejectReason, Role, State
from ..public.fields import SelectChoice


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local(moment: datetime) -> datetime:
    """A stored moment (UTC) on the campaign's clock."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone())


def today() -> date:
    return datetime.now(zone()).date()


def time_tag(moment: datetime | None, shape: str = "%Y-%m-%d %H:%M") -> Markup:
    """``<time>`` in local time, with the exact UTC moment for machines and on hover."""
    if moment is None:
        return Markup("—")
    utc = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    return Markup('<time datetime="{iso}" title="{utc} UTC">{shown}</time>').format(
        iso=utc.isoformat(timespec="seconds").replace("+00:00", "Z"),
        utc=utc.strftime("%Y-%m-%d %H:%M:%S"),
        shown=local(utc).strftime(shape),
    )


def day(value: date) -> str:
    """A day on the chart's axis, short and in the page's language: "1 Dec", "1 déc."."""
    return format_date(value, "d MMM")


def date_tag(moment: datetime | None) -> Markup:
    return time_tag(moment, "%Y-%m-%d")


# The audit trail.

ACTIONS: dict[str, LazyString] = {
    "signed": _l("New signature"),
    "transition": _l("State changed"),
    "edit": _l("Public fields corrected"),
    "erase": _l("Personal data erased"),
    "purge": _l("Deleted, never confirmed"),
    "export": _l("Exported as CSV"),
    "user.create": _l("Account created"),
    "user.password": _l("Password set"),
    "user.role": _l("Role changed"),
    "user.activate": _l("Account reactivated"),
    "user.deactivate": _l("Account deactivated"),
    "user.clear_failures": _l("Failed sign-ins cleared"),
    "content.page": _l("Page edited"),
    "content.faq": _l("Question edited"),
    "content.dossier": _l("Dossier uploaded"),
    "content.brand": _l("Brand image changed"),
    "correction.propose": _l("Correction proposed"),
    "correction.accept": _l("Correction accepted"),
    "correction.refuse": _l("Correction refused"),
    "correction.drop": _l("Correction dropped"),
    "import": _l("Imported from a file"),
    "import_file": _l("File of supporters imported"),
    "import_undo": _l("Import undone"),
    "added_by_hand": _l("Added by hand"),
    "logo.replace": _l("Logo changed by the signer"),
    "logo.remove": _l("Logo removed by the signer"),
    "user.preferences": _l("Preferences changed"),
}

#: Reasons the code itself writes, and how moderators read them.
_FIXED_REASONS: dict[str, LazyString] = {
    "edited by the signer": _l("Corrected by the signer"),
    "withdrawn by the signer": _l("Withdrawn by the signer"),
    "erased at the signer's request": _l("Erased at the signer's request"),
    "new logo from the signer": _l("New logo from the signer"),
    "sent to review with the new logo": _l("Sent to review with the new logo"),
    "demo content": _l("Demo content"),
}
_DAYS_REASONS = {
    "unconfirmed": re.compile(r"unconfirmed for (\d+) days"),
    "closed": re.compile(r"closed for (\d+) days"),
}
_FIELDS: dict[str, LazyString] = {
    "name": _l("Organisation"),
    "category": _l("Kind"),
    "city": _l("City or town"),
    "region": _l("Province or region"),
    "website": _l("Website"),
    "statement": _l("Statement"),
    "role": _l("Role"),
    "filters": _l("Filters"),
    "failures": _l("Failed sign-ins"),
    "language": _l("Language"),
    "digest": _l("Daily digest"),
    # An export's filters (queries.Filters), in the words of the search form.
    "state": _l("State"),
    "since": _l("Signed from"),
    "until": _l("Signed until"),
    "text": _l("Search"),
}


#: The campaign's lists (``content.<list>.<change>`` actions) and what was done to an item.
_LISTS: dict[str, LazyString] = {
    "position": _l("Position sections"),
    "faq": _l("FAQ"),
    "experts": _l("Experts"),
    "testimonies": _l("Testimonies"),
}
_LIST_CHANGES: dict[str, LazyString] = {
    "add": _l("item added"),
    "edit": _l("item edited"),
    "remove": _l("item removed"),
    "move": _l("item moved"),
}


def action_label(action: str) -> str:
    """The words for an action; an action this module does not know yet keeps its name."""
    label = ACTIONS.get(action)
    if label is not None:
        return str(label)
    match action.split("."):
        case ["content", name, change] if name in _LISTS and change in _LIST_CHANGES:
            return _("%(list)s: %(change)s", list=_LISTS[name], change=_LIST_CHANGES[change])
    return action


def action_choices(recorded: list[str]) -> list[SelectChoice]:
    """The Action filter's options: every action we can name, and any other on record."""
    names = sorted(set(ACTIONS) | set(recorded), key=lambda name: action_label(name).lower())
    return [SelectChoice("", _l("Any"))] + [SelectChoice(n, action_label(n)) for n in names]


def actor(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.email
    return {
        ActorKind.SIGNER: _("The signer"),
        ActorKind.SYSTEM: _("The system"),
        ActorKind.MODERATOR: _("A moderator"),
    }[event.actor_kind]


def states(event: AuditEvent) -> str | None:
    """ "Awaiting review → Rejected": the change of state, in the dashboard's words."""
    if event.to_state is None or event.from_state is None:
        return None  # signed, purged: the action says it
    before = event.from_state.label if event.from_state else "—"
    after = event.to_state.label if event.to_state else "—"
    return f"{before} → {after}"


def reason(event: AuditEvent) -> str | None:
    """The reason, translated where the code wrote it; a moderator's own words as they are."""
    text = event.reason
    if not text:
        return None
    if event.to_state == State.REJECTED:
        return rejection(text)
    if text in _FIXED_REASONS:
        return str(_FIXED_REASONS[text])
    if match := _DAYS_REASONS["unconfirmed"].fullmatch(text):
        return _("Not confirmed within %(days)s days", days=match[1])
    if match := _DAYS_REASONS["closed"].fullmatch(text):
        return _("Closed for %(days)s days", days=match[1])
    return text


def rejection(text: str) -> str:
    """A rejection's reason as ``operations.reject`` writes it ("duplicate: a note"), in words."""
    code, _sep, note = text.partition(": ")
    if code not in RejectReason.__members__.values():
        return text
    label = str(RejectReason(code).label)
    return f"{label} — {note}" if note else label


def details(event: AuditEvent) -> list[tuple[str, str]]:
    """What the record's data says, as (what, value) pairs a person can read."""
    if not event.data:
        return []
    try:
        data = json.loads(event.data)
    except ValueError:
        return [("", event.data)]
    if not isinstance(data, dict):
        return [("", str(data))]
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        if key == "changes" and isinstance(value, dict):
            pairs.extend((_field(name), _change(name, change)) for name, change in value.items())
        elif key == "role" and isinstance(value, list):
            pairs.append((_field(key), " → ".join(_value(key, part) for part in value)))
        elif isinstance(value, dict):
            shown = ", ".join(labelled(_field(k), _value(k, v)) for k, v in value.items())
            pairs.append((_field(key), shown or "—"))
        else:
            pairs.append((_field(key), _value(key, value)))
    return pairs


def labelled(label: str, value: str) -> str:
    """ "Label: value", punctuated as the language wants it (French: a no-break space)."""
    return _("%(label)s: %(value)s", label=label, value=value)


def _field(name: str) -> str:
    label = _FIELDS.get(name)
    return str(label) if label is not None else name


def _change(name: str, change: Any) -> str:
    if isinstance(change, list) and len(change) == 2:  # noqa: PLR2004  (before, after)
        return f"{_value(name, change[0])} → {_value(name, change[1])}"
    return _value(name, change)


_ENUMS: dict[str, Any] = {
    "category": Category,
    "region": Region,
    "role": Role,
    "state": State,
}
_ROLE_LABELS = {Role.MODERATOR: _l("Moderator"), Role.ADMIN: _l("Admin")}


def _value(name: str, value: Any) -> str:
    """A stored value as the console shows it: an enum's label, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if name == "language" and value in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[value]
    enum = _ENUMS.get(name)
    if enum is not None and value in enum.__members__.values():
        member = enum(value)
        if enum is Role:
            return str(_ROLE_LABELS[member])
        return str(member.label)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
