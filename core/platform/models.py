"""The data model for the whole life of a title: from organisation and space,
through application and review, to recognition, subsidies and the years after.

SQLAlchemy 2 typed mappings; one portable JSON type; enums kept as short strings
(checked in code) so migrations stay the same on SQLite and PostgreSQL.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.platform import clock
from core.platform.extensions import db

JSONType = JSON().with_variant(JSONB(), "postgresql")


def trigram_index(table: str, column: str) -> Index:
    """A GIN trigram index on PostgreSQL for the admin lists' ``ILIKE '%…%'`` search
    (migration 0014); no index on SQLite, which has no such kind."""
    return Index(f"ix_{table}_{column}_trgm", column, postgresql_using="gin",
                 postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql")


def on_this_database(dialect: str):
    """Alembic's ``include_object`` for comparing models with a database of ``dialect``:
    Alembic does not read ``ddl_if``, so the trigram indexes are left out off PostgreSQL."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        return not (type_ == "index" and (name or "").endswith("_trgm") and dialect != "postgresql")

    return include


# The default of every timestamp column: the platform's one clock, in UTC as stored.
utcnow = clock.utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- people ------------------------------------------------------------------------


class Organisation(TimestampMixin, db.Model):
    """申报单位: the legal person that operates a space."""

    __tablename__ = "organisations"
    __table_args__ = (trigram_index("organisations", "name"), trigram_index("organisations", "uscc"))
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    entity_type: Mapped[str] = mapped_column(String(32), default="enterprise")
    registered_region: Mapped[str] = mapped_column(String(6))
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    # Unverified (None) until an officer checks the business licence among its uploaded
    # files (core.intake.organisations.verify): anyone may register any code first.
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    verified_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", use_alter=True))

    spaces: Mapped[list[Space]] = relationship(back_populates="organisation")

    def __str__(self) -> str:
        return self.name


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (trigram_index("users", "login"), trigram_index("users", "name"))
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(200), unique=True)  # e-mail or phone
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(32))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    region_prefix: Mapped[str | None] = mapped_column(String(6))  # a recommender's area
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when an officer gives a temporary password (core.accounts.portal_account): changed at next login.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Two-factor sign-in (core.accounts.two_factor): the TOTP secret once enrolled, and the last
    # time step accepted, so that one code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Mail (core.notify): where it goes (None: the login when it is an address) and how much of it
    # the user wants: every event, only his to-dos, or none (the inbox receives everything regardless).
    email: Mapped[str | None] = mapped_column(String(200))
    mail_preference: Mapped[str] = mapped_column(String(16), default="all", server_default="all")

    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    scopes: Mapped[list[UserScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt, werkzeug's default

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def jurisdiction_codes(self) -> set[str]:
        return {s.jurisdiction for s in self.scopes}

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __str__(self) -> str:
        return f"{self.name}（{self.login}）"


class UserSession(db.Model):
    """A login, known to the server (core.accounts.user_sessions): the browser's cookie carries a
    random token whose hash is kept here; logout, a password change, an idle or
    absolute timeout end it, and an ended session is refused even with a copied cookie."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(32))


class RecoveryCode(db.Model):
    """A one-time recovery code of the two-factor sign-in, stored hashed (core.accounts.two_factor)."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(300))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserNotice(db.Model):
    """A notice to a user about his own account (password changed or reset, two-factor
    sign-in changed), shown after his next login and on his account page; mail follows
    with the notifications issue."""

    __tablename__ = "user_notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserScope(db.Model):
    """A staff user's jurisdiction: nobody sees another jurisdiction's records."""

    __tablename__ = "user_scopes"
    __table_args__ = (UniqueConstraint("user_id", "jurisdiction"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    # The role held in this jurisdiction and its area (issue 22: 昆明's officer recommends for 云南 in
    # 5301); None: the user's own ``role`` / ``region_prefix``, as before roles per jurisdiction.
    role: Mapped[str | None] = mapped_column(String(32))
    region_prefix: Mapped[str | None] = mapped_column(String(6))

    user: Mapped[User] = relationship(back_populates="scopes")


# --- jurisdictions, bureau settings ------------------------------------------------


class JurisdictionSetting(db.Model):
    """The admin's on/off switch for an installed jurisdiction (absent row: on)."""

    __tablename__ = "jurisdiction_settings"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class BureauSetting(db.Model):
    """A value the policy leaves to the bureau (or a bureau's override of a policy
    parameter), with the document the bureau names for it."""

    __tablename__ = "bureau_settings"
    __table_args__ = (UniqueConstraint("jurisdiction", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    key: Mapped[str] = mapped_column(String(100))
    # A fresh type instance: Mutable*.as_mutable(JSONType) elsewhere tracks every column
    # sharing the JSONType object, and would refuse a scalar value here.
    value: Mapped[Any] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    document: Mapped[str | None] = mapped_column(String(200))
    article: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class BureauPolicyVersion(db.Model):
    """A policy version a bureau registers in the admin (e.g. a successor to a lapsed
    one), reusing the criteria of the version it is ``based_on``."""

    __tablename__ = "bureau_policy_versions"
    __table_args__ = (UniqueConstraint("jurisdiction", "document"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    document: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    based_on: Mapped[str | None] = mapped_column(String(100))
    notice_days: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class BureauCriterion(db.Model):
    """An auto criterion a bureau enters as data where the encoded policy has none
    (e.g. Xuzhou's thresholds from a document we do not have): a fact key of
    CONTRACTS §1, a comparison and a threshold, cited to the document the bureau names."""

    __tablename__ = "bureau_criteria"
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str | None] = mapped_column(String(32))  # None: every category
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    fact_key: Mapped[str] = mapped_column(String(64))
    operator: Mapped[str] = mapped_column(String(8))  # >= | <= | == | true
    threshold: Mapped[Any] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))  # scalar: see BureauSetting.value
    document: Mapped[str] = mapped_column(String(200))
    article: Mapped[str | None] = mapped_column(String(100))
    item: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CalendarDay(db.Model):
    """The bureau's working-day calendar, for years the holiday package does not know
    yet, or corrections: a date and whether it is a working day."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200))


class CalendarYear(db.Model):
    """A year of the bureau's working-day calendar, and whether its arrangement (调休) has
    been entered completely.  Only a complete year counts as known (CONTRACTS §3): the
    entry of single days never does."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    document: Mapped[str | None] = mapped_column(String(200))  # the State Council notice it follows
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# --- spaces and applications -------------------------------------------------------


class Space(TimestampMixin, db.Model):
    """众创空间: described once by its operator (facts of CONTRACTS §1) and reused by
    every application."""

    __tablename__ = "spaces"
    __table_args__ = (trigram_index("spaces", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(6), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    opened_on: Mapped[date | None] = mapped_column(Date)
    facts: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSONType), default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # Two tabs or two colleagues editing the same space: the later save is refused,
    # not silently written over the earlier one (checked by every UPDATE).
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(back_populates="spaces")
    residents: Mapped[list[Resident]] = relationship(back_populates="space", cascade="all, delete-orphan")
    graduates: Mapped[list[GraduatedEnterprise]] = relationship(
        back_populates="space", cascade="all, delete-orphan"
    )
    team_members: Mapped[list[TeamMember]] = relationship(back_populates="space", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class Resident(db.Model):
    """入驻企业或创业团队 (申报书 入驻企业或创业团队基本情况表)."""

    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="enterprise")  # team | enterprise
    qualifying_field: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_on: Mapped[date] = mapped_column(Date)
    established_on: Mapped[date | None] = mapped_column(Date)
    registered_in_space: Mapped[bool] = mapped_column(Boolean, default=False)
    main_product: Mapped[str | None] = mapped_column(String(200))
    output_value_wan: Mapped[float | None] = mapped_column(Numeric(14, 2))
    sales_wan: Mapped[float | None] = mapped_column(Numeric(14, 2))
    employees: Mapped[int | None] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(50))

    space: Mapped[Space] = relationship(back_populates="residents")


class GraduatedEnterprise(db.Model):
    """已毕业企业或创业团队."""

    __tablename__ = "graduated_enterprises"
    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    main_product: Mapped[str | None] = mapped_column(String(200))
    entered_on: Mapped[date | None] = mapped_column(Date)
    graduated_on: Mapped[date | None] = mapped_column(Date)
    employees: Mapped[int | None] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(50))

    space: Mapped[Space] = relationship(back_populates="graduates")


class TeamMember(db.Model):
    """团队成员 (申报书 基本信息表): 创办负责人 and members."""

    __tablename__ = "team_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[str] = mapped_column(String(32), default="member")  # founder | member
    phone: Mapped[str | None] = mapped_column(String(50))
    speciality: Mapped[str | None] = mapped_column(String(100))
    full_time: Mapped[bool] = mapped_column(Boolean, default=True)
    services: Mapped[str | None] = mapped_column(String(300))

    space: Mapped[Space] = relationship(back_populates="team_members")


class Call(TimestampMixin, db.Model):
    """A call for applications (申报通知) with open and close dates."""

    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(300))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    # Its own type instance: MutableDict.as_mutable(JSONType) below would otherwise
    # claim this column too and refuse a list.
    categories: Mapped[list] = mapped_column(MutableList.as_mutable(JSON().with_variant(JSONB(), "postgresql")),
                                             default=list)
    # the notice's text as the bureau publishes it (plain text, paragraphs by blank lines) and whether it is
    # public yet: a draft is seen only in the admin, with its preview (/calls/, core.public)
    body: Mapped[str | None] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    attachments: Mapped[list[CallAttachment]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallAttachment.id")


class StoredFile:
    """The columns of an uploaded file kept outside the web root under a generated name, checked and
    written by ``core.platform.uploads.save`` whatever it belongs to."""

    original_name: Mapped[str] = mapped_column(String(300))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CallAttachment(StoredFile, db.Model):
    """A document published with a call (申报通知的附件: the notice itself, forms, guides),
    stored outside the web root under a generated name like an application's uploads."""

    __tablename__ = "call_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)

    call: Mapped[Call] = relationship(back_populates="attachments")


class ApiClient(db.Model):
    """Another government system allowed to read the API (/api/v1, core.api): issued by the admin,
    scoped to jurisdictions, read-only.  Only the SHA-256 of its token is kept (the token is shown
    once, when issued); ``token_prefix`` lets people tell tokens apart.  Revoked: never valid again."""

    __tablename__ = "api_clients"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))
    jurisdictions: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Batch(TimestampMixin, db.Model):
    """A review batch (分批组织专家实地查验和集中评审), decided by the leadership."""

    __tablename__ = "batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(32), default="open")
    decision: Mapped[str | None] = mapped_column(String(32))
    decided_on: Mapped[date | None] = mapped_column(Date)
    minutes_ref: Mapped[str | None] = mapped_column(String(200))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Blind review (issue 22): the experts see no applicant's name where the bureau wants it so.
    blind: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The day the experts' scores are due (issue 22, the expert's to-do list and its reminders); our
    # choice of the officer's, no document sets one.
    review_due_on: Mapped[date | None] = mapped_column(Date)

    applications: Mapped[list[Application]] = relationship(back_populates="batch")
    experts: Mapped[list[ExpertAssignment]] = relationship(back_populates="batch", cascade="all, delete-orphan")


class ExpertAssignment(db.Model):
    """An expert invited to review one batch; sees only that batch's applications,
    and only after declaring no conflict of interest."""

    __tablename__ = "expert_assignments"
    __table_args__ = (UniqueConstraint("batch_id", "expert_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    no_conflict_declared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A declared conflict of interest: the expert may not score this batch (core.review.batches).
    conflict_declared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    conflict_note: Mapped[str | None] = mapped_column(Text)

    batch: Mapped[Batch] = relationship(back_populates="experts")
    expert: Mapped[User] = relationship(foreign_keys=[expert_id])


# --- the expert pool (专家库) and its random draws (issue 22; core.review.expert_pool, draws) -----------


class ExpertProfile(TimestampMixin, db.Model):
    """What the pool knows of an expert user: fields of expertise, the organisation he works for
    (回避: the same organisation as an applicant), where (回避 by district, where the bureau sets it)
    and whether he is drawn at all (active / paused).  The jurisdictions he serves are his scopes."""

    __tablename__ = "expert_profiles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    fields: Mapped[list] = mapped_column(MutableList.as_mutable(JSON().with_variant(JSONB(), "postgresql")),
                                         default=list)
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    organisation_uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    region: Mapped[str | None] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ExpertRelationship(db.Model):
    """A relationship an expert declared with an organisation (or its staff): the draw keeps him
    away from its applications (回避)."""

    __tablename__ = "expert_relationships"
    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_uscc: Mapped[str] = mapped_column(String(18), index=True)
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ExpertDraw(db.Model):
    """One random draw of experts for a batch, kept so that it can be shown and repeated: the seed,
    the eligible pool in the order drawn from, who was kept away and why, and who was drawn.  A
    replacement draw (after a declared conflict) names the expert it replaces."""

    __tablename__ = "expert_draws"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="draw")  # draw | replacement
    seed: Mapped[str] = mapped_column(String(40))
    requested: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    pool: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    excluded: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=dict)
    drawn: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConflictDeclaration(db.Model):
    """An expert's declaration for one application of his batch (issue 22): a conflict of interest or
    none, chosen explicitly.  His assignment's own two moments sum them up: no conflict once he has
    declared none for every application, a conflict as soon as he declares one (he is replaced)."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("assignment_id", "application_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("expert_assignments.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    conflict: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScoreDraft(db.Model):
    """An expert's score sheet saved before it is submitted (issue 22): his alone, replaced on each
    save, gone when he submits (the submitted sheet is a ReviewRecord)."""

    __tablename__ = "score_drafts"
    __table_args__ = (UniqueConstraint("batch_id", "application_id", "expert_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scores: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScoreQuery(db.Model):
    """The officer's request that an expert confirm or revise a score far from the others (issue 22),
    and the answer: confirmed, or revised by a new score sheet."""

    __tablename__ = "score_queries"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("review_records.id"), index=True)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(String(16))  # confirmed | revised
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revised_record_id: Mapped[int | None] = mapped_column(ForeignKey("review_records.id"))


class StepAssignment(db.Model):
    """An officer's assignment of an application's review step to a named recommender
    (issue 13: no recommender's area covers the space, so nobody could act).  The
    assignee sees the application and acts at the recommender's steps as if his area
    covered it (``core.accounts.scoping``); every assignment is also an audit event."""

    __tablename__ = "step_assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    step: Mapped[str] = mapped_column(String(64))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])


APPLICATION_STATUSES = (
    "draft", "submitted", "in_review", "returned", "under_notice",
    "recognised", "rejected", "withdrawn",
)


class Application(TimestampMixin, db.Model):
    """One application of a space to one jurisdiction for one category, judged under
    the policy version in force on its submission date."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("jurisdiction", "official_number"),
        trigram_index("applications", "official_number"),
        # the dashboard: its counts by (jurisdiction, status) (core.admin.dashboard) and its 无人可办理
        # grouped by what fixes the step (core.review.attendance); migration 0015, replacing 0013's
        Index("ix_applications_step_groups", "jurisdiction", "status", "category", "policy_document", "current_step",
              "submitted_on"),
        # the dashboard's overdue count (core.admin.glance.overdue_steps), read from the index alone; migration 0022
        Index("ix_applications_waiting", "status", "jurisdiction", "submitted_on", "updated_at", "id"),
        # the dashboard's time in each step: the scope and category of the application of each stay, by id,
        # from the index alone (core.admin.glance.time_in_step); migration 0022
        Index("ix_applications_scope", "id", "jurisdiction", "status", "category"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(32))
    policy_document: Mapped[str | None] = mapped_column(String(100))
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    status: Mapped[str] = mapped_column(String(32), default="draft", index=True)
    current_step: Mapped[str | None] = mapped_column(String(64))
    facts: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSONType), default=dict)
    form_data: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSONType), default=dict)
    official_number: Mapped[str | None] = mapped_column(String(64))  # 编号, by the bureau
    # The title as the officer confirmed it before the award (core.award.titles); None: the
    # policy's formula applied to the space's name.
    certificate_title: Mapped[str | None] = mapped_column(String(200))
    submitted_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    space: Mapped[Space] = relationship()
    organisation: Mapped[Organisation] = relationship()
    batch: Mapped[Batch | None] = relationship(back_populates="applications")
    call: Mapped[Call | None] = relationship()

    # Optimistic locking: two officers acting at once, the second gets StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return f"#{self.id} {self.space.name if self.space else ''}"


