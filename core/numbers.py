"""How a number is written for people — in a criterion's message, an error, the policy
page or a PDF: 200 and not 200.0, 0.3 as it was typed, never an exponent; a ratio as a
percent.  Plugins import these too, so every message writes numbers the same way.
"""
from __future__ import annotations

from decimal import Decimal


def _decimal(value: int | float | Decimal) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("a yes/no answer is not a number")
    # repr of a float is the shortest text that reads back as it: what was typed
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def number_text(value: int | float | Decimal) -> str:
    """``200.0`` → ``"200"``, ``0.3`` → ``"0.3"``, ``1e-05`` → ``"0.00001"``."""
    # The common cases first, without Decimal: criteria write numbers in every message,
    # for 100 000 applications at a time (benchmarks/eligibility.py).
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        if "e" not in text and "n" not in text:  # not 1e-05, inf or nan
            return text
    d = _decimal(value)
    if not d.is_finite():
        return str(value)
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def percent_text(ratio: int | float | Decimal, places: int = 1, *,
                 apart_from: int | float | Decimal | None = None) -> str:
    """A fraction as a percent to ``places`` decimals at most: ``0.3`` → ``"30%"``,
    ``0.12345`` → ``"12.3%"``.  With ``apart_from`` (the limit the value is compared
    with), more decimals — up to 6 — where rounding would print a value that is not the
    limit as the limit: 0.0999 against 0.1 is "9.99%", never "10%，低于 10%"."""
    text = _percent(ratio, places)
    if apart_from is not None and ratio != apart_from:
        while places < 6 and text == _percent(apart_from, places):
            places += 1
            text = _percent(ratio, places)
    return text


def _percent(ratio: int | float | Decimal, places: int) -> str:
    if isinstance(ratio, float):  # the common case, without Decimal (as in number_text)
        text = f"{ratio * 100:.{places}f}"
        return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"
    return number_text(round(_decimal(ratio) * 100, places)) + "%"


def size_text(size: int) -> str:
    """A file size as office software writes it, in the units read the same in Chinese
    and English: ``45 B``, ``12.5 KB``, ``3.2 MB`` (1 KB = 1024 B)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{number_text(round(size / 1024, 1))} KB"
    return f"{number_text(round(size / (1024 * 1024), 1))} MB"
