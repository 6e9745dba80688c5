"""Render the printable 4x6 inch return label.

The label is the one physical artefact of a return: it is printed on a home inkjet or on a
post-office thermal printer, scanned at a counter and again at the warehouse. Hence:

* the page is exactly 4x6 inches (288x432 pt), the size every label printer takes;
* barcodes are drawn as vector rectangles (the Code 128 bar pattern comes from
  python-barcode, the QR matrix from qrcode), not pasted as bitmaps, so they are sharp at
  any print resolution and the file stays a few kilobytes; bar widths are whole dots of a
  203 dpi thermal printer so no bar gets rounded thinner than its neighbours;
* the RMA appears three times (large text, Code 128, QR) so a parcel can be matched by a
  handheld scanner, a phone camera or a person reading it;
* only reportlab's built-in Helvetica is used (no font files to ship), whose WinAnsi
  encoding covers Latin-1 names such as "Zoé Françoise Müller"; characters outside it are
  transliterated or replaced instead of crashing the request;
* output is deterministic for the same input (reportlab's invariant mode), which keeps
  stored labels diffable and tests stable.
"""
from __future__ import annotations

import io
import unicodedata
from typing import Iterable, Protocol, Sequence, Tuple

import qrcode
from barcode import Code128
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas


class Address(Protocol):
    """What the label prints of an address (the carriers' ``Address`` has these fields).

    A protocol rather than an import: documents sit below the adapters that use them
    (the local carrier draws its labels here), so this module imports nothing of backend.
    """

    @property
    def name(self) -> str: ...
    @property
    def line1(self) -> str: ...
    @property
    def line2(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def postcode(self) -> str: ...
    @property
    def country(self) -> str: ...


PAGE_WIDTH = 288.0  # 4 in
PAGE_HEIGHT = 432.0  # 6 in
MARGIN = 12.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

DEFAULT_INSTRUCTIONS = (
    "Drop off at any post office / "
    "Déposez le colis dans n'importe quel bureau de poste"
)

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"

# One dot of a 203 dpi thermal printer, the most common label printer resolution.
_PRINTER_DOT = 72.0 / 203.0
_MAX_BAR_MODULE = 5 * _PRINTER_DOT  # ~1.77 pt: wider bars only waste space
_MIN_BAR_MODULE = 2 * _PRINTER_DOT  # below this a cheap printer cannot render the bars
_BAR_QUIET_MODULES = 10  # Code 128 requires 10 modules of white either side

# Characters Helvetica/WinAnsi lacks but that have an obvious ASCII spelling; NFKD handles
# everything with a combining accent (e.g. "ő" -> "o"), these do not decompose.
_TRANSLITERATIONS = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i",
    "Ŧ": "T", "ŧ": "t", "ĸ": "k", "Ŋ": "N", "ŋ": "n", "ſ": "s",
    "‐": "-", "‑": "-", "‒": "-", "―": "-", "′": "'", "″": '"',
}


