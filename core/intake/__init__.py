"""Intake: organisations, spaces, applications and their materials, and the applicant portal."""
