"""The public side (issue 20): what anyone reads without signing in.

* :mod:`core.public.directory` — the directory of titles: the recognised spaces of the enabled
  jurisdictions with their standing, filtered and searched; a title's brief history.
* :mod:`core.public.certificates` — the certificate check (输入证书编号查询真伪).
* :mod:`core.public.directory_files` — the directory's downloads (CSV, xlsx, JSON).
* :mod:`core.public.directory_pages` — ``/directory/``: the list, a title's page, the check, the downloads.
* :mod:`core.public.calls_pages` — ``/calls/``: the open, upcoming and closed calls, a call's text, its
  documents and the blank 申报书 of each category.
* :mod:`core.public.home` — the public home ``/`` (served as ``main.index`` by core.views).

What is public and what is not: docs/public.md and docs/calls.md.
"""
