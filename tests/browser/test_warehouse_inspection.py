"""The inspection page (/warehouse/returns/{rma}) in a real headless Chromium against the
backend alone: a French warehouse account opens a received return (from the sign-in page,
which brings them back to it), reads the customer's reason beside the grade buttons, is told
to grade every line, grades the as-new shoes A, and sees them go back to stock with the
rule that decided it; then overrides that disposition with a reason. A return still on its
way is not inspectable: the page says so. A damaged shirt goes to refurbishing, and leaves
the refurbishing queue for the grade B stock when done."""
from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.warehouse_backend import (ALICE, DAN, csp_violations, customer_return, sign_in, staff_api,
                                             warehouse_backend)
from tests.backend.test_api_returns import jpeg_bytes
from tests.live_backend import ThreadedBackend


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Iterator[ThreadedBackend]:
    yield from warehouse_backend(tmp_path_factory, "warehouse-inspection")


def received(backend: ThreadedBackend, rma: str) -> dict:
    """The parcel scanned at the dock and counted (through the warehouse API)."""
    opened = staff_api(backend, "POST", "/api/v1/warehouse/scan", json={"code": rma})
    assert opened.status_code == 200, opened.text
    lines = [{"line_id": l["id"], "received_quantity": l["quantity"]} for l in opened.json()["lines"]]
    receipt = staff_api(backend, "POST", f"/api/v1/warehouse/returns/{rma}/receipt",
                        json={"lines": lines, "unexpected": [], "note": None})
    assert receipt.status_code == 200, receipt.text
    return receipt.json()


def test_as_new_shoes_are_graded_go_back_to_stock_and_the_disposition_is_overridden(open_browser, backend):
    _, shoes = customer_return(backend, DAN, "SNKR-LTH-WHT-43", reason_text="Too narrow for me")
    rma = shoes["rma"]
    view = received(backend, rma)
    assert view["status"] == "received"
    _, page = open_browser("fr-FR")
    complaints = csp_violations(page)
    sign_in(page, backend, f"/warehouse/returns/{rma}", "lea@shop.example", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspection")
    expect(page.locator("#return-rma")).to_have_text(rma)
    line = page.locator(".inspect-line")
    expect(line).to_have_count(1)
    expect(page.locator("#inspection")).not_to_contain_text("null")
    expect(line).to_contain_text("SNKR-LTH-WHT-43")
    expect(line.locator(".reason")).to_have_text("j'ai changé d'avis")
    expect(line.locator(".reason-text")).to_have_text("Too narrow for me")
    expect(line).to_contain_text("Reçu : 1 sur 1")
    expect(line.locator(".grade")).to_have_count(5)

    page.get_by_role("button", name="Enregistrer l'inspection").click()  # no grade yet
    expect(page.locator("#errors .error")).to_contain_text("Choisissez une note pour chaque ligne.")
    page.get_by_role("button", name="Fermer").click()

    line.get_by_label("A · comme neuf").check()
    line.get_by_label("Notes d'inspection").fill("Semelles propres, boîte d'origine")
    # The inspector's photo, taken before recording: the grading already chosen stays.
    line.get_by_label("Ajouter une photo de").set_input_files(
        {"name": "semelle.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()})
    photo = line.locator(".warehouse-photos img.thumb")
    expect(photo).to_have_count(1)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    expect(line.get_by_label("A · comme neuf")).to_be_checked()
    page.get_by_role("button", name="Enregistrer l'inspection").click()
    expect(page.locator("#inspection-notice")).to_have_text("Inspection enregistrée.")
    result = page.locator(".inspect-line .disposition")
    expect(result.locator(".disposition-name")).to_have_text("remise en stock")
    expect(result.locator(".explanation")).to_contain_text("Règle « ")  # why: the rule, its file and line
    expect(page.locator("#inspection-form")).to_have_count(0)  # inspected: no second grading
    graded = staff_api(backend, "GET", f"/api/v1/warehouse/returns/{rma}").json()["lines"][0]
    assert graded["grade"] == "A" and graded["disposition"] == "restock"
    assert graded["inspection_notes"] == "Semelles propres, boîte d'origine"
    assert len(graded["warehouse_photos"]) == 1
    stock = result.locator(".stock")
    expect(stock).to_contain_text("Stock de SNKR-LTH-WHT-43 maintenant : ")
    on_hand = staff_api(backend, "GET", "/api/v1/inventory/SNKR-LTH-WHT-43").json()["on_hand"]
    expect(stock).to_contain_text(f"maintenant : {on_hand} vendables")

    result.locator("summary").click()  # "Modifier la destination"
    form = result.locator("form.override")
    form.get_by_label("Nouvelle destination").select_option("resale_hold")
    form.get_by_label("Pourquoi (5 caractères au moins)").fill("Boîte abîmée : vente en outlet")
    form.get_by_role("button", name="Modifier").click()
    expect(page.locator(".disposition-name")).to_have_text("déstockage (revente en attente)")
    overridden = staff_api(backend, "GET", f"/api/v1/warehouse/returns/{rma}").json()["lines"][0]
    assert overridden["disposition"] == "resale_hold"
    expect(page.locator(".overrides")).to_contain_text("remise en stock → déstockage (revente en attente)")
    expect(page.locator(".stock")).to_contain_text("déstockage : 1")
    assert complaints == []


def test_a_return_on_its_way_is_not_inspectable_yet(open_browser, backend):
    _, lamp = customer_return(backend, ALICE, "LAMP-TBL-BRS")
    _, page = open_browser("en-GB")
    sign_in(page, backend, f"/warehouse/returns/{lamp['rma']}", "wes@shop.example", "en")
    expect(page.locator(".warning")).to_contain_text("Not received yet")
    expect(page.locator("#inspection-form")).to_have_count(0)
    page.get_by_role("link", name="Back to the dock").click()
    expect(page.locator("#scan")).to_be_focused()


def test_a_damaged_shirt_is_refurbished_then_sent_to_the_grade_b_stock(open_browser, backend):
    _, shirt = customer_return(backend, ALICE, "SHIRT-LIN-WHT-M")
    received(backend, shirt["rma"])
    _, page = open_browser("en-GB")
    sign_in(page, backend, f"/warehouse/returns/{shirt['rma']}", "wes@shop.example", "en")
    page.locator(".inspect-line").get_by_label("C · damaged, repairable").check()
    page.get_by_role("button", name="Record the inspection").click()
    expect(page.locator(".disposition-name")).to_have_text("refurbishing")
    before = staff_api(backend, "GET", "/api/v1/inventory/SHIRT-LIN-WHT-M").json()["by_state"]

    page.get_by_role("link", name="Refurbishing").click()
    row = page.locator(".refurbish-item[data-sku='SHIRT-LIN-WHT-M']")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(shirt["rma"])
    expect(row).to_contain_text("C · damaged, repairable")
    row.get_by_role("button", name="Done: to grade B stock").click()
    expect(page.locator("#refurbish-notice")).to_have_text(f"SHIRT-LIN-WHT-M ({shirt['rma']}) sent on: grade B stock.")
    expect(row).to_have_count(0)
    after = staff_api(backend, "GET", "/api/v1/inventory/SHIRT-LIN-WHT-M").json()["by_state"]
    assert after.get("sellable_b", 0) == before.get("sellable_b", 0) + 1
    assert after.get("refurbish", 0) == before.get("refurbish", 0) - 1