class Attachment(StoredFile, db.Model):
    """An uploaded proof, stored outside the web root under a generated name."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    material: Mapped[str | None] = mapped_column(String(64))


class ReviewRecord(db.Model):
    """What a reviewer did at a step: recommendation, scores, decision…"""

    __tablename__ = "review_records"
    # the dashboard (core.admin.glance, migration 0022): the moves of a period (time in each step, the
    # overdue count), and the move before one, read from the index alone
    __table_args__ = (Index("ix_review_records_created_at", "created_at"),
                      Index("ix_review_records_moves", "application_id", "created_at", "id", "action", "step"))
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))  # first of ix_review_records_moves
    step: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    opinion: Mapped[str | None] = mapped_column(Text)
    scores: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSONType), default=dict)
    judgements: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSONType), default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PublicNotice(TimestampMixin, db.Model):
    """公示: a batch's approved applications shown to the public for a period."""

    __tablename__ = "public_notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    title: Mapped[str] = mapped_column(String(300))
    published_on: Mapped[date] = mapped_column(Date)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    period_source: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(32), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    entries: Mapped[list[NoticeEntry]] = relationship(back_populates="notice", cascade="all, delete-orphan")


class NoticeEntry(db.Model):
    """An application listed on a public notice."""

    __tablename__ = "notice_entries"
    __table_args__ = (UniqueConstraint("notice_id", "application_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notices.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)

    notice: Mapped[PublicNotice] = relationship(back_populates="entries")
    application: Mapped[Application] = relationship()


class Objection(TimestampMixin, db.Model):
    """异议: filed by anyone against a notice; contact visible to officers only."""

    __tablename__ = "objections"
    id: Mapped[int] = mapped_column(primary_key=True)
    # 受理回执号 YY-YYYYMMDD-NNNN (YY 异议, the filing day, the objection's serial number):
    # shown to the objector on submission and to officers with the objection.
    receipt_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notices.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    client_address: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32), default="open")  # open | upheld | dismissed
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- after the title -----------------------------------------------------------------


