"""The expert pool (专家库) of each jurisdiction: the expert users serving it (their scopes),
with what the pool knows of each (``ExpertProfile``: fields, organisation, region, active or
paused) and the relationships each declared (``ExpertRelationship``, for 回避).

The random draw (``core.review.draws``) reads the pool through :func:`pool_of` and
:func:`profile_of`.  Every change checks the actor, is audited and committed once, or raises
:class:`PoolError` having written nothing.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select

from core.accounts import roles
from core.accounts.scoping import codes_as, holds, role_of
from core.facts import PROVINCE_CODES, is_valid_uscc
from core.platform import audit
from core.platform.errors import Refused, has_control_character, strip_control_characters, typed_text
from core.platform.extensions import db
from core.platform.row_ids import row_id
from core.platform.jurisdictions import enabled_codes
from core.platform.models import (Application, Batch, ExpertAssignment, ExpertProfile, ExpertRelationship,
                                  ReviewRecord, User, UserScope)
from core.review.batches import SCORE

ACTIVE = "active"
PAUSED = "paused"
STATUSES = (ACTIVE, PAUSED)
STATUS_WORDS = {ACTIVE: "在库", PAUSED: "暂停"}  # the import's column and the audit's detail
STATUS_LABELS = {ACTIVE: _l("In the pool"), PAUSED: _l("Paused")}
# The profile's fields by name, for the audit's detail (a person reads it)
PROFILE_WORDS = {"fields": "专业领域", "organisation_name": "工作单位", "organisation_uscc": "工作单位统一社会信用代码",
                 "region": "所在地区代码", "status": "状态", "note": "备注"}


class PoolError(Refused):
    """A refused change to the pool: ``key`` names the field, ``message`` says why in Chinese;
    ``errors`` maps each wrong field of a form to its message."""

    key_in_text = False

    def __init__(self, key: str, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(key, message)
        self.errors = errors or {key: message}


def profile_of(user: User) -> ExpertProfile:
    """``user``'s profile; an expert with none yet gets an empty active one (not added to the
    session: reading the pool writes nothing)."""
    profile = db.session.get(ExpertProfile, user.id)
    return profile if profile is not None else ExpertProfile(user_id=user.id, fields=[], status=ACTIVE)


def experts_serving(code: str):
    """The query of the expert users (active accounts) serving jurisdiction ``code``, by name: a
    scope there whose role is expert, or — a scope with no role of its own — a user whose role is."""
    as_expert = select(UserScope.user_id).where(UserScope.jurisdiction == code, UserScope.role == roles.EXPERT)
    own_role = select(UserScope.user_id).where(UserScope.jurisdiction == code, UserScope.role.is_(None))
    return (select(User).where(User.active.is_(True),
                               User.id.in_(as_expert) | ((User.role == roles.EXPERT) & User.id.in_(own_role)))
            .order_by(User.name, User.id))


def pool_of(code: str) -> list[tuple[User, ExpertProfile]]:
    """The experts who may be drawn for ``code``: active accounts of role expert serving it whose
    profile is not paused, each with his profile, by name (then id: a stable order to draw from)."""
    experts = db.session.scalars(experts_serving(code)).all()
    pairs = [(user, profile_of(user)) for user in experts]
    return [(user, profile) for user, profile in pairs if profile.status != PAUSED]


# --- who may see and change whom -----------------------------------------------------------


# Who reads and who keeps a jurisdiction's pool: by the role held there (issue 22: 昆明's officer who
# recommends for 云南 keeps 昆明's pool, not 云南's).
READERS = (roles.ADMIN, roles.OFFICER, roles.LEADER)
KEEPERS = (roles.ADMIN, roles.OFFICER)


def may_see_pool(actor) -> bool:
    return bool(codes_as(actor, *READERS))


def may_keep_pool(actor) -> bool:
    """The officer and the admin keep the pool; the leader reads it."""
    return bool(codes_as(actor, *KEEPERS))


def visible_experts(actor, *, keeping: bool = False):
    """The query of the experts ``actor`` may open (``keeping``: may change): the admin every expert,
    an officer (or, reading, a leader) those serving a jurisdiction where he holds that role, an
    expert himself."""
    query = select(User).where(User.id.in_(select(UserScope.user_id)))
    if role_of(actor) == roles.ADMIN:
        return query.where(User.role == roles.EXPERT)
    codes = codes_as(actor, *(KEEPERS if keeping else READERS))
    serving = [experts_serving(code).with_only_columns(User.id).order_by(None) for code in codes]
    mine = User.id == actor.id if holds(actor, roles.EXPERT) and not keeping else false()
    return query.where(or_(mine, *(User.id.in_(s) for s in serving)))


def visible_expert(expert_id, actor) -> User | None:
    key = row_id(expert_id)
    if key is None:
        return None
    return db.session.scalars(visible_experts(actor).where(User.id == key)).one_or_none()


def _require_keeper_of(expert: User, actor) -> None:
    """PoolError unless ``actor`` keeps ``expert``'s entry: the admin, or an officer of one of the
    jurisdictions he serves."""
    if not may_keep_pool(actor):
        raise PoolError("role", "专家库由主管部门经办人员或系统管理员维护")
    if db.session.scalars(visible_experts(actor, keeping=True).where(User.id == expert.id)).one_or_none() is None:
        raise PoolError("expert", "该专家不在您所辖的专家库中")


def _require_own_or_keeper(expert: User, actor) -> None:
    """The expert himself (his fields, organisation and relationships are his to declare) or a keeper."""
    if actor.id == expert.id and holds(actor, roles.EXPERT):
        return
    _require_keeper_of(expert, actor)


def served_codes(expert: User) -> list[str]:
    """The jurisdictions ``expert`` serves, in display order (the audit tells each of their bureaus)."""
    mine = expert.jurisdiction_codes
    return [c for c in enabled_codes() if c in mine] + sorted(mine - set(enabled_codes()))


def _audit(action: str, expert: User, actor, **detail) -> None:
    audit.record_for(served_codes(expert), action, expert, actor=actor, user_name=expert.name, **detail)


# --- the profile ----------------------------------------------------------------------------

FIELD_LIMIT = 50  # characters of one field of expertise (our choice: a name, not a sentence)
MAX_FIELDS = 20  # our choice: more would not narrow a draw
FIELD_SEPARATORS = re.compile(r"[、，,;；\n\r]+")
NOTE_LIMIT = 2000
REGION_RE = re.compile(r"\d{6}")


def clean_fields(value) -> list[str]:
    """Fields of expertise as a list of words: split on 、 (or a comma, a semicolon, a line break)
    when typed as one text, each trimmed, empty ones dropped, duplicates dropped (first kept);
    PoolError naming the field too long or the list too long."""
    words = FIELD_SEPARATORS.split(value) if isinstance(value, str) else list(value or [])
    cleaned: list[str] = []
    for word in words:
        word = str(word).strip()
        if not word or word in cleaned:
            continue
        if len(word) > FIELD_LIMIT:
            raise PoolError("fields", f"专业领域“{word[:10]}…”超过 {FIELD_LIMIT} 字，实为 {len(word)} 字")
        if has_control_character(word):
            raise PoolError("fields", "专业领域含有不能保存的控制字符")
        cleaned.append(word)
    if len(cleaned) > MAX_FIELDS:
        raise PoolError("fields", f"专业领域最多 {MAX_FIELDS} 个，实为 {len(cleaned)} 个")
    return cleaned


def clean_uscc(value, what: str = "工作单位统一社会信用代码", *, required: bool = False) -> str | None:
    text = (value or "").strip().upper() if isinstance(value, str) else ""
    if not text:
        if required:
            raise PoolError("organisation_uscc", f"请填写{what}")
        return None
    if not is_valid_uscc(text):
        raise PoolError("organisation_uscc", f"{what}“{text[:20]}”不是有效的统一社会信用代码（18 位，含两位校验码）")
    return text


def clean_region(value) -> str | None:
    """Six digits of GB/T 2260 whose first two are a province (as core.facts checks a region)."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        return None
    if not REGION_RE.fullmatch(text):
        raise PoolError("region", f"所在地区代码应为六位数字（GB/T 2260），如 530102，实为“{text[:20]}”")
    if text[:2] not in PROVINCE_CODES:
        raise PoolError("region", f"所在地区代码 {text} 的前两位 {text[:2]} 不是 GB/T 2260 的省级行政区划代码")
    return text


