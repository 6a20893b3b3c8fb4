"""The blank sign form is rendered once per page and copied, each copy with its own token."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from endorse.public.blank_pages import SLOT

from .helpers import CSRF, errors_on, sign

FORM = re.compile(r"<form .*?</form>", re.DOTALL)


def _token(body: str) -> str:
    found = CSRF.search(body)
    assert found is not None
    return found.group(1)


def test_each_visitor_gets_the_same_page_with_their_own_working_token(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    pages = [client.get("/en/sign").get_data(as_text=True) for client in (first, second)]
    tokens = [_token(page) for page in pages]
    assert tokens[0] != tokens[1]
    assert SLOT not in pages[0]
    assert pages[0].replace(tokens[0], "T") == pages[1].replace(tokens[1], "T")
    # A token is good for its own session only.
    assert sign(first).status_code == 303
    stolen = second.post("/en/sign", data={"csrf_token": tokens[0], "name": "X"})
    assert stolen.status_code == 400


def test_the_copy_is_the_page_a_fresh_render_gives(app: Flask) -> None:
    client = app.test_client()
    copied = client.get("/en/sign").get_data(as_text=True)
    rendered = client.get("/en/sign?from=newsletter").get_data(as_text=True)  # not copied
    # The token carries a timestamp, so two requests a second apart differ there alone.
    forms = [FORM.findall(page.replace(_token(page), "T")) for page in (copied, rendered)]
    assert forms[0] == forms[1]
    assert len(forms[0]) == 1


def test_each_language_has_its_own_page(client: Any) -> None:
    english = client.get("/en/sign").get_data(as_text=True)
    french = client.get("/fr/sign").get_data(as_text=True)
    assert "Organisation name" in english
    assert "Nom de l’organisation" in french or "Nom de l'organisation" in french
    again = client.get("/en/sign").get_data(as_text=True)
    assert again.replace(_token(again), "T") == english.replace(_token(english), "T")


def test_a_visitor_with_a_message_waiting_sees_it(client: Any) -> None:
    client.get("/en/sign")  # the copy exists
    with client.session_transaction() as session:
        session["_flashes"] = [("warning", "Your link has expired; please sign again.")]
    page = client.get("/en/sign").get_data(as_text=True)
    assert "Your link has expired; please sign again." in page
    assert "Your link has expired" not in client.get("/en/sign").get_data(as_text=True)


def test_a_refused_form_is_rendered_with_its_errors_not_copied(client: Any) -> None:
    client.get("/en/sign")
    response = sign(client, name="")
    assert response.status_code == 400
    assert errors_on(response)
