"""The printed return label: right size, scannable barcodes, readable text, any name.

The barcodes are checked the way a warehouse would meet them: the PDF is rasterised at
printer resolutions and decoded by a real barcode reader (zxing-cpp), so a label that
merely *contains* a barcode drawing but does not scan fails here.
"""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp

from backend.adapters.carriers.base import Address
from backend.documents.label_pdf import (
    DEFAULT_INSTRUCTIONS,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    pdf_safe_text,
    render_return_label,
)

RMA = "RMA-7K3Q9XWZ"
TRACKING = "BMR048213957306"

CUSTOMER = Address(
    name="Zoé Françoise Müller",
    line1="12 rue de l'Église",
    line2="Bâtiment C",
    city="Saint-Étienne",
    postcode="42000",
    country="fr",
)
WAREHOUSE = Address(
    name="Boomerang Returns",
    line1="Unit 4, Zone Industrielle Nord",
    city="Lyon",
    postcode="69007",
    country="FR",
)


def render(**overrides: object) -> bytes:
    kwargs: dict = {
        "rma": RMA,
        "from_address": CUSTOMER,
        "to_address": WAREHOUSE,
        "carrier": "local",
        "tracking_number": TRACKING,
        "reference": "Order #10452",
    }
    kwargs.update(overrides)
    return render_return_label(**kwargs)


def decode(pdf: bytes, dpi: int = 300) -> dict[str, list[str]]:
    """Rasterise page 1 and return decoded texts keyed by barcode format name."""
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=dpi / 72).to_pil()
    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(image):
        found.setdefault(result.format.name, []).append(result.text)
    return found


def page_text(pdf: bytes) -> str:
    """All text on page 1, whitespace (incl. line breaks from wrapping) collapsed."""
    page = pdfium.PdfDocument(pdf)[0]
    return " ".join(page.get_textpage().get_text_range().split())


@pytest.mark.parametrize("dpi", [200, 300])
def test_code128_and_qr_both_decode_to_exactly_the_rma(dpi: int) -> None:
    found = decode(render(), dpi)
    assert found.get("Code128") == [RMA]
    assert found.get("QRCode") == [RMA]


@pytest.mark.parametrize("rma", ["RMA-2024-0001234", "1234567890123456", "R7"])
def test_barcodes_decode_for_other_rma_shapes(rma: str) -> None:
    # 16 characters is the longest RMA the database holds; all digits switches Code 128
    # to its numeric code set, a different bar pattern path.
    found = decode(render(rma=rma), 200)
    assert found.get("Code128") == [rma]
    assert found.get("QRCode") == [rma]


def test_page_is_exactly_4_by_6_inches() -> None:
    doc = pdfium.PdfDocument(render())
    assert len(doc) == 1
    width, height = doc[0].get_size()
    assert (width, height) == pytest.approx((288.0, 432.0))
    assert (PAGE_WIDTH, PAGE_HEIGHT) == (288.0, 432.0)


def test_label_text_carries_tracking_rma_addresses_and_bilingual_instructions() -> None:
    text = page_text(render())
    assert TRACKING in text
    assert RMA in text
    assert "Order #10452" in text
    assert "LOCAL" in text
    assert "Boomerang Returns" in text and "69007 LYON" in text
    assert "Drop off at any post office" in text
    assert "Déposez le colis dans n'importe quel bureau de poste" in text
    assert "FROM / DE" in text and "TO / À" in text


def test_latin1_accents_render_as_themselves() -> None:
    text = page_text(render())
    # Not sanitised away: Helvetica/WinAnsi has these glyphs.
    for expected in ("Zoé Françoise Müller", "12 rue de l'Église", "Bâtiment C", "42000 SAINT-ÉTIENNE"):
        assert expected in text


def test_characters_outside_winansi_are_replaced_instead_of_crashing() -> None:
    customer = Address(
        name="Łukasz Đorđević 山田",
        line1="ul. Świętokrzyska 5\u200b",
        city="Kraków",
        postcode="00-001",
        country="PL",
    )
    pdf = render(from_address=customer, reference="Zamówienie №7")
    text = page_text(pdf)
    assert "Lukasz Dordevic ??" in text
    assert "ul. Swietokrzyska 5" in text
    assert "00-001 KRAKÓW" in text  # Ó is Latin-1 and stays
    assert decode(pdf, 200).get("Code128") == [RMA]


def test_pdf_safe_text() -> None:
    assert pdf_safe_text("Zoé  Garçon\nMüller") == "Zoé Garçon Müller"
    assert pdf_safe_text("Łódź") == "Lódz"  # ó is Latin-1; Ł and ź are not
    assert pdf_safe_text("€ œ ß") == "€ œ ß"  # in cp1252, kept
    assert pdf_safe_text("東京") == "??"
    assert pdf_safe_text("a\x00b\u200bc") == "abc"


def test_custom_instructions_replace_the_default() -> None:
    text = page_text(render(instructions="Hand it to the courier at your door"))
    assert "Hand it to the courier at your door" in text
    assert "post office" not in text
    assert DEFAULT_INSTRUCTIONS.startswith("Drop off at any post office")


def test_very_long_address_stays_on_the_page_and_off_the_barcodes() -> None:
    long = Address(
        name="Maximilian Alexander Konstantin von Hohenzollern-Sigmaringen der Dritte",
        line1="1234 Extraordinarily Long Boulevard Name That Never Ends Avenue Nord-Est",
        line2="Résidence des Très Longues Adresses, Bâtiment Z, Escalier 12, Porte 345",
        city="Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
        postcode="LL61 5UJ",
        country="GB",
    )
    pdf = render(from_address=long, to_address=long, reference="x" * 200, tracking_number="9" * 34)
    found = decode(pdf, 200)
    assert found.get("Code128") == [RMA]
    assert found.get("QRCode") == [RMA]
    page = pdfium.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    for index in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(index)
        assert 0 <= left and right <= PAGE_WIDTH and 0 <= bottom and top <= PAGE_HEIGHT


def test_output_is_deterministic_and_small() -> None:
    first, second = render(), render()
    assert first.startswith(b"%PDF-")
    assert first == second
    assert len(first) < 200 * 1024


@pytest.mark.parametrize("rma", ["", "   ", "RMA 12", "RMA-É"])
def test_rma_that_cannot_be_barcoded_is_refused(rma: str) -> None:
    with pytest.raises(ValueError):
        render(rma=rma)