def clean_status(value) -> str:
    if value not in STATUSES:
        raise PoolError("status", "状态应为在库或暂停")
    return value


def _checked(errors: dict[str, str], key: str, check):
    try:
        return check()
    except PoolError as exc:
        errors[key] = exc.message
        return None
    except Refused as exc:
        errors[key] = exc.message
        return None


def _profile_for_change(expert: User) -> ExpertProfile:
    profile = db.session.get(ExpertProfile, expert.id)
    if profile is None:
        profile = ExpertProfile(user_id=expert.id, fields=[], status=ACTIVE)
        db.session.add(profile)
    return profile


def save_profile(expert: User, actor, *, fields, organisation_name, organisation_uscc, region,
                 status: str | None = None, note: str | None = None) -> ExpertProfile:
    """Save ``expert``'s profile as typed: PoolError with ``errors`` (field → message) when any is
    wrong.  The expert himself saves his fields, organisation and region; the status and the note
    are the keeper's (``None``: left as they are)."""
    _require_own_or_keeper(expert, actor)
    if actor.id == expert.id:  # his own profile: the status and the note stay the keeper's
        status = note = None
    errors: dict[str, str] = {}
    new = {
        "fields": _checked(errors, "fields", lambda: clean_fields(fields)),
        "organisation_name": _checked(errors, "organisation_name", lambda: typed_text(
            organisation_name, "organisation_name", "工作单位", limit=200, required=False)),
        "organisation_uscc": _checked(errors, "organisation_uscc", lambda: clean_uscc(organisation_uscc)),
        "region": _checked(errors, "region", lambda: clean_region(region)),
    }
    if status is not None:
        new["status"] = _checked(errors, "status", lambda: clean_status(status))
    if note is not None:
        new["note"] = _checked(errors, "note", lambda: typed_text(note, "note", "备注", limit=NOTE_LIMIT,
                                                                  required=False))
    if errors:
        raise PoolError(next(iter(errors)), "专家资料有误，请按提示修改", errors)
    profile = _profile_for_change(expert)
    changed = [key for key, value in new.items() if getattr(profile, key) != value]
    for key in changed:
        setattr(profile, key, new[key])
    _audit("expert.profile_saved", expert, actor, changes=[PROFILE_WORDS[k] for k in changed],
           fields=list(profile.fields or []), pool_status=STATUS_WORDS.get(profile.status, profile.status))
    db.session.commit()
    return profile


