"""The award: titles, certificate numbers, recognition records and subsidy entitlements."""
