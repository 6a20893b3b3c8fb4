"""Files for machines that discover the site: robots.txt, sitemap.xml and an Atom feed.

Everything here is built from ``publication`` (public fields only) and from
``BASE_URL`` (never from the request's Host), and XML is built with ElementTree so
that a name like ``<script>`` is escaped, not interpreted.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urlsplit

from flask import Response, current_app, g, has_request_context, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.routing import Rule

from .. import caching, projections, publication
from ..config import LANGUAGES
from ..content.dossier import has_dossier
from ..content.pages import PAGES
from ..text import normalize_name
from ..urls import external_url
from . import bp

FEED_SIZE = 50
DISCOVERY_MAX_AGE = 3600  # robots.txt and the sitemap change rarely (a deployment, a dossier)
PRIVATE_PREFIX = "/moderate/"  # the console: nothing for search engines there
NOT_PAGES = frozenset({"public.feed"})  # public rules that are files, not pages
#: Pages that answer one visitor's step (a form, its outcome): of no use to someone searching,
#: so left out of the sitemap and marked ``noindex`` (``unlisted``). Every page a token opens
#: (a link from a mail) is unlisted by its rule, whatever its endpoint: no list to keep up.
UNLISTED = frozenset(
    {
        "public.signed",  # /sign/check-your-inbox
        "public.confirmed",
        "public.resend",  # /new-link
        "public.manage_request",  # /manage
        "public.manage_sent",
        "public.erased",  # /manage/erased
    }
)
ROBOTS_NOINDEX = "noindex"


def unlisted(rule: Rule | None) -> bool:
    """Whether the page of ``rule`` is a visitor's own: one of theirs, or behind a token (it
    shows an organisation's details to whoever holds the link, so never to a search engine)."""
    return rule is not None and (rule.endpoint in UNLISTED or "token" in rule.arguments)


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@bp.app_context_processor
def _robots_meta() -> dict[str, bool]:
    """``noindex``: whether base.html asks search engines to leave this page out."""
    return {"noindex": has_request_context() and unlisted(request.url_rule)}


@bp.after_app_request
def _robots_header(response: Response) -> Response:
    """The same in a header, so it holds for every answer there: an error, a redirect, a
    page that does not extend base.html."""
    if unlisted(request.url_rule):
        response.headers["X-Robots-Tag"] = ROBOTS_NOINDEX
    return response


@bp.get("/robots.txt")
def robots() -> ResponseReturnValue:
    """Crawl everything public; the console is of no use to a search engine."""
    text = (
        f"User-agent: *\nDisallow: {PRIVATE_PREFIX}\n\nSitemap: {external_url('public.sitemap')}\n"
    )
    return caching.shared_conditional(Response(text, mimetype="text/plain"), DISCOVERY_MAX_AGE)


@bp.get("/sitemap.xml")
def sitemap() -> ResponseReturnValue:
    """Every public page in each language, each pointing at its translations (hreflang)."""
    # ElementTree cannot give a default namespace to some elements and a prefix to others
    # without a process-wide registration, so the declarations are written as attributes.
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:xhtml": XHTML_NS})
    for endpoint, values in _public_pages():
        versions = {lang: external_url(endpoint, lang=lang, **values) for lang in LANGUAGES}
        for lang in LANGUAGES:
            url = ET.SubElement(urlset, "url")
            ET.SubElement(url, "loc").text = versions[lang]
            for other, href in versions.items():
                ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=other, href=href)
    return caching.shared_conditional(_xml(urlset, "application/xml"), DISCOVERY_MAX_AGE)


def _public_pages() -> list[tuple[str, dict[str, str]]]:
    """(endpoint, arguments) of each public page: GET rules taking the language and no
    other argument, plus one per campaign page for a rule that takes a ``slug``."""
    pages: list[tuple[str, dict[str, str]]] = []
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] != "public" or "GET" not in (rule.methods or ()):
            continue
        if rule.endpoint in NOT_PAGES or unlisted(rule):
            continue
        if "lang" not in rule.arguments:
            continue
        others = rule.arguments - {"lang"}
        if not others:
            choices: list[dict[str, str]] = [{}]
        elif others == {"slug"}:
            choices = [{"slug": slug} for slug in PAGES]
        else:
            continue  # a token or an id: not a page anyone should find by searching
        if rule.endpoint == "public.dossier" and not has_dossier():
            continue  # the dossier answers 404 until an admin uploads it
        for values in choices:
            if (rule.endpoint, values) not in pages:  # two rules may share an endpoint
                pages.append((rule.endpoint, values))
    return pages


@bp.get("/<lang:lang>/feed.atom")
def feed() -> ResponseReturnValue:
    """The newest supporters as Atom 1.0, in the language of the URL (``g.lang``, which the
    app-wide url_value_preprocessor of ``i18n`` takes out of the view's arguments)."""
    lang: str = g.lang
    entries = publication.newest(FEED_SIZE)
    supporters_url = external_url("public.supporters", lang=lang)
    feed_url = external_url("public.feed", lang=lang)
    position = _("You don't lock up a child. Period.")
    published = [entry.approved_at for entry in entries if entry.approved_at]
    updated = max(published) if published else projections.read_counts().updated_at

    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: lang})
    ET.SubElement(root, "title").text = _("Newest supporters of “%(position)s”", position=position)
    ET.SubElement(root, "id").text = feed_url
    ET.SubElement(root, "updated").text = _timestamp(updated)
    ET.SubElement(root, "link", rel="self", type="application/atom+xml", href=feed_url)
    ET.SubElement(root, "link", rel="alternate", type="text/html", href=supporters_url)
    author = ET.SubElement(root, "author")
    ET.SubElement(author, "name").text = position
    ET.SubElement(author, "uri").text = external_url("public.home", lang=lang)
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    for entry in entries:
        link = _link_to(entry, lang)
        item = ET.SubElement(root, "entry")
        ET.SubElement(item, "title").text = entry.name
        ET.SubElement(item, "id").text = (
            f"tag:{host},{entry.approved_at:%Y-%m-%d}:supporter-{entry.id}"
            if entry.approved_at
            else link
        )
        ET.SubElement(item, "updated").text = _timestamp(entry.approved_at or updated)
        ET.SubElement(item, "link", rel="alternate", type="text/html", href=link)
        ET.SubElement(item, "category", term=entry.category.value, label=str(entry.category.label))
        ET.SubElement(item, "summary").text = f"{entry.category.label} · {entry.city}"
        if entry.statement:
            ET.SubElement(item, "content", type="text").text = entry.statement
    return caching.shared_conditional(_xml(root, "application/atom+xml"))


def _link_to(entry: publication.PublicEntry, lang: str) -> str:
    """The entry on the public list: searched by its name, since the list is paginated and
    the newest supporter can be on any page; the anchor then scrolls to it."""
    search = normalize_name(entry.name)  # what the list's search compares with
    values = {"q": search} if search else {}
    return f"{external_url('public.supporters', lang=lang, **values)}#supporter-{entry.id}"


def _timestamp(moment: datetime) -> str:
    """RFC 3339, as Atom requires (the datetimes are aware, in UTC)."""
    return moment.isoformat(timespec="seconds")


def _xml(root: ET.Element, mimetype: str) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, content_type=f"{mimetype}; charset=utf-8")