def set_status(expert: User, actor, status: str, note: str | None = None) -> ExpertProfile:
    """Pause an expert (he is not drawn until resumed) or resume him; the keeper's alone."""
    _require_keeper_of(expert, actor)
    status = clean_status(status)
    profile = _profile_for_change(expert)
    if profile.status == status:
        raise PoolError("status", "该专家已暂停" if status == PAUSED else "该专家已在库")
    profile.status = status
    reason = typed_text(note, "note", "说明", limit=NOTE_LIMIT, required=False, refused=PoolError)
    _audit("expert.paused" if status == PAUSED else "expert.resumed", expert, actor, opinion=reason,
           pool_status=STATUS_WORDS[status])
    db.session.commit()
    return profile


# --- declared relationships (回避) -----------------------------------------------------------


def relationships_of(expert: User) -> list[ExpertRelationship]:
    return db.session.scalars(select(ExpertRelationship).where(ExpertRelationship.expert_id == expert.id)
                              .order_by(ExpertRelationship.recorded_at, ExpertRelationship.id)).all()


def add_relationship(expert: User, actor, *, organisation_uscc, organisation_name, relation) -> ExpertRelationship:
    """A relationship ``expert`` declares with an organisation (or its staff): the draw keeps him
    away from its applications.  PoolError with ``errors`` when the form is wrong."""
    _require_own_or_keeper(expert, actor)
    errors: dict[str, str] = {}
    uscc = _checked(errors, "organisation_uscc", lambda: clean_uscc(organisation_uscc, "该单位的统一社会信用代码",
                                                                     required=True))
    name = _checked(errors, "organisation_name", lambda: typed_text(
        organisation_name, "organisation_name", "单位名称", limit=200, required=False))
    what = _checked(errors, "relation", lambda: typed_text(relation, "relation", "关系说明", limit=200))
    if uscc and not errors and any(r.organisation_uscc == uscc for r in relationships_of(expert)):
        errors["organisation_uscc"] = f"已申报与统一社会信用代码为 {uscc} 的单位的关系"
    if errors:
        raise PoolError(next(iter(errors)), "申报的关系有误，请按提示修改", errors)
    row = ExpertRelationship(expert_id=expert.id, organisation_uscc=uscc, organisation_name=name, relation=what,
                             recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    _audit("expert.relationship_added", expert, actor, relationship=row.id, organisation_uscc=uscc,
           organisation_name=name, relation=what)
    db.session.commit()
    return row


def remove_relationship(expert: User, actor, relationship_id) -> None:
    _require_own_or_keeper(expert, actor)
    row = next((r for r in relationships_of(expert) if str(r.id) == str(relationship_id)), None)
    if row is None:
        raise PoolError("relationship", "没有这条申报的关系")
    _audit("expert.relationship_removed", expert, actor, relationship=row.id, organisation_uscc=row.organisation_uscc,
           organisation_name=row.organisation_name, relation=row.relation)
    db.session.delete(row)
    db.session.commit()


# --- the list and the history ---------------------------------------------------------------


def pool_list(actor, *, code: str | None = None, field: str | None = None, status: str | None = None,
              search: str | None = None) -> list[tuple[User, ExpertProfile]]:
    """The experts ``actor`` may see, filtered: serving ``code``, having ``field`` among his
    fields, of ``status``, a name or login containing ``search``."""
    query = visible_experts(actor)
    if code:
        query = query.where(User.id.in_(select(UserScope.user_id).where(UserScope.jurisdiction == code)))
    term = strip_control_characters((search or "").strip())[:100]
    if term:
        query = query.where(User.name.contains(term, autoescape=True) | User.login.contains(term, autoescape=True))
    experts = db.session.scalars(query.order_by(User.name, User.id)).all()
    rows = [(user, profile_of(user)) for user in experts]
    if field:
        rows = [(u, p) for u, p in rows if field in (p.fields or [])]
    if status in STATUSES:
        rows = [(u, p) for u, p in rows if (p.status or ACTIVE) == status]
    return rows


def known_fields(rows) -> list[str]:
    """Every field of expertise of ``rows``' profiles, sorted (the list's filter)."""
    return sorted({f for _, p in rows for f in (p.fields or [])})


def review_history(expert: User, viewer) -> dict:
    """The batches ``expert`` was assigned to and the applications he scored (date, total), in the
    jurisdictions ``viewer`` may see (the expert himself: all of his)."""
    if viewer.id == expert.id:
        codes = None
    else:  # the jurisdictions where the viewer reads the pool (issue 22: by the role held there)
        codes = codes_as(viewer, *READERS)
    assignments = db.session.scalars(
        select(ExpertAssignment).join(Batch, ExpertAssignment.batch_id == Batch.id)
        .where(ExpertAssignment.expert_id == expert.id, *([Batch.jurisdiction.in_(codes)] if codes is not None else []))
        .order_by(ExpertAssignment.assigned_at.desc(), ExpertAssignment.id.desc())).all()
    records = db.session.execute(
        select(ReviewRecord, Application).join(Application, ReviewRecord.application_id == Application.id)
        .where(ReviewRecord.actor_id == expert.id, ReviewRecord.action == SCORE,
               *([Application.jurisdiction.in_(codes)] if codes is not None else []))
        .order_by(ReviewRecord.created_at.desc(), ReviewRecord.id.desc())).all()
    scores = [{"record": r, "application": a, "at": r.created_at,
               "total": round(sum(v for v in (r.scores or {}).values() if isinstance(v, (int, float))), 2)}
              for r, a in records]
    return {"assignments": assignments, "scores": scores}
