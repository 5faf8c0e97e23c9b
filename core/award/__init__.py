"""The award: titles, certificate numbers, recognition records and subsidy entitlements.

Importing the package loads ``titles``, which registers the award desk the case page
asks (core.review.award_desk).
"""
from core.award import titles  # noqa: F401  (registers the award desk)
