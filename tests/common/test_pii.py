"""Masking emails and phone numbers without touching the shop's own identifiers."""
from __future__ import annotations

import pytest

from common.pii import mask_contact, mask_email, mask_phone, mask_text


def test_mask_email_keeps_first_letter_and_domain():
    assert mask_email("camille.martin@example.com") == "c***@example.com"
    assert mask_contact("camille.martin@example.com") == "c***@example.com"


def test_mask_phone_keeps_the_last_two_digits():
    assert mask_phone("+33639981234") == "***34"
    assert mask_phone("06 39 98 12 34") == "***34"
    assert mask_contact("+1 (555) 123-4567") == "***67"
    assert mask_phone("") == "***"


@pytest.mark.parametrize("raw, masked", [
    ("camille.martin@example.com", "c***@example.com"),
    ("write to Jean.Dupont+returns@mail.example.fr please", "write to J***@mail.example.fr please"),
    ("mailto:a@b.co", "mailto:a***@b.co"),
    ("/api?email=camille%40example.com", "/api?email=c***%40example.com"),
    ("+33639981234", "***34"),
    ("sms:+33639981234", "sms:***34"),
    ("+33 6 39 98 12 34", "***34"),
    ("+33 (0)6 39 98 12 34", "***34"),
    ("+1 (555) 123-4567", "***67"),
    ("+447700900123.", "***23."),
    ("0639981234", "***34"),
    ("06 39 98 12 34", "***34"),
    ("06.39.98.12.34", "***34"),
    ("06-39-98-12-34", "***34"),
    ("0033 6 39 98 12 34", "***34"),
    ("(555) 123-4567", "***67"),
    ("tel:0639981234,", "tel:***34,"),
    ("0639981234,+447700900123", "***34,***23"),
    ("GET /api/v1/sms/opt-outs/%2B33639981234 HTTP/1.1", "GET /api/v1/sms/opt-outs/***34 HTTP/1.1"),
    ("appelez le 06 39 98 12 34 ou écrivez à léa@example.fr",
     "appelez le ***34 ou écrivez à l***@example.fr"),
])
def test_mask_text_masks_emails_and_phones(raw, masked):
    assert mask_text(raw) == masked


@pytest.mark.parametrize("text", [
    "order BM-100001", "BM100001", "bm 104217", "#104217", "order BM-1042170000",
    "RMA R-7K4M-2QX9", "r-7k4m-2qx9",
    "€49.90", "49,90 €", "1 234,50 €", "$1,234,567.89", "refund 4990 EUR", "12345678 cents",
    "2024-05-01", "01/05/2024", "05.01.2024", "2026-12-05 01:25:24,123", "2024-05-01T12:30:00Z",
    "12:30", "Started server process [12345]", "127.0.0.1:54321 - \"GET /health HTTP/1.1\" 200",
    "client 10.100.200.123 connected", "ph_Xk3f9a0123456789", "SM0123456789abcdef0123456789abcdef",
    "550e8400-e29b-41d4-a716-446655440000", "3.14159265358979", "sha 123456789abcdef",
    "size 38, qty 2, SKU TSHIRT-BLK-M-123456789",
])
def test_mask_text_leaves_identifiers_prices_and_dates_alone(text):
    assert mask_text(text) == text


def test_customer_words_around_the_contact_stay_intact():
    said = "Hi, my parcel BM-100001 arrived torn (R-7K4M-2QX9, 49.90 €, 2024-05-01). " \
           "Call me on +33 6 39 98 12 34 or camille.martin@example.com."
    assert mask_text(said) == ("Hi, my parcel BM-100001 arrived torn (R-7K4M-2QX9, 49.90 €, 2024-05-01). "
                               "Call me on ***34 or c***@example.com.")
