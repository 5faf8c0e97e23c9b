"""The applicant's rectifications (限期整改) and titles' standing pages (core.monitoring.rectifications).

``/portal/rectifications``                  the organisation's titles (in force, under rectification,
                                            revoked with the date, articles and any ban) and their
                                            rectification orders
``/portal/rectifications/<id>``             one order: requirements, deadline, the report form (with
                                            evidence) and the statement (陈述申辩) form until judged
``/portal/rectifications/<id>/evidence``    the report's evidence file

Applicants only (staff: 403); another organisation's order is a 404.  A running order is a task
on the portal's first page (core.review.applicant_pages.PORTAL_TASKS).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select

from core.facts.forms import LongTextField, Required, max_chars
from core.intake.access import applicant_only
from core.monitoring import findings, rectifications
from core.monitoring.title_scope import criteria, own_titles_criteria, visible
from core.platform import clock, labels, uploads
from core.platform.extensions import db
from core.platform.models import Attachment, Recognition, Rectification
from core.review import applicant_pages

bp = Blueprint("portal_rectifications", __name__, url_prefix="/portal")


class ReportForm(FlaskForm):
    report = LongTextField("整改情况报告", [Required(), max_chars(rectifications.MAX_TEXT)])
    evidence = FileField("整改证明材料", description=f"按文件内容检查，接受 {uploads.ACCEPTED}；已上传的可不再上传")


class StatementForm(FlaskForm):
    statement = LongTextField("陈述申辩意见", [Required(), max_chars(rectifications.MAX_TEXT)])


def _own_rectifications() -> list[Rectification]:
    return list(db.session.scalars(select(Rectification).where(criteria(current_user, Rectification))
                                   .order_by(Rectification.ordered_on.desc(), Rectification.id.desc())))


def portal_tasks(user) -> list[dict]:
    """A running order not yet reported: report by the deadline."""
    live = select(Recognition.id).where(Recognition.status != "revoked")
    rows = db.session.scalars(select(Rectification).where(criteria(user, Rectification),
                                                          Rectification.status == "ordered",
                                                          Rectification.recognition_id.in_(live)))
    today = clock.today()
    return [{"id": f"rectification-{r.id}",
             "text": gettext("Report the rectification of %(title)s by %(deadline)s",
                             title=r.recognition.title, deadline=r.deadline.isoformat()),
             "url": url_for("portal_rectifications.page", rect_id=r.id), "overdue": today > r.deadline}
            for r in rows]


applicant_pages.PORTAL_TASKS.append(portal_tasks)


@bp.route("/rectifications")
@applicant_only
def index():
    titles = db.session.scalars(select(Recognition).where(own_titles_criteria(current_user))
                                .order_by(Recognition.granted_on)).all()
    return render_template("portal/rectifications.html", titles=titles, rows=_own_rectifications(), labels=labels,
                           cite=findings.cite, module=rectifications, today=clock.today())


def _own(rect_id: int) -> Rectification:
    rect = visible(Rectification, rect_id, current_user)
    if rect is None:
        abort(404)
    return rect


def _page(rect, report_form, statement_form, status: int = 200):
    return render_template("portal/rectification.html", rect=rect, report_form=report_form,
                           statement_form=statement_form, labels=labels, cite=findings.cite, module=rectifications,
                           today=clock.today()), status


def _field_error(form, exc) -> None:
    field = getattr(form, exc.key, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


@bp.route("/rectifications/<int:rect_id>", methods=["GET", "POST"])
@applicant_only
def page(rect_id: int):
    rect = _own(rect_id)
    which = request.form.get("form", "report")
    report_form = ReportForm(prefix="r", data={"report": rect.report} if request.method == "GET" else None)
    statement_form = StatementForm(prefix="s", data={"statement": rect.statement} if request.method == "GET" else None)
    if request.method == "GET":
        return _page(rect, report_form, statement_form)
    if rect.status not in rectifications.RUNNING:
        abort(403)
    form = statement_form if which == "statement" else report_form
    if not form.validate():
        return _page(rect, report_form, statement_form, 400)
    try:
        if which == "statement":
            rectifications.file_statement(current_user, rect, form.statement.data)
        else:
            rectifications.file_report(current_user, rect, form.report.data, form.evidence.data)
    except rectifications.RectificationRefused as exc:
        _field_error(form, exc)
        return _page(rect, report_form, statement_form, 409 if exc.key == "action" else 400)
    except uploads.UploadError as exc:
        report_form.evidence.errors = [exc.message]
        return _page(rect, report_form, statement_form, exc.status)
    flash(gettext("Your statement has been recorded.") if which == "statement"
          else gettext("The rectification report has been filed."), "success")
    return redirect(url_for(".page", rect_id=rect.id))


@bp.route("/rectifications/<int:rect_id>/evidence")
@applicant_only
def evidence(rect_id: int):
    rect = _own(rect_id)
    attachment = db.session.get(Attachment, rect.report_attachment_id) if rect.report_attachment_id else None
    if attachment is None:
        abort(404)
    return uploads.send(attachment)
