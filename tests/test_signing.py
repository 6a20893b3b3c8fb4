"""The sign form: validation, duplicates, twins, and no way to learn who has signed."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from endorse.extensions import db
from endorse.models import Endorsement, MailKind, OutboxMessage, State
from endorse.tokens import Purpose, read_token

from .helpers import (
    CSRF,
    VALID_SIGNATURE,
    Mailbox,
    csrf_token,
    errors_on,
    link_in,
    make_endorsement,
    path_of,
    sign,
    submit,
    text_of,
)


def _mails(mailbox: Mailbox, count: int) -> list[EmailMessage]:
    """Exactly ``count`` mails. The test client delivers a request's mail before the request
    returns, so once ``count`` have arrived, one more would already be there."""
    mails = mailbox.wait_for(count)
    assert len(mails) == count, [mail["Subject"] for mail in mails]
    return mails


def _rows(app: Flask, model: Any = Endorsement) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_form_has_a_label_for_every_field(client: Any) -> None:
    import re

    page = client.get("/en/sign").get_data(as_text=True)
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    visible = [i for i in ids if i not in ("csrf_token", "submit")]
    assert len(visible) >= 12
    for field_id in visible:
        assert f'<label for="{field_id}"' in page, field_id


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_signing_stores_the_endorsement_and_queues_one_mail(
    app: Flask, client: Any, mailbox: Mailbox, lang: str
) -> None:
    assert sign(client, lang=lang).status_code == 303
    with app.app_context():
        entry = db.session.scalars(select(Endorsement)).one()
        assert entry.state == State.UNVERIFIED
        assert entry.language == lang
        assert entry.normalized_name == "kinderrechtencoalitie vlaanderen"
        assert entry.consent_publish
        assert entry.consent_version
        assert entry.consent_at
        assert entry.news_opt_in is False
        assert entry.duplicate_of_id is None
    [mail] = _mails(mailbox, 1)
    assert link_in(mail).startswith(f"http://endorse.test/{lang}/confirm/")


def test_links_come_from_the_base_url_not_the_host_header(
    app_factory: Any, mailbox: Mailbox
) -> None:
    # A forged Host is refused outright; even a host the operator trusts as an alias never
    # makes it into a link.
    client = app_factory(TRUSTED_HOSTS="alias.example").test_client()
    alias = {"Host": "alias.example"}
    page = client.get("/en/sign", headers=alias).get_data(as_text=True)
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    response = client.post("/en/sign", data={"csrf_token": token, **VALID_SIGNATURE}, headers=alias)
    assert response.status_code == 303
    assert client.get("/en/sign", headers={"Host": "evil.example"}).status_code == 400
    [mail] = _mails(mailbox, 1)
    assert link_in(mail).startswith("http://endorse.test/")


def test_email_is_stored_normalised(app: Flask, client: Any) -> None:
    sign(client, contact_email="  Ann@KinderRechten.Example ")
    with app.app_context():
        assert db.session.scalar(select(Endorsement.contact_email)) == "ann@kinderrechten.example"


def test_the_same_email_and_organisation_gets_the_link_again_not_a_twin(
    app: Flask, client: Any, mailbox: Mailbox
) -> None:
    first = sign(client)
    second = sign(client, name="KINDERRECHTENCOALITIE  Vlaanderen", city="Antwerpen")
    assert first.headers["Location"] == second.headers["Location"]
    assert _rows(app) == 1
    first_mail, second_mail = _mails(mailbox, 2)
    assert "already confirmed" not in text_of(second_mail)
    with app.app_context():
        entry = db.session.scalars(select(Endorsement)).one()
        # The links may differ in their time stamps; both confirm the one entry.
        for mail in (first_mail, second_mail):
            token = link_in(mail).rsplit("/", 1)[1]
            assert read_token(Purpose.CONFIRM, token, 60) == (entry.id, entry.token_nonce)


def test_a_confirmed_signer_who_signs_again_is_told_so(
    app: Flask, client: Any, mailbox: Mailbox
) -> None:
    sign(client)
    [mail] = _mails(mailbox, 1)
    link = link_in(mail)
    client.post(path_of(link), data={"csrf_token": csrf_token(client, path_of(link))})
    sign(client)
    _, second_mail = _mails(mailbox, 2)
    assert "already confirmed" in text_of(second_mail)
    assert _rows(app) == 1


def test_mails_of_a_kind_are_capped_at_five(app: Flask, client: Any, mailbox: Mailbox) -> None:
    for _ in range(8):
        assert sign(client).status_code == 303
    assert len(_mails(mailbox, 5)) == 5
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == MailKind.CONFIRM)
            )
            == 5
        )
    assert _rows(app) == 1


def test_another_email_for_the_same_organisation_is_kept_and_marked(
    app: Flask, client: Any
) -> None:
    sign(client)
    sign(client, contact_email="jan@kinderrechten.example", name="Kinderrechtencoalitie Vlaanderen")
    with app.app_context():
        first, second = db.session.scalars(select(Endorsement).order_by(Endorsement.id)).all()
        assert second.duplicate_of_id == first.id
        assert first.duplicate_of_id is None


def test_a_withdrawn_endorsement_does_not_block_signing_again(app: Flask, client: Any) -> None:
    make_endorsement(
        app,
        State.WITHDRAWN,
        contact_email="ann@kinderrechten.example",
        name=VALID_SIGNATURE["name"],
    )
    sign(client)
    with app.app_context():
        states = db.session.scalars(select(Endorsement.state).order_by(Endorsement.id)).all()
    assert states == [State.WITHDRAWN, State.UNVERIFIED]


def test_the_answer_is_the_same_whether_or_not_we_knew_the_signer(app: Flask, client: Any) -> None:
    make_endorsement(
        app, State.APPROVED, contact_email="ann@kinderrechten.example", name=VALID_SIGNATURE["name"]
    )
    # Two visitors, so that each sees what follows their own answer (a flashed message, say).
    known_visitor, unknown_visitor = app.test_client(), app.test_client()
    known = sign(known_visitor)
    unknown = sign(unknown_visitor, contact_email="new@elsewhere.example", name="Nieuwe Vereniging")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert known.get_data() == unknown.get_data()
    first = known_visitor.get(known.headers["Location"]).get_data(as_text=True)
    second = unknown_visitor.get(unknown.headers["Location"]).get_data(as_text=True)
    assert first == second


def test_the_honeypot_stores_nothing_but_looks_the_same(
    app: Flask, client: Any, mailbox: Mailbox
) -> None:
    response = sign(client, fax_number="+32 2 123 45 67")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/en/sign/check-your-inbox")
    assert _rows(app) == 0


BAD_INPUT = [
    ({"contact_email": "not-an-email"}, "valid email address"),
    ({"contact_email": ""}, "enter your email"),
    ({"name": "x" * 201}, "at most 200 characters"),
    ({"name": "   "}, "name of your organisation"),
    ({"statement": "y" * 501}, "at most 500 characters"),
    ({"city": "c" * 101}, "at most 100 characters"),
    ({"contact_name": "n" * 121}, "at most 120 characters"),
    ({"consent_publish": None}, "consent"),
    ({"category": "spaceship"}, "choose one of the options"),
    ({"region": ""}, "choose one of the options"),
    ({"website": "javascript:alert(1)"}, "web address"),
    ({"website": "not a url"}, "web address"),
    # Python reads good.org as the host of the first two, browsers go to evil.example; the
    # others show good.org to a reader, before the @, and lead to evil.example.
    ({"website": "http://evil.example\\@good.org"}, "web address"),
    ({"website": "https://evil.example\\.good.org/"}, "web address"),
    ({"website": "https://good.org@evil.example"}, "web address"),
    ({"website": "good.org:443@evil.example"}, "web address"),
    ({"website": "https://user:password@good.org"}, "web address"),
    # Addresses in the names a mail from the campaign repeats to its reader.
    ({"name": "Visit evil.example today"}, "without a web or email address"),
    ({"name": "Org www.evil"}, "without a web or email address"),
    ({"name": "ｅｖｉｌ．ｅｘａｍｐｌｅ"}, "without a web or email address"),
    ({"name": "evil\u3002example"}, "without a web or email address"),
    ({"name": "evi\u034fl.exa\u200bmple"}, "without a web or email address"),
    ({"contact_name": "Ann https://evil.example/x"}, "without a web or email address"),
    ({"contact_name": "write to ann@evil.example"}, "without a web or email address"),
    ({"name": "Nul\x00Org"}, "characters that are not allowed"),
    ({"statement": "bell\x07"}, "characters that are not allowed"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
    app: Flask, client: Any, mailbox: Mailbox, changes: dict[str, Any], message: str
) -> None:
    response = sign(client, **changes)
    assert response.status_code == 400
    assert any(message in error.lower() for error in errors_on(response)), errors_on(response)
    assert 'role="alert"' in response.get_data(as_text=True)
    assert _rows(app) == 0
    assert _rows(app, OutboxMessage) == 0


def test_a_failed_form_keeps_what_was_typed(client: Any) -> None:
    response = sign(client, contact_email="broken")
    body = response.get_data(as_text=True)
    assert 'value="Kinderrechtencoalitie Vlaanderen vzw"' in body
    assert "Every child deserves freedom." in body


def test_a_body_that_is_not_utf8_is_refused_clearly(app: Flask, client: Any) -> None:
    token = csrf_token(client, "/en/sign")
    body = (
        f"csrf_token={token}&name=Caf\xe9&category=ngo&city=Gent&region=antwerp"
        "&contact_name=A&contact_email=a%40b.example&consent_publish=y"
    ).encode("latin-1")
    response = client.post("/en/sign", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "characters we cannot read" in response.get_data(as_text=True)
    assert _rows(app) == 0


def test_invalid_utf8_in_a_multipart_body_is_refused(app: Flask, client: Any) -> None:
    token = csrf_token(client, "/en/sign")
    parts = {**VALID_SIGNATURE, "csrf_token": token}
    boundary = "boundary42"
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode()
            + (b"Caf\xe9" if k == "name" else str(v).encode())
            + b"\r\n"
            for k, v in parts.items()
        )
        + f"--{boundary}--\r\n".encode()
    )
    response = client.post(
        "/en/sign", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert any("not allowed" in e for e in errors_on(response))
    assert _rows(app) == 0


def test_posting_without_csrf_token_is_refused(app: Flask, client: Any) -> None:
    response = client.post("/en/sign", data=VALID_SIGNATURE)
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert _rows(app) == 0


def test_a_huge_body_is_refused_with_413(app: Flask, client: Any) -> None:
    token = csrf_token(client, "/en/sign")
    response = client.post(
        "/en/sign",
        data={"csrf_token": token, **VALID_SIGNATURE, "statement": "z" * (3 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert _rows(app) == 0


def test_a_new_link_can_be_requested_without_learning_anything(
    app: Flask, client: Any, mailbox: Mailbox
) -> None:
    sign(client)
    _mails(mailbox, 1)
    known = submit(client, "/en/new-link", {"contact_email": "ann@kinderrechten.example"})
    unknown = submit(client, "/en/new-link", {"contact_email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    mails = _mails(mailbox, 2)
    assert [m["To"] for m in mails] == ["ann@kinderrechten.example"] * 2


def test_a_new_link_form_with_a_bad_address_says_so(client: Any) -> None:
    response = submit(client, "/en/new-link", {"contact_email": "nope"})
    assert response.status_code == 400
    assert any("valid email address" in e for e in errors_on(response))