def pdf_safe_text(text: str) -> str:
    """Return ``text`` limited to what Helvetica's WinAnsi (cp1252) encoding can show.

    Latin-1 letters pass unchanged; other letters lose their accent (NFKD) or are
    transliterated; anything still unprintable becomes ``?``. Control characters and line
    breaks become spaces so one address field stays on one line.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "\t\r\n\v\f" or unicodedata.category(ch) in ("Zl", "Zp", "Zs"):
            out.append(" ")
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        if _encodable(ch):
            out.append(ch)
            continue
        if ch in _TRANSLITERATIONS:
            out.append(_TRANSLITERATIONS[ch])
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        out.append(base if base and all(_encodable(c) for c in base) else "?")
    return " ".join("".join(out).split())


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _fit(text: str, font: str, size: float, max_width: float, min_size: float) -> tuple[str, float]:
    """Shrink ``text`` to ``max_width``: first the font size (down to ``min_size``), then
    by cutting it with an ellipsis, so a long street name never runs off the label."""
    while size > min_size and stringWidth(text, font, size) > max_width:
        size = max(min_size, size - 0.5)
    if stringWidth(text, font, size) <= max_width:
        return text, size
    ellipsis = "…"
    while text and stringWidth(text + ellipsis, font, size) > max_width:
        text = text[:-1]
    return text.rstrip() + ellipsis, size


def _fit_lines(
    text: str, font: str, size: float, max_width: float, min_size: float, max_lines: int = 2
) -> tuple[list[str], float]:
    """Like :func:`_fit`, but wrap onto up to ``max_lines`` lines before cutting anything:
    a truncated street or city on a postal label is worse than a line break."""
    while size > min_size and stringWidth(text, font, size) > max_width:
        size = max(min_size, size - 0.5)
    if stringWidth(text, font, size) <= max_width:
        return [text], size
    lines = simpleSplit(text, font, size, max_width)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return [_fit(line, font, size, max_width, size)[0] for line in lines], size


def _address_lines(address: Address) -> list[str]:
    lines = [address.name, address.line1, address.line2]
    lines.append(f"{address.postcode} {address.city.upper()}")
    lines.append(address.country.upper())
    return [pdf_safe_text(line) for line in lines if line and line.strip()]


def _validate_rma(rma: str) -> str:
    """The RMA goes into Code 128, which only carries printable ASCII."""
    rma = rma.strip()
    if not rma:
        raise ValueError("rma must not be empty")
    if not all(32 < ord(c) < 127 for c in rma):
        raise ValueError(f"rma must be printable ASCII without spaces, got {rma!r}")
    return rma


def _code128_modules(data: str) -> str:
    """The Code 128 bar pattern ('1' = bar module, '0' = space module), checksum included."""
    return Code128(data).build()[0]


def _qr_matrix(data: str) -> list[list[bool]]:
    qr = qrcode.QRCode(
        version=None,
        error_correction=qrcode.constants.ERROR_CORRECT_M,  # survives a crease or a smudge
        border=0,  # the quiet zone is left free by the layout instead
    )
    qr.add_data(data)
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]


def _runs(bits: Sequence[bool] | str) -> Iterable[tuple[int, int]]:
    """(start, length) of each run of dark modules, so one bar is one rectangle."""
    start: int | None = None
    for i, bit in enumerate(bits):
        dark = bit == "1" if isinstance(bit, str) else bool(bit)
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            yield start, i - start
            start = None
    if start is not None:
        yield start, len(bits) - start


def _draw_code128(c: Canvas, data: str, *, x_center: float, y: float, height: float, max_width: float) -> None:
    modules = _code128_modules(data)
    total = len(modules) + 2 * _BAR_QUIET_MODULES
    dots = int((max_width / total) / _PRINTER_DOT)
    module = min(_MAX_BAR_MODULE, dots * _PRINTER_DOT)
    if module < _MIN_BAR_MODULE:
        raise ValueError(f"rma {data!r} is too long to print as a readable barcode")
    x0 = x_center - len(modules) * module / 2
    c.setFillColorRGB(0, 0, 0)
    for start, length in _runs(modules):
        c.rect(x0 + start * module, y, length * module, height, stroke=0, fill=1)


def _draw_qr(c: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    matrix = _qr_matrix(data)
    n = len(matrix)
    module = size / n
    c.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        for start, length in _runs(row):
            c.rect(x + start * module, top, length * module, module, stroke=0, fill=1)


_Row = Tuple[str, float, str]  # (font, size, text) of one printed line

# Address sizes to try, largest first: (from_name, from_line, to_name, to_line, max_lines).
# The last step always fits (five one-line fields per address), so a pathological address
# shrinks its own blocks instead of overprinting the barcodes.
_ADDRESS_LADDER: tuple[tuple[float, float, float, float, int], ...] = (
    (8.5, 8.0, 12.0, 11.0, 2),
    (8.0, 7.5, 10.5, 9.5, 2),
    (7.0, 6.5, 9.0, 8.5, 2),
    (7.0, 6.5, 9.0, 8.5, 1),
    (6.5, 6.0, 7.5, 7.0, 1),
)
_HEADING_SIZE = 7.0


def _address_rows(address: Address, name_size: float, size: float, max_lines: int) -> list[_Row]:
    rows: list[_Row] = []
    width = CONTENT_WIDTH - 12
    for i, line in enumerate(_address_lines(address)):
        font = FONT_BOLD if i == 0 else FONT
        wanted = name_size if i == 0 else size
        texts, fitted = _fit_lines(line, font, wanted, width, max(6.0, wanted * 0.75), max_lines)
        rows.extend((font, fitted, text) for text in texts)
    return rows


def _block_height(rows: list[_Row]) -> float:
    return _HEADING_SIZE + 3 + sum(size + 2 for _, size, _ in rows) + 4


def _draw_address_block(c: Canvas, heading: str, rows: list[_Row], *, top: float) -> float:
    """Draw a heading and address rows from ``top`` down; return the y below the block."""
    left = MARGIN + 6
    c.setFont(FONT_BOLD, _HEADING_SIZE)
    y = top - _HEADING_SIZE
    c.drawString(left, y, heading)
    y -= 3
    for font, size, text in rows:
        y -= size + 2
        c.setFont(font, size)
        c.drawString(left, y, text)
    return y - 4


def render_return_label(
    *,
    rma: str,
    from_address: Address,
    to_address: Address,
    carrier: str,
    tracking_number: str,
    reference: str = "",
    instructions: str | None = None,
) -> bytes:
    """Render the 4x6 inch return label and return the PDF as bytes.

    ``from_address`` is the customer, ``to_address`` the returns warehouse (printed
    largest, as that is what the carrier reads). ``instructions`` replaces the default
    bilingual drop-off line. Raises ``ValueError`` when ``rma`` cannot be barcoded.
    """
    rma = _validate_rma(rma)
    buffer = io.BytesIO()
    c = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=True,  # no timestamps or random IDs: same input, same bytes
        pageCompression=1,
    )
    c.setTitle(f"Return label {rma}")
    c.setAuthor("Boomerang")
    c.setCreator("Boomerang")
    c.setSubject(f"Return {rma}")

    # Header band: what this is, and who carries it.
    band_h = 24.0
    band_y = PAGE_HEIGHT - MARGIN - band_h
    c.setFillColorRGB(0, 0, 0)
    c.rect(MARGIN, band_y, CONTENT_WIDTH, band_h, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont(FONT_BOLD, 12)
    c.drawString(MARGIN + 6, band_y + 8, "RETURN / RETOUR")
    carrier_text, carrier_size = _fit(
        pdf_safe_text(carrier).upper(), FONT_BOLD, 12, CONTENT_WIDTH / 2 - 12, 6
    )
    c.setFont(FONT_BOLD, carrier_size)
    c.drawRightString(PAGE_WIDTH - MARGIN - 6, band_y + 8, carrier_text)
    c.setFillColorRGB(0, 0, 0)

    # The lower half has fixed positions (barcodes must never move into each other);
    # the address blocks get whatever is left between the header band and it.
    qr_size = 78.0
    qr_x = MARGIN + 4
    qr_y = MARGIN + 4
    bar_h = 52.0
    bar_y = qr_y + qr_size + 16  # ≥ 4 QR modules of quiet zone above the QR code
    rma_baseline = bar_y + bar_h + 8
    rma_label_y = rma_baseline + 26
    rule_y = rma_label_y + 10
    tracking_y = rule_y + 8
    addresses_bottom = tracking_y + 14
    addresses_top = band_y - 4

    # Sender (the customer), small; recipient (the warehouse), large and boxed.
    for from_name, from_size, to_name, to_size, max_lines in _ADDRESS_LADDER:
        from_rows = _address_rows(from_address, from_name, from_size, max_lines)
        to_rows = _address_rows(to_address, to_name, to_size, max_lines)
        if _block_height(from_rows) + 4 + _block_height(to_rows) <= addresses_top - addresses_bottom:
            break
    to_top = _draw_address_block(c, "FROM / DE", from_rows, top=addresses_top)
    y = _draw_address_block(c, "TO / À", to_rows, top=to_top - 4)
    c.setLineWidth(2)
    c.rect(MARGIN, y, CONTENT_WIDTH, to_top - y, stroke=1, fill=0)

    # Tracking number.
    c.setFont(FONT, 8)
    c.drawString(MARGIN + 6, tracking_y, "Tracking / Suivi:")
    tracking_text, tracking_size = _fit(
        pdf_safe_text(tracking_number), FONT_BOLD, 11, CONTENT_WIDTH - 80, 6
    )
    c.setFont(FONT_BOLD, tracking_size)
    c.drawString(MARGIN + 74, tracking_y, tracking_text)
    c.setLineWidth(0.75)
    c.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)

    # The RMA: large text, then Code 128.
    c.setFont(FONT, 7)
    c.drawString(MARGIN + 6, rma_label_y, "RMA")
    rma_text, rma_size = _fit(rma, FONT_BOLD, 26, CONTENT_WIDTH - 12, 10)
    c.setFont(FONT_BOLD, rma_size)
    c.drawCentredString(PAGE_WIDTH / 2, rma_baseline, rma_text)
    _draw_code128(c, rma, x_center=PAGE_WIDTH / 2, y=bar_y, height=bar_h, max_width=CONTENT_WIDTH)

    # Bottom: QR code on the left, reference and instructions beside it (≥ 4 modules
    # of quiet zone between the QR code and the text).
    _draw_qr(c, rma, x=qr_x, y=qr_y, size=qr_size)
    text_left = qr_x + qr_size + 16
    text_width = PAGE_WIDTH - MARGIN - text_left
    text_y = qr_y + qr_size - 8
    if reference.strip():
        ref_text, ref_size = _fit(
            "Ref / Réf: " + pdf_safe_text(reference), FONT_BOLD, 9, text_width, 6
        )
        c.setFont(FONT_BOLD, ref_size)
        c.drawString(text_left, text_y, ref_text)
        text_y -= 14
    instruction_text = pdf_safe_text(DEFAULT_INSTRUCTIONS if instructions is None else instructions)
    # One language per paragraph: "A / B" is split so each reads on its own.
    lines = [
        line
        for part in instruction_text.split(" / ")
        for line in simpleSplit(part.strip(), FONT, 7.5, text_width)
    ]
    c.setFont(FONT, 7.5)
    for line in lines[:7]:
        c.drawString(text_left, text_y, line)
        text_y -= 9.5

    c.showPage()
    c.save()
    return buffer.getvalue()
