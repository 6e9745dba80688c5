"""The dock (/warehouse) in a real headless Chromium against the backend alone: a warehouse
account signs in and lands on the dock; a keyboard-wedge scanner "types" a label's RMA and
Enter (keyboard events into the focused field, as the scanner does); the return opens with
its lines; item SKUs scanned the same way count the lines, an unknown code becomes an
unexpected item; the receipt is confirmed with one item missing; a cancelled parcel and an
unknown label are refused in the page's language; a carrier scan puts a parcel in transit
and the dock then receives it."""
from __future__ import annotations

import re
from typing import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.warehouse_backend import (ALICE, DAN, PASSWORD, csp_violations, customer_return, sign_in, staff_api,
                                             warehouse_backend)
from tests.live_backend import ThreadedBackend


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Iterator[ThreadedBackend]:
    yield from warehouse_backend(tmp_path_factory, "warehouse-dock")


def scan(page: Page, code: str) -> None:
    """What a keyboard-wedge scanner does: keystrokes into the focused field, then Enter."""
    expect(page.locator("#scan")).to_be_focused()
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def test_a_warehouse_account_lands_on_the_dock_after_signing_in(open_browser, backend):
    _, page = open_browser("en-GB")
    page.goto(f"{backend.url}/agent/login?lang=en")
    page.get_by_label("Email").fill("wes@shop.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/warehouse\?lang=en$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dock: receiving")
    expect(page.locator("#staff-role")).to_have_text("Role: Warehouse")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/agent/login\?lang=en$"))


