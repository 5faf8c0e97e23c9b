"""Issue 22 pool: the demo's expert pool, built through core.review.expert_pool — each
jurisdiction's demo expert with a profile, a paused second 昆明 expert, one declared relationship,
all audited; a second run adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from core.cli import cli
from core.platform.extensions import db
from core.platform.jurisdictions import enabled
from core.platform.models import AuditEvent, ExpertProfile, ExpertRelationship, User
from core.review import expert_pool
from core.demo import DEMO_PAUSED_EXPERT, DEMO_POOL, demo_login


POOL_ACTIONS = ("expert.profile_saved", "expert.paused", "expert.resumed", "expert.relationship_added",
                "expert.relationship_removed", "expert.imported")


def test_the_demo_pool_has_profiles_a_paused_expert_and_a_relationship(app):
    assert app.test_cli_runner().invoke(cli, ["demo"]).exit_code == 0
    codes = list(enabled())
    for code in codes:
        expert = db.session.scalar(select(User).where(User.login == demo_login("expert", code)))
        profile = db.session.get(ExpertProfile, expert.id)
        assert profile.fields and profile.organisation_uscc and profile.status == "active", code
        assert expert in [u for u, _ in expert_pool.pool_of(code)], code
    paused = db.session.scalar(select(User).where(User.login == DEMO_PAUSED_EXPERT[1]))
    assert db.session.get(ExpertProfile, paused.id).status == "paused"
    assert paused not in [u for u, _ in expert_pool.pool_of("kunming")]
    relationship = db.session.scalar(select(ExpertRelationship))
    assert relationship.recorded_by_id == relationship.expert_id  # his to declare
    saved = db.session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "expert.profile_saved"))
    # each jurisdiction's demo expert, 昆明's paused one, and 弥勒's four the draw's demo draws from
    drawn_from = len(DEMO_POOL) if "mile" in codes else 0
    assert saved == len(codes) + 1 + drawn_from
    assert app.test_cli_runner().invoke(cli, ["demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(ExpertProfile)) == len(codes) + 1 + drawn_from
    assert db.session.scalar(select(func.count()).select_from(ExpertRelationship)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action.in_(POOL_ACTIONS))) == saved + 2  # paused, relationship
