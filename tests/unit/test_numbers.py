"""core.numbers: how numbers are written in messages, pages and PDFs."""
from decimal import Decimal

import pytest

from core.numbers import number_text, percent_text, size_text


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


@pytest.mark.parametrize(("ratio", "limit", "text"), [
    (0.0999, 0.1, "9.99%"), (0.09999, 0.1, "9.999%"), (0.1001, 0.1, "10.01%"), (0.3004, 0.3, "30.04%"),
    (0.1, 0.1, "10%"), (0.0951, 0.1, "9.5%"), (Decimal("0.0999"), Decimal("0.1"), "9.99%"),
])
def test_a_percent_compared_with_a_limit_never_prints_as_the_limit(ratio, limit, text):
    assert percent_text(ratio, apart_from=limit) == text


def test_yes_no_is_not_a_number():
    with pytest.raises(TypeError):
        number_text(True)


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 B"), (45, "45 B"), (1023, "1023 B"), (1024, "1 KB"), (12800, "12.5 KB"),
    (10 * 1024 * 1024, "10 MB"), (3355443, "3.2 MB"),
])
def test_file_size_in_units_read_alike_in_chinese_and_english(size, text):
    assert size_text(size) == text
