"""The public site: finding supporters, the campaign's pages, logos, the embeddable badge."""

from __future__ import annotations

import io
import re
from hashlib import sha256
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from endorse.models import Category, Region, State

from .helpers import VALID_SIGNATURE, audit_log, csrf_token, make_endorsement, post_action

PUBLIC_PAGES = [
    "/{}/",
    "/{}/supporters",
    "/{}/sign",
    "/{}/what-you-can-do",
    "/{}/experts",
    "/{}/testimonies",
    "/{}/more-info",
    "/{}/new-link",
]


def _names(client: FlaskClient, query: str) -> list[str]:
    body = client.get(f"/en/supporters?{query}").get_data(as_text=True)
    return re.findall(r'class="supporter-name">(?:<a [^>]+>)?([^<]+)<', body)


@pytest.fixture
def directory(app: Flask) -> Flask:
    for name, category, region in [
        ("Écoles Ouvertes", Category.EDUCATION, Region.LIEGE),
        ("Ecolo Jeunes", Category.YOUTH, Region.NAMUR),
        ("Kinderrechtenhuis Gent", Category.NGO, Region.EAST_FLANDERS),
        ("Brussels Legal Aid", Category.LEGAL, Region.BRUSSELS),
        ("3 Rivières asbl", Category.NGO, Region.HAINAUT),
    ]:
        make_endorsement(
            app,
            State.APPROVED,
            name=name,
            category=category,
            region=region,
            contact_email=f"{abs(hash(name))}@dir.example",
        )
    make_endorsement(app, State.VERIFIED, name="Ecole en attente", contact_email="wait@dir.example")
    return app


def test_search_ignores_accents_and_case(directory: Flask, client: FlaskClient) -> None:
    assert _names(client, "q=ECOLE") == ["Écoles Ouvertes"]
    assert _names(client, "q=écol") == ["Écoles Ouvertes", "Ecolo Jeunes"]
    assert _names(client, "q=nothing-like-this") == []
    assert "No organisation matches" in client.get("/en/supporters?q=zzz").get_data(as_text=True)


def test_filters_by_category_region_and_area(directory: Flask, client: FlaskClient) -> None:
    assert _names(client, "category=ngo") == ["3 Rivières asbl", "Kinderrechtenhuis Gent"]
    assert _names(client, "region=liege") == ["Écoles Ouvertes"]
    assert _names(client, "area=wallonia") == ["3 Rivières asbl", "Écoles Ouvertes", "Ecolo Jeunes"]
    assert _names(client, "area=flanders&category=ngo") == ["Kinderrechtenhuis Gent"]


def test_the_a_to_z_index(directory: Flask, client: FlaskClient) -> None:
    assert _names(client, "letter=e") == ["Écoles Ouvertes", "Ecolo Jeunes"]
    assert _names(client, "letter=%23") == ["3 Rivières asbl"]
    body = client.get("/en/supporters").get_data(as_text=True)
    assert 'href="/en/supporters?letter=k"' in body
    assert '<span class="empty-letter">Z</span>' in body


def test_counts_per_category_region_and_area_are_shown(
    directory: Flask, client: FlaskClient
) -> None:
    body = client.get("/en/supporters").get_data(as_text=True)
    assert "NGO or association (2)" in body
    assert "Liège (1)" in body
    assert re.search(r">Wallonia</a>: 3", body)
    home = client.get("/nl/").get_data(as_text=True)
    assert re.search(r">Wallonië</a>: 3", home)
    assert "Nieuwste medestanders" in home
    assert "Newest supporters" not in home


@pytest.mark.parametrize(
    "query",
    [
        "category=spaceship",
        "region=mars",
        "area=atlantis",
        "after=%C2%B2",
        "letter=ab",
        "after=x",
        "per_page=100000",
    ],
)
def test_unknown_filter_values_are_a_clear_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/en/supporters?{query}")
    assert response.status_code == 400
    assert "choose from the lists" in response.get_data(as_text=True)


def test_the_newest_supporters_are_on_the_home_page(directory: Flask, client: FlaskClient) -> None:
    body = client.get("/en/").get_data(as_text=True)
    assert "Newest supporters" in body
    assert "3 Rivières asbl" in body
    assert "Ecole en attente" not in body


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_content_pages_exist_in_every_language(client: FlaskClient, lang: str) -> None:
    for path in PUBLIC_PAGES:
        response = client.get(path.format(lang))
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert '<meta property="og:title"' in body
        assert '<meta name="twitter:card" content="summary_large_image">' in body
        assert '<meta property="og:image" content="http://endorse.test/brand/share.png">' in body
        assert '<meta name="twitter:image" content="http://endorse.test/brand/share.png">' in body
        assert '<link rel="icon" type="image/png" href="/brand/favicon.png">' in body


