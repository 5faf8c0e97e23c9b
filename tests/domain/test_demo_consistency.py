"""Issue 13: the demo is built through the operations users trigger, so each demo
application's state is one a real application could be in — no 已提交 with every
material missing, no empty timeline with a step ticked, no title without its subsidy
entitlements.  Builds the demo (``zhongchuang demo``) on the real database and checks
every application against its own records."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from core.review import moves, steps
from core.cli import cli
from core.platform.extensions import db
from core.platform.jurisdictions import registry
from core.platform.models import (
    APPLICATION_STATUSES,
    Application,
    Attachment,
    AuditEvent,
    Batch,
    ExpertAssignment,
    NoticeEntry,
    Objection,
    PublicNotice,
    Recognition,
    ReviewRecord,
    SubsidyEntitlement,
)
from core.platform.uploads import path_of


def records(application) -> list[ReviewRecord]:
    return db.session.scalars(select(ReviewRecord).where(ReviewRecord.application_id == application.id)
                              .order_by(ReviewRecord.id)).all()


def events(application) -> list[str]:
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Application",
                                                             AuditEvent.object_id == str(application.id))
                              .order_by(AuditEvent.id)).all()


def test_every_demo_application_is_consistent_with_its_own_records(app):
    result = app.test_cli_runner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    applications = db.session.scalars(select(Application).order_by(Application.id)).all()
    assert {a.status for a in applications} == set(APPLICATION_STATUSES)  # every state appears
    for a in applications:
        label = f"#{a.id} {a.space.name} {a.jurisdiction} {a.status}"
        timeline, history = records(a), events(a)
        assert history and history[0] == "application.created", label
        required = [m.code for m in registry().required_materials(a.jurisdiction, a.category) if m.required]
        files = db.session.scalars(select(Attachment).where(Attachment.application_id == a.id)).all()
        for attachment in files:  # real PDFs on disk, each recorded
            assert path_of(attachment).read_bytes().startswith(b"%PDF-"), label
        assert len({f.material for f in files}) == len(files), label  # one file per material
        if a.status == "draft":
            assert timeline == [] and a.submitted_on is None and a.current_step is None, label
            assert all(p.passed is False and p.current is False for p in steps.progress(a)), label
            continue
        # 昆科发〔2017〕55号 第九条 / 弥政办发〔2017〕5号 第六条: submitted with every required material
        assert sorted(f.material for f in files if f.material in required) == sorted(required), label
        assert timeline and timeline[0].action == "submit" and "workflow.submit" in history, label
        assert a.submitted_on is not None and a.policy_document, label
        # a step is ticked only when its record is in the timeline
        acted = {r.step for r in timeline}
        for progress in steps.progress(a):
            if progress.passed:
                assert progress.step.code in acted, (label, progress.step.code)
        if a.status in moves.ACTIVE:
            assert steps.step_of(a) is not None, label
        if a.status in ("returned", "rejected"):
            assert timeline[-1].action == {"returned": "return", "rejected": "reject"}[a.status], label
            assert timeline[-1].opinion.startswith("（演示）"), label
        if a.status == "in_review" and steps.step_of(a).kind == "expert_review":
            batch = db.session.get(Batch, a.batch_id)
            assert batch is not None and batch.status == "open", label
            assert db.session.scalar(select(func.count()).select_from(ExpertAssignment)
                                     .where(ExpertAssignment.batch_id == batch.id)) >= 1, label
        if a.status == "under_notice":
            notice = db.session.scalar(select(PublicNotice).join(NoticeEntry)
                                       .where(NoticeEntry.application_id == a.id, PublicNotice.status == "open"))
            assert notice is not None, label
            objection = db.session.scalar(select(Objection).where(Objection.notice_id == notice.id))
            assert objection.status == "open" and objection.receipt_number.startswith("YY-"), label
        if a.status == "recognised":
            recognition = db.session.scalar(select(Recognition).where(Recognition.application_id == a.id))
            # issue 17: the demo also shows a title under rectification and one revoked
            assert recognition is not None and recognition.status in ("active", "rectification", "revoked"), label
            owed = db.session.scalar(select(func.count()).select_from(SubsidyEntitlement)
                                     .where(SubsidyEntitlement.recognition_id == recognition.id))
            assert owed >= 1, label  # awards.grant: the entitlements of the recognized event
            assert "recognition.grant" in db.session.scalars(select(AuditEvent.action).where(
                AuditEvent.object_type == "Recognition", AuditEvent.object_id == str(recognition.id))).all(), label
            assert {"expert_review", "public_notice"} <= {s.kind for s in steps.steps_of(a)
                                                           if s.code in acted}, label
            assert all(p.passed for p in steps.progress(a)), label
            assert recognition.granted_on >= a.submitted_on, label


def test_demo_4_submitted_has_its_materials_and_8_has_a_timeline(app):
    """The two cases the walk found: 滇池创客空间 (#4, 已提交) and 翠湖云创空间's 云南 application (#8)."""
    assert app.test_cli_runner().invoke(cli, ["demo"]).exit_code == 0
    dianchi = db.session.scalar(select(Application).where(Application.jurisdiction == "kunming",
                                                          Application.status == "submitted"))
    assert db.session.scalar(select(func.count()).select_from(Attachment)
                             .where(Attachment.application_id == dianchi.id)) == 4  # 第九条（一）至（四）
    yunnan = db.session.scalar(select(Application).where(Application.jurisdiction == "yunnan",
                                                         Application.status == "in_review"))
    assert [r.action for r in records(yunnan)][:2] == ["submit", "approve"]
    assert [p.passed for p in steps.progress(yunnan)][:2] == [True, False]


def test_demo_upload_files_exist_for_every_attachment(app):
    assert app.test_cli_runner().invoke(cli, ["demo"]).exit_code == 0
    folder = Path(app.config["UPLOAD_FOLDER"])
    stored = {p.name for p in folder.iterdir()}
    assert set(db.session.scalars(select(Attachment.stored_name))) <= stored


def test_demo_organisations_and_spaces_are_registered_as_users_register_them(app):
    """Every demo organisation is registered through the registration page's operation
    (``register_applicant``: ``organisation.register`` and ``user.register``, the applicant
    its actor) and every demo space saved through 我的众创空间's (``save_space``:
    ``space.create`` by that applicant, its residents, graduates and team counted); a second
    ``zhongchuang demo`` adds nothing."""
    from core.demo import DEMO_PASSWORD
    from core.platform.models import Organisation, Space, User

    result = app.test_cli_runner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    organisations = db.session.scalars(select(Organisation)).all()
    spaces = db.session.scalars(select(Space)).all()
    assert organisations and spaces

    def actions(obj) -> list[tuple[str, str]]:
        return db.session.execute(select(AuditEvent.action, AuditEvent.actor_name).where(
            AuditEvent.object_type == type(obj).__name__, AuditEvent.object_id == str(obj.id))
            .order_by(AuditEvent.id)).all()

    for org in organisations:
        applicant = db.session.scalar(select(User).where(User.organisation_id == org.id, User.role == "applicant")
                                      .order_by(User.id))
        assert applicant is not None, org.name
        assert applicant.check_password(DEMO_PASSWORD)
        assert [tuple(a) for a in actions(org)][:1] == [("organisation.register", str(applicant))], org.name
        assert ("user.register", str(applicant)) in [tuple(a) for a in actions(applicant)], applicant.login
    for space in spaces:
        applicant = db.session.scalar(select(User).where(User.organisation_id == space.organisation_id,
                                                         User.role == "applicant").order_by(User.id))
        created = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "space.create", AuditEvent.object_type == "Space",
            AuditEvent.object_id == str(space.id))).all()
        assert len(created) == 1, space.name
        assert created[0].actor_id == applicant.id, space.name
        assert created[0].detail["residents"] == len(space.residents) > 0
        assert created[0].detail["team_members"] == len(space.team_members) == 2
        assert created[0].detail["graduates"] == len(space.graduates)

    counted = db.session.scalar(select(func.count(AuditEvent.id)))
    again = app.test_cli_runner().invoke(cli, ["demo"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count(Organisation.id))) == len(organisations)
    assert db.session.scalar(select(func.count(Space.id))) == len(spaces)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == counted
