"""Infrastructure with no domain: the database, configuration, the clock, errors, logs, the audit log, uploads, HTTP hardening and the label catalogue."""