class Recognition(db.Model):
    """The title awarded, with a certificate number unique per jurisdiction."""

    __tablename__ = "recognitions"
    __table_args__ = (UniqueConstraint("jurisdiction", "certificate_number"),
                      trigram_index("recognitions", "certificate_number"), trigram_index("recognitions", "title"),
                      # the dashboard's titles per year and level (core.admin.glance), migration 0022
                      Index("ix_recognitions_granted", "jurisdiction", "granted_on", "level"))
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    certificate_number: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(32))  # municipal | provincial | national
    granted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32), default="active")  # active | rectification | revoked
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    # set with revoked_on by the leader's decision (core.monitoring.revocations): the grounds of
    # CONTRACTS §6 (``revocation_grounds``), the articles they come from, and the last day of a
    # ban on applying again that the policy attaches (云科规〔2021〕1号 认定与管理: fraud, 2 years)
    revocation_grounds: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    revocation_citations: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    ban_until: Mapped[date | None] = mapped_column(Date)

    space: Mapped[Space] = relationship()


class CertificateSequence(db.Model):
    """The last certificate number issued per jurisdiction and year; incremented with
    a conditional UPDATE so two awards at the same moment never share a number."""

    __tablename__ = "certificate_sequences"
    jurisdiction: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class SubsidyEntitlement(TimestampMixin, db.Model):
    """Money (or support without a fixed amount) owed for an event, and its life
    (core.money.lifecycle): pending → approved → paid, or cancelled.  It hangs on a title of
    this deployment (``recognition_id``) or on a title won elsewhere that the bureau recorded
    (``external_title_id``); ``space_id`` and ``year`` (the event's) serve the duplicate-support
    view across jurisdictions (云政办发〔2016〕65号 (十五))."""

    __tablename__ = "subsidy_entitlements"
    # an assessment's grade gives each rule's money once (core.monitoring.assessments.approve);
    # a title won elsewhere gives each rule's money once too (core.money.external_titles)
    __table_args__ = (UniqueConstraint("assessment_id", "rule_code"),
                      UniqueConstraint("external_title_id", "rule_code"))
    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int | None] = mapped_column(ForeignKey("recognitions.id"), index=True)
    external_title_id: Mapped[int | None] = mapped_column(ForeignKey("external_titles.id"), index=True)
    # the annual assessment an ``evaluated`` entitlement was approved on (None: the award's)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    rule_code: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(200))
    amount_cny: Mapped[int | None] = mapped_column(Integer)
    citation: Mapped[dict] = mapped_column(JSONType, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default="pending")  # pending | approved | paid | cancelled
    # approval: the amount approved (the entitlement's, or the bureau's where the policy fixes none),
    # the fund it is charged to, a leader's reason for going beyond the fund, the overlaps flagged
    # at approval and the officer's written justification
    approved_amount_cny: Mapped[int | None] = mapped_column(Integer)
    approved_on: Mapped[date | None] = mapped_column(Date)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("support_funds.id"), index=True)
    budget_override_reason: Mapped[str | None] = mapped_column(Text)
    overlap_flags: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    overlap_justification: Mapped[str | None] = mapped_column(Text)
    # payment
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_amount_cny: Mapped[int | None] = mapped_column(Integer)
    voucher_number: Mapped[str | None] = mapped_column(String(64))
    paying_body: Mapped[str | None] = mapped_column(String(200))
    payment_difference_reason: Mapped[str | None] = mapped_column(Text)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # cancellation
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class SupportFund(TimestampMixin, db.Model):
    """A jurisdiction's fund for one year (徐政发〔2016〕12号 五（一） 2000 万元 市众创空间奖补资金):
    its amount with the article that fixes it (``source`` ``policy``), or the bureau's amount where
    no document does (``source`` ``bureau``).  Approvals are charged to it (core.money.funds)."""

    __tablename__ = "support_funds"
    __table_args__ = (UniqueConstraint("jurisdiction", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    amount_cny: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # policy | bureau
    citation: Mapped[dict] = mapped_column(JSONType, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class ExternalTitle(TimestampMixin, db.Model):
    """A title the space holds outside this deployment (国家级 科技部 备案, another province's
    or city's), recorded by a bureau with its document number, date and evidence; it makes the
    recording jurisdiction's support for that level reachable (徐政发〔2016〕12号 五（一）)."""

    __tablename__ = "external_titles"
    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)  # the bureau that recorded it
    level: Mapped[str] = mapped_column(String(32))  # national | provincial | municipal
    awarding_body: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    document_number: Mapped[str] = mapped_column(String(100))
    granted_on: Mapped[date] = mapped_column(Date)
    evidence_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(32), default="active")  # active | withdrawn
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    space: Mapped[Space] = relationship()


class StatisticsWindow(TimestampMixin, db.Model):
    """The filing window a bureau opens for the returns of one year: its deadline is the
    bureau's (no policy sets one).  ``closed_at`` is set when the window is closed and the
    titles without an accepted return were marked 未填报 (``StatisticsMiss``)."""

    __tablename__ = "statistics_windows"
    __table_args__ = (UniqueConstraint("jurisdiction", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StatisticsReturn(TimestampMixin, db.Model):
    """年度统计数据: one return per space and year, read by every jurisdiction where the
    space holds a live title (core.monitoring.returns)."""

    __tablename__ = "statistics_returns"
    __table_args__ = (UniqueConstraint("space_id", "year"), Index("ix_statistics_returns_year_status", "year", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32), default="draft")  # draft | submitted | returned | accepted
    data: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSONType), default=dict)
    # the applicant's explanation of each warning, by rule id
    explanations: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSONType), default=dict)
    # the year-end resident list, taken from 我的众创空间 when the return is submitted; always
    # assigned whole (a fresh type instance: as_mutable(JSONType) would track it as a dict)
    residents: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    # the jurisdiction whose bureau checks it, fixed at submission (core.monitoring.returns.checking_jurisdiction)
    checking_jurisdiction: Mapped[str | None] = mapped_column(String(32), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    space: Mapped[Space] = relationship()


class StatisticsMiss(TimestampMixin, db.Model):
    """未填报: a title without an accepted return for a year whose window has closed.
    ``excused`` with ``reason`` is the 特殊原因 an officer recorded (CONTRACTS §6)."""

    __tablename__ = "statistics_misses"
    __table_args__ = (UniqueConstraint("recognition_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int] = mapped_column(Integer)
    excused: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    excused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    excused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    recognition: Mapped[Recognition] = relationship()


class ChangeReport(TimestampMixin, db.Model):
    """A change of the conditions of recognition (运营主体、面积范围、场地位置) reported by
    a space with a live title (core.monitoring.changes)."""

    __tablename__ = "change_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # operator | area | location
    changed_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    # found (by the bureau, not reported) | reported | forwarded (checked by the 州（市）) | returned
    # | accepted | recheck (the criteria to be re-checked)
    status: Mapped[str] = mapped_column(String(32), default="reported")
    reported_on: Mapped[date | None] = mapped_column(Date)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    check_opinion: Mapped[str | None] = mapped_column(Text)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_opinion: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    recognition: Mapped[Recognition] = relationship()


class AssessmentRound(TimestampMixin, db.Model):
    """年度考核: the round a bureau opens for year ``year`` over its live titles.

    open (scoring) → submitted (totals and grades computed, awaiting the leader) → approved
    (the leader's decision; ``evaluated`` entitlements created) → published.  ``weights`` and
    ``bands`` are the bureau settings applied, copied when the totals are computed so a later
    change of the settings does not rewrite an approved round.  ``report_attachment_id`` is an
    external agency's report (徐政发〔2016〕12号 五（一）: 由社会机构…评价考核)."""

    __tablename__ = "assessment_rounds"
    __table_args__ = (UniqueConstraint("jurisdiction", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32), default="open")  # open | submitted | approved | published
    note: Mapped[str | None] = mapped_column(Text)
    weights: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=dict)
    bands: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    agency: Mapped[str | None] = mapped_column(String(200))
    report_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approval_opinion: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    assessments: Mapped[list["Assessment"]] = relationship(back_populates="round")
    scorers: Mapped[list["AssessmentScorer"]] = relationship(back_populates="round", cascade="all, delete-orphan")


class AssessmentScorer(db.Model):
    """An officer or invited expert who scores a round; scores nothing before declaring no
    conflict of interest, and nothing at all after declaring one (as for the review)."""

    __tablename__ = "assessment_scorers"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    no_conflict_declared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    conflict_declared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    conflict_note: Mapped[str | None] = mapped_column(Text)

    round: Mapped[AssessmentRound] = relationship(back_populates="scorers")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Assessment(db.Model):
    """年度考核 of one recognised space in a round: the averaged dimension scores, the weighted
    total, the rank (弥勒 第十五条 排序) and the grade (excellent | good | qualified | unqualified),
    or the grade an external agency gave (徐州)."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("recognition_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_rounds.id"), index=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    scores: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSONType), default=dict)
    total: Mapped[float | None] = mapped_column(Numeric(8, 2))
    rank: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(32))  # excellent | good | qualified | unqualified
    note: Mapped[str | None] = mapped_column(Text)

    round: Mapped[AssessmentRound | None] = relationship(back_populates="assessments")
    recognition: Mapped[Recognition] = relationship()
    sheets: Mapped[list["AssessmentScore"]] = relationship(back_populates="assessment", cascade="all, delete-orphan")


class AssessmentScore(db.Model):
    """One scorer's sheet for one space: a score per dimension of the jurisdiction's scheme."""

    __tablename__ = "assessment_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "scorer_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    scorer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scores: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=dict)
    opinion: Mapped[str | None] = mapped_column(Text)
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="sheets")


class Rectification(TimestampMixin, db.Model):
    """限期整改 ordered by an officer: ordered → reported (the space's report and evidence) →
    passed | failed (the officer's judgement, after hearing the space).  ``ground`` says why:
    ``assessment`` (an unqualified assessment, ``assessment_id``) or ``cannot_operate``
    (云科规〔2021〕1号 动态考核评价: 经营出现问题…限期一年整改); ``citation`` the article."""

    __tablename__ = "rectifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    ground: Mapped[str] = mapped_column(String(32))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"))
    citation: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=dict)
    requirements: Mapped[str] = mapped_column(Text)
    ordered_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    ordered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(32), default="ordered")  # ordered | reported | passed | failed
    report: Mapped[str | None] = mapped_column(Text)
    report_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    reported_on: Mapped[date | None] = mapped_column(Date)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 陈述申辩: what the space said before the judgement
    statement: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(String(32))  # passed | failed
    judged_on: Mapped[date | None] = mapped_column(Date)
    judged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    judgement: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    recognition: Mapped[Recognition] = relationship()


class Finding(TimestampMixin, db.Model):
    """A fact an officer records against a title with its evidence (CONTRACTS §6 ``findings``):
    fraud | serious_dishonesty | serious_violation | operator_deregistered |
    cannot_meet_criteria | cannot_operate."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    found_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))  # e.g. 信用中国 严重失信主体名单
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recognition: Mapped[Recognition] = relationship()


class Revocation(TimestampMixin, db.Model):
    """撤销称号: proposed by an officer on the grounds of a title's standing, decided by the
    leader at a meeting (as for the award).  proposed → revoked | rejected.  ``grounds`` are
    the §6 grounds at the proposal (id, citation, message); ``ground_codes`` the
    ``revocation_grounds`` vocabulary; ``ban_until`` the ban the policy attaches, if any."""

    __tablename__ = "revocations"
    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(32), default="proposed")  # proposed | revoked | rejected
    grounds: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    ground_codes: Mapped[list] = mapped_column(JSON().with_variant(JSONB(), "postgresql"), default=list)
    proposal: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    meeting_on: Mapped[date | None] = mapped_column(Date)
    minutes_ref: Mapped[str | None] = mapped_column(String(200))
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    ban_until: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    recognition: Mapped[Recognition] = relationship()


# --- the audit log -------------------------------------------------------------------


# --- reaching people: the task queue, the inbox, mail, reminders, downloads (issue 19) ------


class TaskRun(db.Model):
    """One run of slow or outside work (core.platform.queue): written in the transaction that
    asks for it, so a rolled-back change queues nothing; run inline or by a Celery worker.
    status: queued | running | retrying | done | failed."""

    __tablename__ = "task_runs"
    __table_args__ = (Index("ix_task_runs_status_retry_at", "status", "retry_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Notification(db.Model):
    """An event as it reached one user's inbox (core.notify): what happened, to which record,
    when, and whether he has read it.  The words are made when shown, in his language."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    jurisdiction: Mapped[str | None] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))
    is_todo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboundMail(db.Model):
    """A mail to one user (core.notify.mail), sent through the queue.
    status: queued | sent | failed | held (no mail server configured, or no address)."""

    __tablename__ = "outbound_mails"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReminderSent(db.Model):
    """A reminder given: once per user, kind, thing and day (core.notify.reminders), so running
    the day's reminders twice sends nothing twice."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "kind", "thing", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    thing: Mapped[str] = mapped_column(String(100))
    day: Mapped[date] = mapped_column(Date)


class Download(db.Model):
    """A large export made by the queue for one user, listed on his 我的下载 page.
    status: queued | ready | failed; the file is kept in the private folder ``<instance>/downloads``."""

    __tablename__ = "downloads"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    filename: Mapped[str | None] = mapped_column(String(200))
    stored_name: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEvent(db.Model):
    """Every state change: who, when, from where, what, from-state, to-state.

    Append-only: the ORM refuses updates and deletes (below) and the migration adds
    database triggers that refuse them too.
    """

    __tablename__ = "audit_events"
    # the case timeline's filter (core.review.admin_case.timeline_events; migration 0013)
    __table_args__ = (Index("ix_audit_events_object_type_object_id", "object_type", "object_id"),
                      trigram_index("audit_events", "actor_name"), trigram_index("audit_events", "action"),
                      trigram_index("audit_events", "object_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    client_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    jurisdiction: Mapped[str | None] = mapped_column(String(32), index=True)
    from_state: Mapped[str | None] = mapped_column(String(64))
    to_state: Mapped[str | None] = mapped_column(String(64))
    opinion: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSONType, default=dict)


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_change(mapper, connection, target):
    raise AppendOnlyError("审计日志只允许追加，不可修改或删除")
