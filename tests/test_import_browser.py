"""Importing the supporters who signed before the site, in a real browser: headless Chromium
(Debian's), driven by Playwright."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import PASSWORD, excel_csv, make_user

pytestmark = pytest.mark.system  # a browser

REGIONS = ("Bruxelles-Capitale", "Oost-Vlaanderen", "liege", "Antwerp", "Namur", "Hainaut")
KINDS = ("ONG ou association", "Vakbond", "NGO or association", "health", "Jeugdorganisatie")


def _excel_file(rows: int) -> bytes:
    """Rows in every spelling of kinds and regions the import accepts."""
    return excel_csv(
        f"Organisation {number:02d};{KINDS[number % len(KINDS)]};Ville {number};"
        f"{REGIONS[number % len(REGIONS)]};contact{number}@org.example;"
        f"{('fr', 'nl', 'en')[number % 3]};{number:02d}/03/2024"
        for number in range(1, rows + 1)
    )


def test_an_admin_imports_thirty_organisations_with_the_preview(
    browser: Any, site_factory: Any
) -> None:
    from playwright.sync_api import expect

    app, url = site_factory(COUNT_POLL_SECONDS=1)
    make_user(app, "coordinator@campaign.example", "admin")
    visitor = browser.new_page()  # someone has the home page open all along
    visitor.goto(f"{url}/en/")
    expect(visitor.locator("[data-count]")).to_have_text("0")

    page = browser.new_page()
    page.goto(f"{url}/moderate/login")
    page.get_by_label("Email address").fill("coordinator@campaign.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Import supporters").click()
    page.get_by_label("CSV file of supporters").set_input_files(
        {"name": "signed-by-email.csv", "mimeType": "text/csv", "buffer": _excel_file(30)}
    )
    page.get_by_label("How the organisations gave their consent").fill(
        "Signed by email to the coordinator, 2024"
    )
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of the import")
    table = page.get_by_role("table", name="What will happen to each row")
    expect(table.locator("tbody tr")).to_have_count(30)
    expect(table.get_by_text("Imported and published")).to_have_count(30)
    expect(table.get_by_text("Liège")).to_have_count(5)  # "liege" read as the region
    expect(visitor.locator("[data-count]")).to_have_text("0")  # the preview changed nothing
    page.get_by_role("button", name="Import 30 organisations").click()

    expect(page.get_by_role("status")).to_contain_text("30 organisations imported")
    expect(visitor.locator("[data-count]")).to_have_text("30", timeout=10_000)
    page.goto(f"{url}/en/supporters")
    expect(page.get_by_text("Organisation 07")).to_be_visible()
    expect(page.get_by_text("contact7@org.example")).to_have_count(0)
    visitor.close()
    page.close()