def test_a_scanned_label_opens_the_return_and_items_are_counted_and_received(open_browser, backend):
    _, created = customer_return(backend, ALICE, "SHIRT-LIN-WHT-M")
    _, lamp = customer_return(backend, ALICE, "LAMP-TBL-BRS")
    assert created["status"] == "label_issued" and lamp["status"] == "label_issued"
    rma = created["rma"]
    _, page = open_browser("en-GB")
    complaints = csp_violations(page)
    sign_in(page, backend, "/warehouse", "wes@shop.example", "en")

    scan(page, "R-0000-0000")  # a label that is none of ours
    expect(page.locator("#errors .error")).to_have_count(1)
    expect(page.locator("#parcel-rma")).to_have_count(0)

    scan(page, rma.lower())  # scanners may type lower case
    expect(page.locator("#parcel-rma")).to_have_text(rma)
    expect(page.locator("#errors .error")).to_have_count(0)
    expect(page.locator("#parcel")).not_to_contain_text("null")
    expect(page.locator("#parcel-status")).to_have_text("Parcel received at our warehouse")  # at the dock now
    row = page.locator("#lines tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("SHIRT-LIN-WHT-M")
    expect(row).to_contain_text("changed my mind")
    expect(row.locator(".expected")).to_have_text("1")
    expect(row.locator("input.count")).to_have_value("0")
    expect(page.locator("#scan-label")).to_have_text("Scan an item's SKU (or type it) and press Enter")
    assert rma in page.url  # a reload keeps the parcel open

    scan(page, "shirt-lin-wht-m")
    expect(row.locator("input.count")).to_have_value("1")
    expect(page.locator("#scan-notice")).to_have_text("SHIRT-LIN-WHT-M: 1 of 1")
    scan(page, "SHIRT-LIN-WHT-M")  # one more than expected: an unexpected item
    expect(row.locator("input.count")).to_have_value("1")
    scan(page, "CABLE-USB-C")  # not in this return
    expect(page.locator("#unexpected-list li")).to_have_count(2)
    expect(page.locator("#unexpected-list")).to_contain_text("CABLE-USB-C")
    page.get_by_role("button", name="Remove").first.click()  # the extra shirt was a miscount
    expect(page.locator("#unexpected-list li")).to_have_count(1)
    page.get_by_role("button", name="One less").click()  # by hand: the shirt is missing after all
    expect(row.locator("input.count")).to_have_value("0")

    page.get_by_role("button", name="Confirm receipt").click()
    # A unit not counted: the first press only warns; nothing is recorded yet.
    expect(page.locator("#receipt-outcome")).to_contain_text("1 unit(s) not counted")
    assert staff_api(backend, "GET", f"/api/v1/warehouse/returns/{rma}").json()["lines"][0]["received_quantity"] is None
    page.get_by_role("button", name="Confirm with 1 missing").click()
    expect(page.locator("#receipt-outcome")).to_have_text(
        "Receipt recorded: 0 of 1 units. Missing: 1 unit(s); the refund is reduced for them.")
    expect(page.locator("#recorded-unexpected")).to_contain_text("CABLE-USB-C ×1")
    view = staff_api(backend, "GET", f"/api/v1/warehouse/returns/{rma}").json()
    assert view["status"] == "received" and view["lines"][0]["received_quantity"] == 0
    assert view["lines"][0]["refund_reduction_reason"] == "missing_items"
    assert [u["code"] for u in view["unexpected_items"]] == ["CABLE-USB-C"]

    # A recount: the shirt was under the lamp's box.
    scan(page, "SHIRT-LIN-WHT-M")
    page.get_by_role("button", name="Confirm receipt").click()
    expect(page.locator("#receipt-outcome")).to_have_text("Receipt recorded: 1 of 1 units.")
    link = page.get_by_role("link", name="Inspect this return")
    expect(link).to_have_attribute("href", f"/warehouse/returns/{rma}?lang=en")

    # The next parcel: the lamp, scanned while the shirt's return is still open.
    scan(page, lamp["rma"])
    expect(page.locator("#parcel-rma")).to_have_text(lamp["rma"])
    expect(page.locator("#lines tbody tr")).to_contain_text("LAMP-TBL-BRS")
    assert complaints == []


def test_a_cancelled_parcel_is_refused_in_french(open_browser, backend):
    customer, created = customer_return(backend, DAN, "SNKR-LTH-WHT-43")
    cancelled = httpx.post(f"{backend.url}/api/v1/returns/{created['rma']}/cancel", headers=customer)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled", cancelled.text
    _, page = open_browser("fr-FR")
    sign_in(page, backend, "/warehouse", "lea@shop.example", "fr")
    expect(page.locator("#scan-label")).to_have_text("Scannez l'étiquette du colis (ou tapez son RMA) puis Entrée")
    scan(page, created["rma"])
    error = page.locator("#errors .error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("annul")  # the API's French words: do not accept a cancelled parcel
    expect(page.locator("#parcel-rma")).to_have_count(0)
    page.get_by_role("button", name="Fermer").click()
    expect(error).to_have_count(0)


def test_a_carrier_scan_puts_a_parcel_in_transit_and_the_dock_then_receives_it(open_browser, backend):
    _, created = customer_return(backend, ("BM-100002", "ben.carter@example.com"), "EARB-WLS-BLK")
    assert created["status"] == "label_issued", created
    rma = created["rma"]
    _, page = open_browser("en-GB")
    sign_in(page, backend, "/warehouse", "wes@shop.example", "en")
    page.get_by_text("Carrier scan: the carrier has a parcel").click()
    page.get_by_label("RMA of the parcel").fill(rma.lower())
    page.get_by_label("Where it was seen (optional)").fill("drop-off receipt, Relais Bastille")
    page.get_by_role("button", name="Mark in transit").click()
    expect(page.locator("#carrier-outcome")).to_have_text(f"{rma}: Parcel on its way to us.")
    view = staff_api(backend, "GET", f"/api/v1/warehouse/returns/{rma}").json()
    assert view["status"] == "in_transit"
    assert view["history"][-1]["note"] == "drop-off receipt, Relais Bastille"

    page.get_by_label("RMA of the parcel").fill(rma)  # once is enough: the label is no longer just issued
    page.get_by_role("button", name="Mark in transit").click()
    expect(page.locator("#errors .error")).to_have_count(1)
    page.get_by_role("button", name="Dismiss").click()

    page.locator("#scan").focus()
    scan(page, rma)  # the parcel arrives at the dock
    expect(page.locator("#parcel-status")).to_have_text("Parcel received at our warehouse")
