"""Accounts and scoping: roles, who may see what, sign-in, sessions, two-factor, applicant registration."""
