"""The applicant's change reports (变更报告, core.monitoring.changes).

``/portal/changes``                  the organisation's change reports, and the form to report one:
                                     "计算报告期限" shows the due date before anything is saved
``/portal/changes/<id>``             one report: its state, opinions, and the form to report a change
                                     the bureau found, or to correct one returned
``/portal/changes/<id>/evidence``    the evidence file

Applicants only (staff: 403); another organisation's report is a 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select

from core.facts.forms import ChoiceField, DayField, LongTextField, Required, max_chars
from core.intake.access import applicant_only
from core.monitoring import changes
from core.platform import clock, labels, uploads
from core.platform.extensions import db
from core.platform.models import Attachment, ChangeReport

bp = Blueprint("portal_changes", __name__, url_prefix="/portal")


EVIDENCE_HELP = f"按文件内容检查，接受 {uploads.ACCEPTED}"


class ChangeForm(FlaskForm):
    recognition_id = ChoiceField("认定称号", [Required()])
    kind = ChoiceField("变更事项", [Required()], choices=labels.CHANGE_KIND_LABELS)
    changed_on = DayField("变更日期", [Required()])
    description = LongTextField("变更情况说明", [Required(), max_chars(changes.MAX_TEXT)])
    evidence = FileField("证明材料", [FileRequired("请上传变更的证明材料")], description=EVIDENCE_HELP)


class ReportForm(FlaskForm):
    """Reporting a change the bureau found, or correcting one returned: the kind and date are fixed."""

    description = LongTextField("变更情况说明", [Required(), max_chars(changes.MAX_TEXT)])
    evidence = FileField("证明材料", description=EVIDENCE_HELP)


def _title_choices(titles) -> dict[str, str]:
    return {str(t.id): f"{t.title}（{labels.jurisdiction_label(t.jurisdiction)} {t.certificate_number}）"
            for t in titles}


def _own_changes() -> list[ChangeReport]:
    return list(db.session.scalars(select(ChangeReport).where(changes.change_criteria(current_user))
                                   .order_by(ChangeReport.changed_on.desc(), ChangeReport.id.desc())))


def _own_change(change_id: int) -> ChangeReport:
    found = changes.visible_change(change_id, current_user)
    if found is None:
        abort(404)
    return found


def _preview(form: ChangeForm, titles) -> dict | None:
    """The due date the typed change would have, shown before it is saved."""
    title = next((t for t in titles if str(t.id) == form.recognition_id.data), None)
    if title is None or form.changed_on.data is None:
        return None
    period = changes.report_period(title.jurisdiction, form.changed_on.data)
    due = changes.due_on_for(title.jurisdiction, form.changed_on.data)
    return {"period": period.text(), "due_on": due, "late": due is not None and clock.today() > due}


def _periods(titles) -> list[dict]:
    today = clock.today()
    return [{"title": t, "text": changes.report_period(t.jurisdiction, today).text()} for t in titles]


def _list_page(form: ChangeForm, titles, *, preview=None, status: int = 200):
    return render_template("portal/changes.html", form=form, changes=_own_changes(), titles=titles,
                           periods=_periods(titles), preview=preview, today=clock.today(),
                           changes_module=changes, labels=labels), status


@bp.route("/changes", methods=["GET", "POST"])
@applicant_only
def change_list():
    titles = changes.reportable_titles(current_user)
    form = ChangeForm()
    form.recognition_id.choices = {"": "请选择", **_title_choices(titles)}
    if request.method == "GET":
        return _list_page(form, titles)
    if request.form.get("preview"):  # nothing saved: the due date of what was typed
        return _list_page(form, titles, preview=_preview(form, titles))
    if not form.validate():
        return _list_page(form, titles, preview=_preview(form, titles), status=400)
    try:
        change = changes.file_change(current_user, form.recognition_id.data, form.kind.data, form.changed_on.data,
                                     form.description.data, form.evidence.data)
    except changes.ChangeRefused as exc:
        _field_error(form, exc)
        return _list_page(form, titles, preview=_preview(form, titles), status=400)
    except uploads.UploadError as exc:
        form.evidence.errors = [exc.message]
        return _list_page(form, titles, preview=_preview(form, titles), status=exc.status)
    flash(gettext("The change has been reported."), "success")
    return redirect(url_for(".change_page", change_id=change.id))


def _field_error(form, exc: changes.ChangeRefused) -> None:
    field = getattr(form, exc.key, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _change_page(change: ChangeReport, form: ReportForm, status: int = 200):
    return render_template("portal/change.html", change=change, form=form, labels=labels, changes_module=changes,
                           today=clock.today()), status


@bp.route("/changes/<int:change_id>", methods=["GET", "POST"])
@applicant_only
def change_page(change_id: int):
    change = _own_change(change_id)
    form = ReportForm(data={"description": change.description} if change.status == "returned" else None)
    if request.method == "GET":
        return _change_page(change, form)
    if change.status not in ("found", "returned"):
        abort(403)
    if not form.validate():
        return _change_page(change, form, 400)
    try:
        if change.status == "found":
            changes.file_change(current_user, None, None, None, form.description.data, form.evidence.data,
                                found=change)
        else:
            changes.resubmit(current_user, change, form.description.data, form.evidence.data)
    except changes.ChangeRefused as exc:
        _field_error(form, exc)
        return _change_page(change, form, 400)
    except uploads.UploadError as exc:
        form.evidence.errors = [exc.message]
        return _change_page(change, form, exc.status)
    flash(gettext("The change has been reported."), "success")
    return redirect(url_for(".change_page", change_id=change.id))


@bp.route("/changes/<int:change_id>/evidence")
@applicant_only
def evidence(change_id: int):
    change = _own_change(change_id)
    attachment = db.session.get(Attachment, change.attachment_id) if change.attachment_id else None
    if attachment is None:
        abort(404)
    return uploads.send(attachment)
