"""The read API ``/api/v1/`` for other government systems (a provincial data platform, the finance
bureau): tokens issued by the admin per system and scoped to jurisdictions (:mod:`core.api.clients`,
the admin's page :mod:`core.api.admin_clients`), the Bearer check (:mod:`core.api.bearer`), what a
token may read (:mod:`core.api.reading`), the marshmallow schemas of the OpenAPI document
(:mod:`core.api.schemas`), the resources (:mod:`core.api.resources`) and their place on the site:
flask-smorest's Api, JSON errors, no session, no cache (:mod:`core.api.service`).  docs/api.md.

Nothing is imported here: the commands and the admin read :mod:`core.api.clients` without loading
flask-smorest."""
