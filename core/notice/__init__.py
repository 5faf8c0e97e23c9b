"""The public notice (公示): its period, publication, objections and the public pages."""
