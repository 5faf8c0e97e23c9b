"""Money after the award (issue 18): an entitlement's life from approval to payment
(lifecycle), the funds it is charged to (funds), titles won elsewhere (external_titles),
duplicate support across jurisdictions (overlaps, support), and the public disclosure of
support (disclosure).  docs/money.md."""
