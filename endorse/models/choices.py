"""The fixed lists a signer chooses from, with their translated labels."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


class Category(StrEnum):
    NGO = "ngo"
    UNION = "union"
    EDUCATION = "education"
    HEALTH = "health"
    LEGAL = "legal"
    FAITH = "faith"
    YOUTH = "youth"
    LOCAL_AUTHORITY = "local_authority"
    RESEARCH = "research"
    COMPANY = "company"
    OTHER = "other"

    @property
    def label(self) -> LazyString:
        """Translated when shown, in the language of the page or mail."""
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS = {
    Category.NGO: _l("NGO or association"),
    Category.UNION: _l("Trade union"),
    Category.EDUCATION: _l("School or education"),
    Category.HEALTH: _l("Health or care"),
    Category.LEGAL: _l("Legal"),
    Category.FAITH: _l("Faith community"),
    Category.YOUTH: _l("Youth organisation"),
    Category.LOCAL_AUTHORITY: _l("Local authority"),
    Category.RESEARCH: _l("Research or academic"),
    Category.COMPANY: _l("Company"),
    Category.OTHER: _l("Other"),
}


class Area(StrEnum):
    """Belgium's regions, into which the provinces roll up."""

    FLANDERS = "flanders"
    WALLONIA = "wallonia"
    BRUSSELS = "brussels"
    ABROAD = "abroad"

    @property
    def label(self) -> LazyString:
        """Translated when shown, in the language of the page or mail."""
        return _AREA_LABELS[self]


_AREA_LABELS = {
    Area.FLANDERS: _l("Flanders"),
    Area.WALLONIA: _l("Wallonia"),
    Area.BRUSSELS: _l("Brussels"),
    Area.ABROAD: _l("Abroad"),
}


class Region(StrEnum):
    ANTWERP = "antwerp"
    LIMBURG = "limburg"
    EAST_FLANDERS = "east_flanders"
    WEST_FLANDERS = "west_flanders"
    FLEMISH_BRABANT = "flemish_brabant"
    BRUSSELS = "brussels"
    WALLOON_BRABANT = "walloon_brabant"
    HAINAUT = "hainaut"
    LIEGE = "liege"
    LUXEMBOURG = "luxembourg"
    NAMUR = "namur"
    ABROAD = "abroad"

    @property
    def label(self) -> LazyString:
        """Translated when shown, in the language of the page or mail."""
        return _REGION_LABELS[self]

    @property
    def area(self) -> Area:
        return _REGION_AREAS[self]


_REGION_LABELS = {
    Region.ANTWERP: _l("Antwerp"),
    Region.LIMBURG: _l("Limburg"),
    Region.EAST_FLANDERS: _l("East Flanders"),
    Region.WEST_FLANDERS: _l("West Flanders"),
    Region.FLEMISH_BRABANT: _l("Flemish Brabant"),
    Region.BRUSSELS: _l("Brussels-Capital"),
    Region.WALLOON_BRABANT: _l("Walloon Brabant"),
    Region.HAINAUT: _l("Hainaut"),
    Region.LIEGE: _l("Liège"),
    Region.LUXEMBOURG: _l("Luxembourg"),
    Region.NAMUR: _l("Namur"),
    Region.ABROAD: _l("Outside Belgium"),
}

_FLEMISH = {
    Region.ANTWERP,
    Region.LIMBURG,
    Region.EAST_FLANDERS,
    Region.WEST_FLANDERS,
    Region.FLEMISH_BRABANT,
}
_WALLOON = {Region.WALLOON_BRABANT, Region.HAINAUT, Region.LIEGE, Region.LUXEMBOURG, Region.NAMUR}
_REGION_AREAS = {
    region: (
        Area.FLANDERS
        if region in _FLEMISH
        else Area.WALLONIA
        if region in _WALLOON
        else Area.BRUSSELS
        if region is Region.BRUSSELS
        else Area.ABROAD
    )
    for region in Region
}


class RejectReason(StrEnum):
    NOT_AN_ORGANISATION = "not_an_organisation"
    CANNOT_VERIFY = "cannot_verify"
    DUPLICATE = "duplicate"
    NOT_ENTITLED = "not_entitled"
    SPAM = "spam"
    OTHER = "other"

    @property
    def label(self) -> LazyString:
        """Translated when shown, in the language of the page or mail."""
        return _REJECT_LABELS[self]


_REJECT_LABELS = {
    RejectReason.NOT_AN_ORGANISATION: _l("This is not an organisation."),
    RejectReason.CANNOT_VERIFY: _l("We could not verify the organisation or the signature."),
    RejectReason.DUPLICATE: _l("The organisation has already signed."),
    RejectReason.NOT_ENTITLED: _l("The person who signed cannot speak for the organisation."),
    RejectReason.SPAM: _l("Spam or abuse."),
    RejectReason.OTHER: _l("Another reason."),
}
