"""The applicant's spaces ("my space"), the residents' Excel import and the pre-check.

``/portal/space``                      the organisation's spaces (an organisation may run several)
``/portal/space/new``, ``/<id>``       the facts of CONTRACTS §1 entered once, on the core
                                       ``FactsForm`` (same fields, same Chinese checks), plus the
                                       tables 入驻企业/团队, 已毕业企业 and 团队成员
``/portal/space/<id>/residents/import`` residents in bulk from the xlsx template (all or nothing)
``/portal/precheck``                   what each covering jurisdiction's policy in force says today

Where the facts live: the organisation's own (name, type, registered region) on
``Organisation``, the space's name, region and opening date on ``Space``, the residents,
graduates and team members as rows, everything else in ``Space.facts``.
``facts_of(space)`` puts them back together as the one §1 object an application starts
from.  Only applicants use these pages (staff: 403); every query is scoped
(``core.accounts.scoping.space_criteria``: another organisation's space is a 404); every save is
one transaction with its audit event.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import BuildError
from wtforms import BooleanField
from wtforms.validators import ValidationError

from core.eligibility import precheck

from core.intake import residents_import

from core.platform import uploads
from core.platform import clock
from core.platform.extensions import db
from core.facts import FactsError
from core.facts.forms import (ChoiceField, CountField, DayField, FactsForm, HostedByOperatingUnitQuestion, RowForm, ResidentRow, Required, Section,
                        TableField, TextField, max_chars, non_negative)
from core.platform.models import Space
from core.intake.access import applicant_only, posted_version
from core.intake.spaces import facts_of, import_residents as add_residents, save_space, space_extra, TEAM_POSITIONS
from core.accounts.scoping import space_criteria

bp = Blueprint("portal_space", __name__, url_prefix="/portal")

TABLES = ("residents", "graduates", "team_members")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the form ------------------------------------------------------------------------


class SpaceResidentRow(ResidentRow):
    """入驻企业或创业团队 with the columns of the 申报书's table the import also takes."""

    main_product = TextField("主要产品", [max_chars(200)])
    employees = CountField("从业人数", [non_negative])
    phone = TextField("联系电话", [max_chars(50)])


class GraduateRow(RowForm):
    name = TextField("企业或团队名称", [Required(), max_chars(200)])
    main_product = TextField("主要产品", [max_chars(200)])
    entered_on = DayField("入驻日期")
    graduated_on = DayField("毕业日期")
    employees = CountField("从业人数", [non_negative])
    phone = TextField("联系电话", [max_chars(50)])

    def validate_graduated_on(self, field):
        if field.data and self.entered_on.data and field.data < self.entered_on.data:
            raise ValidationError("毕业日期不能早于入驻日期")


POSITIONS = TEAM_POSITIONS  # one place for the labels: core.intake.spaces


class TeamMemberRow(RowForm):
    name = TextField("姓名", [Required(), max_chars(100)])
    position = ChoiceField("职务", [Required()], choices=POSITIONS)
    phone = TextField("联系电话", [max_chars(50)])
    speciality = TextField("专业特长", [max_chars(100)])
    full_time = BooleanField("专职")
    services = TextField("负责的服务", [max_chars(300)])


class SpaceForm(FactsForm, HostedByOperatingUnitQuestion):
    title = "众创空间基本情况"
    note = "这些情况填写一次，之后每次申报都会预先填入；已提交的申报不受之后修改的影响。"
    residents = TableField(SpaceResidentRow, "入驻企业或创业团队")
    graduates = TableField(GraduateRow, "已毕业企业或创业团队")
    team_members = TableField(TeamMemberRow, "团队成员")
    sections = FactsForm.sections + (Section("已毕业企业和团队成员", ("graduates", "team_members")),)


# --- facts of a space -------------------------------------------------------------


def _form_data(space: Space) -> dict:
    """The space's form drawn from what it holds: the same assembly an application's form
    is pre-filled from (``core.intake.spaces.space_facts`` and ``space_extra``)."""
    return SpaceForm.facts_to_data(facts_of(space), space_extra(space))


def _blank_facts(org) -> dict:
    return {"applicant_name": org.name, "uscc": org.uscc, "entity_type": org.entity_type,
            "registered_region": org.registered_region, "space_region": org.registered_region}


# --- access ------------------------------------------------------------------------


def own_spaces() -> list[Space]:
    return db.session.scalars(select(Space).where(space_criteria(current_user)).order_by(Space.id)).all()


def own_space(space_id) -> Space:
    """One of the user's organisation's spaces (``space_id`` as posted or routed), else 404."""
    try:
        space_id = int(space_id)
    except (TypeError, ValueError):
        abort(404)
    found = db.session.scalars(select(Space).where(Space.id == space_id, space_criteria(current_user))).one_or_none()
    if found is None:
        abort(404)
    return found


# --- pages -------------------------------------------------------------------------


