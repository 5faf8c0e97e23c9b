"""core.numbers: how numbers are written in messages, pages and PDFs."""
from decimal import Decimal

import pytest

from core.numbers import number_text, percent_text


@pytest.mark.parametrize(("value", "text"), [
    (200, "200"), (200.0, "200"), (Decimal("300.00"), "300"), (0.3, "0.3"), (Decimal("0.070"), "0.07"),
    (199.5, "199.5"), (1e-05, "0.00001"), (1234567.5, "1234567.5"), (-3.0, "-3"), (float("inf"), "inf"),
])
def test_number_as_people_write_it(value, text):
    assert number_text(value) == text


@pytest.mark.parametrize(("ratio", "text"), [
    (0.3, "30%"), (Decimal("0.5"), "50%"), (0.07, "7%"), (0.12345, "12.3%"), (0.999, "99.9%"), (1, "100%"), (0, "0%"),
])
def test_ratio_as_percent(ratio, text):
    assert percent_text(ratio) == text


def test_percent_to_whole_numbers_keeps_its_zeros():
    assert percent_text(1.0, places=0) == "100%" and percent_text(Decimal("1"), places=0) == "100%"


def test_yes_no_is_not_a_number():
    with pytest.raises(TypeError):
        number_text(True)
