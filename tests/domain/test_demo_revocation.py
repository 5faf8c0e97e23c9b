"""Issue 17: the demo shows rectification and revocation, built through the operations officers,
leaders and applicants use, and a second load adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from core.cli import cli
from core.intake import bans
from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Rectification, Recognition, Revocation, Space


def title(space_name: str, code: str) -> Recognition:
    return db.session.scalar(select(Recognition).join(Space, Space.id == Recognition.space_id)
                             .where(Space.name == space_name, Recognition.jurisdiction == code))


def test_demo_rectifications_and_a_fraud_revocation_with_its_ban(app):
    assert app.test_cli_runner().invoke(cli, ["demo"]).exit_code == 0
    results = {r.recognition.space.name: r.status for r in db.session.scalars(select(Rectification))}
    mile = next(name for name in results if name in ("可邑青创空间", "湖泉众创空间"))  # 可邑 after the assessment demo
    assert results == {"红塔创新谷": "passed", mile: "reported", "翠湖云创空间": "failed"}
    assert title("红塔创新谷", "yunnan").status == "active"
    assert title(mile, "mile").status == "rectification"
    revoked = title("碧鸡关科创空间", "yunnan")
    assert revoked.status == "revoked" and revoked.revocation_grounds == ["fraud"]
    assert revoked.ban_until is not None and revoked.ban_until > clock.today()
    assert bans.ban_of(revoked.space.organisation.uscc, "yunnan", clock.today()) == revoked
    statuses = sorted(r.status for r in db.session.scalars(select(Revocation)))
    assert statuses == ["proposed", "revoked"]
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Rectification, Revocation, Recognition)]
    assert app.test_cli_runner().invoke(cli, ["demo"]).exit_code == 0
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Rectification, Revocation, Recognition)] \
        == counts