@bp.route("/space")
@applicant_only
def spaces():
    return render_template("portal/spaces.html", spaces=own_spaces(), organisation=current_user.organisation)


def _table_action(form: SpaceForm) -> bool:
    """Add or remove a table row without JavaScript ("add:residents", "remove:residents-2");
    True when the post was such a request (nothing is saved then)."""
    wanted = request.form.get("table_action", "")
    verb, _, target = wanted.partition(":")
    if verb == "add" and target in TABLES:
        form[target].append_entry()
        return True
    if verb == "remove":
        table = target.rsplit("-", 1)[0]
        if table in TABLES:
            form[table].entries = [e for e in form[table].entries if e.name != target]
            return True
    return False


def _edit(space: Space | None):
    org = current_user.organisation
    if org is None:
        abort(403)
    data = _form_data(space) if space is not None else SpaceForm.facts_to_data(_blank_facts(org))
    form = SpaceForm(data=data)
    # The 统一社会信用代码 is the registration itself: shown, never changed here.
    form.uscc.data, form.uscc.raw_data = org.uscc, [org.uscc]
    form.uscc.render_kw = {**(form.uscc.render_kw or {}), "readonly": True}
    status, error = 200, None
    if request.method == "POST" and _table_action(form):
        return _render_form(form, space, None), 200
    if form.validate_on_submit():
        try:
            if space is not None and posted_version() != space.version:
                raise StaleDataError()
            space = save_space(space, org, form)
        except FactsError as exc:
            error, status = exc.message, 400
        except StaleDataError:  # another tab or colleague saved first (also caught by the UPDATE)
            db.session.rollback()
            # drawn again from the space as it is now: a second, deliberate 保存 wins
            return _render_form(form, space, STALE_SPACE, version=space.version), 409
        else:
            flash(gettext("Saved."), "success")
            return redirect(url_for(".edit_space", space_id=space.id))
    elif form.is_submitted():
        status = 400
    if form.errors:
        status = 400
    return _render_form(form, space, error), status


STALE_SPACE = ("该空间的信息刚刚已在别处（另一个窗口或其他同事）修改并保存，本次修改未保存，您填写的内容仍在下方。"
               "请核对后再次点击“保存”（以本页内容为准），或刷新页面查看最新内容。")


def _render_form(form: SpaceForm, space: Space | None, error: str | None, version: int | None = None):
    # The version the page was first drawn from travels with every post (a row added or
    # removed too), so a save compares against what the user actually saw.
    drawn_from = version or (request.form.get("expected_version") if request.method == "POST" else None)
    return render_template("portal/space_form.html", form=form, space=space, error=error,
                           expected_version=drawn_from or (space.version if space else ""))


@bp.route("/space/new", methods=["GET", "POST"])
@applicant_only
def new_space():
    return _edit(None)


@bp.route("/space/<int:space_id>", methods=["GET", "POST"])
@applicant_only
def edit_space(space_id: int):
    return _edit(own_space(space_id))


@bp.route("/space/residents-template.xlsx")
@applicant_only
def residents_template():
    return residents_import.template_bytes(), 200, {
        "Content-Type": XLSX_TYPE,
        "Content-Disposition": "attachment; filename=residents-template.xlsx",
    }


@bp.route("/space/<int:space_id>/residents/import", methods=["GET", "POST"])
@applicant_only
def import_residents(space_id: int):
    space = own_space(space_id)
    errors: list[str] = []
    if request.method == "POST":
        # CSRFProtect has checked the token before we get here.
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors = ["请选择要上传的 Excel（.xlsx）文件"]
        else:
            data = upload.stream.read(uploads.max_bytes() + 1)
            try:
                rows = residents_import.parse(data, {r.name for r in space.residents})
            except residents_import.ImportRefused as exc:
                errors = exc.errors
            else:
                add_residents(space, rows, upload.filename)
                flash(gettext("%(n)s residents imported.", n=len(rows)), "success")
                return redirect(url_for(".edit_space", space_id=space.id))
    return render_template("portal/space_import.html", space=space, errors=errors,
                           headers=residents_import.HEADERS), 400 if errors else 200


@bp.route("/precheck")
@applicant_only
def precheck_page():
    spaces = own_spaces()
    chosen = None
    if spaces:
        wanted = request.args.get("space", type=int)
        chosen = own_space(wanted) if wanted is not None else spaces[0]
    result = precheck.compute(facts_of(chosen), chosen.region, clock.today()) if chosen else None
    return render_template("portal/precheck.html", spaces=spaces, space=chosen, check=result,
                           apply_url=apply_url)


def apply_url(space: Space, jurisdiction: str, category: str) -> str:
    """P2's new-application page for this space, jurisdiction and category."""
    try:
        return url_for("portal.new_application", space=space.id, jurisdiction=jurisdiction, category=category)
    except BuildError:  # the route is not there yet
        return f"/portal/applications/new?space={space.id}&jurisdiction={jurisdiction}&category={category}"
