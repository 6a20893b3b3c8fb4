"""``flask endorse demo``: demo content for a first run, plausible fictional supporters and a
moderator login."""

from __future__ import annotations

import io
import secrets

import click
from flask.cli import with_appcontext
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, select

from .. import logos, operations
from ..audit import SYSTEM
from ..extensions import db
from ..models import Category, Endorsement, Region, Role
from ..moderation import accounts

DEMO_MODERATOR = "moderator@example.org"

# Fictional organisations, in the three languages of the campaign.
SUPPORTERS: list[tuple[str, Category, str, Region, str]] = [
    ("Kinderrechtenhuis Gent vzw", Category.NGO, "Gent", Region.EAST_FLANDERS, "nl"),
    ("Ligue bruxelloise pour l'enfance asbl", Category.NGO, "Bruxelles", Region.BRUSSELS, "fr"),
    ("Jeugdhuis De Brug", Category.YOUTH, "Antwerpen", Region.ANTWERP, "nl"),
    ("Collectif Accueil Liège", Category.NGO, "Liège", Region.LIEGE, "fr"),
    ("Basisschool De Regenboog", Category.EDUCATION, "Hasselt", Region.LIMBURG, "nl"),
    ("École fondamentale du Centre", Category.EDUCATION, "Namur", Region.NAMUR, "fr"),
    ("Pediatric Care Network Belgium", Category.HEALTH, "Leuven", Region.FLEMISH_BRABANT, "en"),
    ("Maison médicale des Marolles", Category.HEALTH, "Bruxelles", Region.BRUSSELS, "fr"),
    (
        "Advocatencollectief Vreemdelingenrecht",
        Category.LEGAL,
        "Brugge",
        Region.WEST_FLANDERS,
        "nl",
    ),
    ("Barreau solidaire du Hainaut", Category.LEGAL, "Mons", Region.HAINAUT, "fr"),
    ("Protestantse Kerk Mechelen", Category.FAITH, "Mechelen", Region.ANTWERP, "nl"),
    ("Communauté Saint-Martin", Category.FAITH, "Arlon", Region.LUXEMBOURG, "fr"),
    ("Vakbond Onderwijs Limburg", Category.UNION, "Genk", Region.LIMBURG, "nl"),
    ("Syndicat des travailleurs sociaux", Category.UNION, "Charleroi", Region.HAINAUT, "fr"),
    ("Gemeente Zonnebeke", Category.LOCAL_AUTHORITY, "Zonnebeke", Region.WEST_FLANDERS, "nl"),
    ("Commune de Rixensart", Category.LOCAL_AUTHORITY, "Rixensart", Region.WALLOON_BRABANT, "fr"),
    (
        "Centre for Migration and Childhood Studies",
        Category.RESEARCH,
        "Brussels",
        Region.BRUSSELS,
        "en",
    ),
    ("Onderzoeksgroep Kind en Samenleving", Category.RESEARCH, "Gent", Region.EAST_FLANDERS, "nl"),
    ("Boekhandel Het Open Boek", Category.COMPANY, "Leuven", Region.FLEMISH_BRABANT, "nl"),
    ("Coopérative Le Pain Partagé", Category.COMPANY, "Wavre", Region.WALLOON_BRABANT, "fr"),
    ("Scouts et Guides de Namur", Category.YOUTH, "Namur", Region.NAMUR, "fr"),
    ("European Families Without Borders", Category.NGO, "Amsterdam", Region.ABROAD, "en"),
    ("Theatergezelschap Zonder Muren", Category.OTHER, "Kortrijk", Region.WEST_FLANDERS, "nl"),
    ("Atelier d'écriture Plume Libre", Category.OTHER, "Liège", Region.LIEGE, "fr"),
]


#: Every third supporter gave a logo, as on the campaign's old site: the wall shows both kinds.
LOGO_EVERY = 3
_LOGO_COLOURS = ["#1f5f8b", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#37474f"]


def demo_logo(name: str, index: int) -> logos.ProcessedLogo:
    """A made-up logo: the organisation's initials on a coloured shape, some square, some
    wide (as real logos come), put through the same processing as an uploaded one."""
    wide = index % 2 == 1
    size = (480, 240) if wide else (320, 320)
    canvas = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(canvas)
    colour = _LOGO_COLOURS[(index // LOGO_EVERY) % len(_LOGO_COLOURS)]
    if wide:
        draw.rounded_rectangle((8, 8, size[0] - 8, size[1] - 8), radius=36, fill=colour)
    else:
        draw.ellipse((8, 8, size[0] - 8, size[1] - 8), fill=colour)
    words = [w for w in name.replace("'", " ").split() if w[:1].isupper()] or [name]
    initials = "".join(w[0] for w in words[:3])
    font = ImageFont.load_default(size=120 if len(initials) < 3 else 96)
    draw.text((size[0] / 2, size[1] / 2), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return logos.process(out.getvalue())


def load_supporters() -> int:
    """Add the demo supporters to an empty database; returns how many were added."""
    if db.session.scalar(select(func.count()).select_from(Endorsement)):
        return 0
    for index, (name, category, city, region, language) in enumerate(SUPPORTERS):
        submission = operations.Submission(
            name=name,
            category=category,
            city=city,
            region=region,
            contact_name=f"Demo contact {index + 1}",
            contact_email=f"contact{index + 1}@demo.example.org",
            language=language,
            consent_publish=True,
            logo=demo_logo(name, index) if index % LOGO_EVERY == 0 else None,
        )
        operations.add_published(submission, SYSTEM, "demo content")
    return len(SUPPORTERS)


def reset_moderator() -> tuple[str, str]:
    """Create the demo admin, or give it a fresh password; returns the login."""
    password = secrets.token_urlsafe(12)
    accounts.ensure(DEMO_MODERATOR, password, Role.ADMIN, SYSTEM)
    return DEMO_MODERATOR, password


@click.command("demo")
@with_appcontext
def load_demo() -> None:
    """Load demo supporters (once) and print a moderator login with a fresh password."""
    added = load_supporters()
    email, password = reset_moderator()
    click.echo(f"Demo supporters added: {added}")
    click.echo(f"Moderator login: {email} / {password}")


COMMANDS = [load_demo]