def test_the_faq_has_the_seeds_questions_and_answers(client: FlaskClient) -> None:
    body = client.get("/en/more-info").get_data(as_text=True)
    assert "Why does the government lock up children and their families?" in body
    assert "Immigration Office puts families behind bars" in body
    assert "Research has shown that detention has a deep and harmful impact" in body
    # The seven questions still waiting for an answer are hidden until they have one.
    assert "Are there alternatives to detention?" not in body
    assert body.count("<summary>") == 2
    assert "Answer coming soon" not in body
    assert "Oops" not in body
    assert "End Child Detention" in body
    french = client.get("/fr/more-info").get_data(as_text=True)
    assert "Pourquoi le gouvernement enferme-t-il des enfants" in french
    assert "Existe-t-il des alternatives à la détention" not in french
    assert french.count("<summary>") == 2


def test_what_you_can_do_says_how_to_get_in_touch_and_how_to_embed(
    client: FlaskClient,
) -> None:
    body = client.get("/en/what-you-can-do").get_data(as_text=True)
    assert "Are you affected by child detention in Belgium?" in body
    assert "mailto:write-to-us@endorse.test" in body  # ENDORSE_CONTACT_EMAIL, not the sender
    assert "campaign@endorse.test" not in body
    assert "&lt;iframe src=&#34;http://endorse.test/embed/count?lang=en&#34;" in body


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_the_embed_snippet_is_borderless_and_previewed_live(client: FlaskClient, lang: str) -> None:
    body = client.get(f"/{lang}/what-you-can-do").get_data(as_text=True)
    code = re.search(r'<textarea id="embed-code"[^>]*>([^<]*)</textarea>', body)
    assert code is not None
    snippet = code.group(1)
    assert f"src=&#34;http://endorse.test/embed/count?lang={lang}&#34;" in snippet
    assert "width=&#34;320&#34; height=&#34;140&#34; frameborder=&#34;0&#34;" in snippet
    preview = re.search(r'<figure class="embed-preview">.*?(<iframe [^>]*>)</iframe>', body, re.S)
    assert preview is not None
    # The same snippet, live, with a path of ours (the page loads nothing from elsewhere).
    assert preview.group(1).startswith(f'<iframe src="/embed/count?lang={lang}" ')
    assert 'width="320" height="140" frameborder="0"' in preview.group(1)


