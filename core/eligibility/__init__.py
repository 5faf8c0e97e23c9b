"""Eligibility: the engine of CONTRACTS §2, the criteria checklist and the applicant's pre-check."""
