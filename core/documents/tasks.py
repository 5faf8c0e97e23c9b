"""The application's PDF rendered at submission (issue 19): a submitted or resubmitted
application's form is rendered by the queue, after the submission commits, into the store
(core.documents.store), so the applicant's and the staff's first download is a file read.

The listener only asks (``documents.render_application``); the render runs inline at the end
of the request without a broker, or in the worker with one.  The store is keyed by the HTML,
so nothing here decides what a download serves: a later change to what is printed (the
bureau's number) is rendered again on the next download, as before.
"""
from __future__ import annotations

from core.platform import events, queue
from core.platform.extensions import db
from core.platform.models import Application

SUBMITTED = ("application.submit", "application.resubmit")


@queue.task("documents.render_application", max_attempts=3)
def render_application(application_id: int) -> None:
    """Render the application's form into the store (a deleted application: nothing to do)."""
    from core.documents import render  # here: xhtml2pdf is for the processes that render (issue 15)

    application = db.session.get(Application, application_id)
    if application is not None:
        render.pdf_of_application(application)


def on_submitted(event: events.Event) -> None:
    if event.kind in SUBMITTED and event.subject_type == "Application" and event.subject_id:
        queue.enqueue("documents.render_application", requested_by=event.actor_id,
                      application_id=event.subject_id)


events.LISTENERS.append(on_submitted)
