"""RMA numbers: format, randomness, and reading back what customers type."""
from __future__ import annotations

import pytest

from common.identifiers import ALPHABET, new_rma, normalize_rma


def test_new_rmas_have_the_format_and_do_not_repeat():
    rmas = {new_rma() for _ in range(2000)}
    assert len(rmas) == 2000
    for rma in rmas:
        assert normalize_rma(rma) == rma
        assert set(rma[2:6] + rma[7:]) <= set(ALPHABET)


@pytest.mark.parametrize("typed,expected", [
    ("r 7k4m-2qx9", "R-7K4M-2QX9"), ("R7K4M2QX9", "R-7K4M-2QX9"), ("RMA R-7K4M-2QX9", "R-7K4M-2QX9"),
    ("RMA 7K4M2QX9", "R-7K4M-2QX9"), ("R-MA12-3456", "R-MA12-3456"), ("r-ma12-3456", "R-MA12-3456"),
    ("R-7K4M-2QXO", "R-7K4M-2QX0"),  # O typed for zero
])
def test_typed_forms(typed, expected):
    assert normalize_rma(typed) == expected


@pytest.mark.parametrize("typed", ["BM-100001", "R-7K4M", "hello", "", "R-7K4M-2QX9-EXTRA"])
def test_not_rmas(typed):
    assert normalize_rma(typed) is None
