"""Intake: organisations, spaces, applications and their materials, and the applicant portal.

Operations (the only code that writes intake's data; used by the pages, ``core.demo`` and the CLI):
``registration`` (an organisation and its applicant), ``organisations`` (verification),
``spaces`` (a space's facts, saving it, importing residents), ``applications`` (new drafts,
filling and saving them), ``materials`` (attaching and removing files).
Pages: ``account_pages`` (/register, /account/password), ``portal_space`` (my spaces, the
pre-check), ``admin_verification``; ``access`` is the one applicant-only rule.  The pages that
follow an application through the review (``/portal/applications/…``) are the review's
(``core.review.applicant_pages``).
"""