def test_an_admin_edits_a_page_and_a_faq_answer(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    page = "/moderate/content/pages/experts/fr"
    response = post_action(
        admin,
        page,
        page,
        title="Ce que disent les experts",
        body="**Les pédiatres** le disent.\n\n<script>alert(1)</script>\n\n"
        "[lien](javascript:alert(1)) [site](https://example.org)",
    )
    assert response.status_code == 302
    body = client.get("/fr/experts").get_data(as_text=True)
    assert "<strong>Les pédiatres</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert 'href="javascript:' not in body
    assert 'href="https://example.org"' in body
    assert "Ce que disent les experts" in body
    assert "What do experts say?" in client.get("/en/experts").get_data(as_text=True)

    faq = "/moderate/content/lists/faq/en/alternatives"
    post_action(
        admin,
        faq,
        faq,
        question="Are there alternatives to detention?",
        answer="Yes: case management in the community.",
    )
    body = client.get("/en/more-info").get_data(as_text=True)
    assert "case management in the community" in body
    assert "Are there alternatives to detention?" in body  # answered: shown
    assert body.count("<summary>") == 3
    audit_page = admin.get("/moderate/audit?action=content.faq.edit").get_data(as_text=True)
    assert "content.faq.edit" in audit_page


def test_moderators_cannot_edit_content(app: Flask, moderator: FlaskClient) -> None:
    assert moderator.get("/moderate/content").status_code == 403
    assert moderator.get("/moderate/content/pages/experts/en").status_code == 403


def test_the_dossier_is_uploaded_as_pdf_and_downloaded(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    assert client.get("/en/dossier").status_code == 404
    assert "Download the complete file" not in client.get("/en/more-info").get_data(as_text=True)
    token = csrf_token(admin, "/moderate/content")
    refused = admin.post(
        "/moderate/content/dossier/fr",
        data={"csrf_token": token, "file": (io.BytesIO(b"<html>not a pdf</html>"), "dossier.pdf")},
    )
    assert refused.status_code == 400
    assert "not a PDF" in refused.get_data(as_text=True)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    token = csrf_token(admin, "/moderate/content")
    done = admin.post(
        "/moderate/content/dossier/fr",
        data={"csrf_token": token, "file": (io.BytesIO(pdf), "Dossier complet.pdf")},
    )
    assert done.status_code == 302
    download = client.get("/fr/dossier")
    assert download.status_code == 200
    assert download.data == pdf
    assert download.headers["Content-Type"] == "application/pdf"
    assert "Dossier_complet.pdf" in download.headers["Content-Disposition"]
    assert client.get("/nl/dossier").data == pdf  # the French file until a Dutch one exists
    assert "/fr/dossier" in client.get("/fr/more-info").get_data(as_text=True)
    # Only the accepted file is on record, with its language and digest.
    assert audit_log(app, "content.dossier") == [
        (
            "content.dossier",
            {"language": "fr", "sha256": sha256(pdf).hexdigest(), "size": len(pdf)},
        )
    ]


def test_a_too_large_dossier_is_refused(app_factory: Any) -> None:
    from .helpers import login, make_user

    app = app_factory(DOSSIER_MAX_BYTES=1024)
    make_user(app, "admin@campaign.example", "admin")
    admin = app.test_client()
    login(admin, "admin@campaign.example")
    token = csrf_token(admin, "/moderate/content")
    response = admin.post(
        "/moderate/content/dossier/en",
        data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-" + b"x" * 200_000), "big.pdf")},
    )
    assert response.status_code == 413


def _image(kind: str, size: tuple[int, int] = (600, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (179, 0, 27)).save(out, format=kind)
    return out.getvalue()


def _sign_with_logo(
    client: FlaskClient, data: bytes, filename: str, consent: bool = True, **changes: Any
) -> Any:
    form = {
        **VALID_SIGNATURE,
        **changes,
        "csrf_token": csrf_token(client, "/en/sign"),
        "logo": (io.BytesIO(data), filename),
    }
    if consent:
        form["logo_consent"] = "y"
    return client.post("/en/sign", data=form, content_type="multipart/form-data")


def test_a_logo_is_reencoded_and_shown_once_approved(
    app: Flask, client: FlaskClient, runner: Any
) -> None:
    from sqlalchemy import select

    from endorse import operations
    from endorse.extensions import db
    from endorse.models import Endorsement
    from endorse.tokens import Purpose, make_token

    assert _sign_with_logo(client, _image("PNG"), "logo.png").status_code == 303
    with app.app_context():
        entry_id, nonce = db.session.execute(select(Endorsement.id, Endorsement.token_nonce)).one()
    path = f"/logos/{entry_id}.webp"
    assert client.get(path).status_code == 404  # not public yet
    with app.app_context():
        operations.confirm(make_token(Purpose.CONFIRM, entry_id, nonce))
        operations.approve(entry_id, operations.SYSTEM)
    logo = client.get(path)
    assert logo.status_code == 200
    assert logo.headers["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(logo.data)) as image:
        assert image.format == "WEBP"
        assert max(image.size) <= 256
    assert f'src="{path}"' in client.get("/en/supporters").get_data(as_text=True)
    assert client.get(path, headers={"If-None-Match": logo.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "PNG, JPEG or WebP",
        ),
        (b"GIF89a fake", "logo.png", "PNG, JPEG or WebP"),
        (b"just text", "logo.jpg", "PNG, JPEG or WebP"),
    ],
)
def test_bad_logos_are_refused_by_content(
    app: Flask, client: FlaskClient, data: bytes, filename: str, message: str
) -> None:
    response = _sign_with_logo(client, data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    from endorse.extensions import db
    from endorse.models import Endorsement

    with app.app_context():
        assert db.session.query(Endorsement).count() == 0


def test_a_logo_needs_its_own_consent(app: Flask, client: FlaskClient) -> None:
    response = _sign_with_logo(client, _image("JPEG"), "logo.jpg", consent=False)
    assert response.status_code == 400
    assert "show your logo" in response.get_data(as_text=True)


def test_a_gif_is_refused_even_when_it_is_an_image(client: FlaskClient) -> None:
    response = _sign_with_logo(client, _image("GIF"), "logo.gif")
    assert response.status_code == 400


def test_the_badge_may_be_framed_and_nothing_else(app: Flask, client: FlaskClient) -> None:
    make_endorsement(app, State.APPROVED)
    badge = client.get("/embed/count?lang=fr")
    assert badge.status_code == 200
    assert "frame-ancestors *" in badge.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in badge.headers
    body = badge.get_data(as_text=True)
    assert "On n'enferme pas un enfant. Point." in body.replace("&#39;", "'")
    assert "<strong data-count>1</strong>" in body
    assert client.get("/embed/count?lang=xx").status_code == 200
    home = client.get("/en/")
    assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]
    assert home.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_no_page_loads_anything_from_elsewhere(client: FlaskClient, lang: str) -> None:
    for path in PUBLIC_PAGES + ["/embed/count?lang={}"]:
        body = client.get(path.format(lang)).get_data(as_text=True)
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", body):
            for url in re.findall(r'(?:src|href)="([^"]*)"', tag):
                if 'rel="alternate"' in tag:
                    continue
                assert url.startswith("/"), (path, tag)


def test_the_language_switcher_stays_on_the_same_page_and_search(client: FlaskClient) -> None:
    body = client.get("/en/supporters?q=ligue&category=ngo").get_data(as_text=True)
    assert 'href="/fr/supporters?q=ligue&amp;category=ngo" hreflang="fr"' in body
    # The head's alternates are absolute (search engines want them so): see test_seo.py.
    assert 'hreflang="nl" href="http://endorse.test/nl/supporters?q=ligue&amp;category=ngo"' in body
