"""A space's facts and the operations that change a space (the only code that writes one).

``space_facts`` assembles the CONTRACTS §1 object an application starts from, out of the
organisation's columns, the space's columns, its rows and ``Space.facts``; ``save_space``
and ``import_residents`` write a space with its audit event, used by the portal's space
pages and ``core.demo`` alike.
"""
from __future__ import annotations

import copy

from core.platform import audit, clock
from core.platform.extensions import db
from core.facts import parse_facts
from core.platform.models import GraduatedEnterprise, Resident, Space, TeamMember

# Facts kept in their own columns rather than in Space.facts.
ORGANISATION_KEYS = ("applicant_name", "uscc", "entity_type", "registered_region")
SPACE_KEYS = ("space_name", "space_region", "space_opened_on")


def space_facts(space: Space) -> dict:
    """The facts an application starts from: the space's stored facts (CONTRACTS §1),
    with the organisation's and the space's own columns and the residents' table over
    them, so an application shows what the applicant keeps under "my space"."""
    facts = copy.deepcopy(dict(space.facts or {}))
    org = space.organisation
    facts.update(applicant_name=org.name, uscc=org.uscc, registered_region=org.registered_region,
                 space_name=space.name, space_region=space.region)
    facts.setdefault("entity_type", org.entity_type)
    if space.opened_on:
        facts["space_opened_on"] = space.opened_on.isoformat()
    if space.residents:
        facts["residents"] = [{
            "name": r.name, "kind": r.kind, "qualifying_field": bool(r.qualifying_field),
            "entered_on": r.entered_on.isoformat(),
            "established_on": r.established_on.isoformat() if r.established_on else None,
            "registered_in_space": bool(r.registered_in_space),
        } for r in space.residents]
    return facts


def space_extra(space: Space) -> dict:
    """What "my space" holds beyond the facts of §1, as the ``extra`` of
    ``FactsForm.from_facts``: each resident's further columns (主要产品, 从业人数, 联系电话,
    产值, 销售额; in the order of ``space_facts``' residents), the graduated enterprises,
    the team members (创办负责人 first) and the address.  A form takes the keys it has
    fields for and ignores the others, so every jurisdiction's form is pre-filled with
    everything the space holds that it asks (docs/portal-space.md, "Pre-filled from my space")."""
    extra: dict = {"residents": [{
        "main_product": r.main_product, "employees": r.employees, "phone": r.phone,
        "output_value_wan": r.output_value_wan, "sales_wan": r.sales_wan,
    } for r in space.residents]}
    extra["graduates"] = [{
        "name": g.name, "main_product": g.main_product, "entered_on": g.entered_on,
        "graduated_on": g.graduated_on, "employees": g.employees, "phone": g.phone,
    } for g in space.graduates]
    members = sorted(space.team_members, key=lambda m: m.position != "founder")  # stable: stored order kept
    extra["team_members"] = [{
        "name": m.name, "position": m.position, "phone": m.phone, "speciality": m.speciality,
        "full_time": bool(m.full_time), "services": m.services,
    } for m in members]
    # 昆明's 服务团队及主要负责人 (昆科发〔2017〕55号 第五条（四）): the same people, 职务 in words;
    # the columns the space does not keep (行业背景…) are left for the applicant.
    extra["service_team"] = [{"name": m.name, "position": TEAM_POSITIONS.get(m.position, "")} for m in members]
    if space.address:
        extra["space_address"] = space.address
    return extra


# 职务 of a team member in words (also the choices of the space form's 职务).
TEAM_POSITIONS = {"founder": "创办负责人", "member": "成员"}



def facts_of(space: Space) -> dict:
    """The CONTRACTS §1 object of ``space``: what an application is pre-filled with
    (``space_facts``, the one place that assembles it), residents always listed."""
    facts = space_facts(space)
    facts.setdefault("residents", [])
    return facts


def _store(space: Space, form) -> None:
    """Copy the validated form onto the organisation, the space and its rows."""
    facts = form.to_facts()
    org = space.organisation
    org.name, org.entity_type, org.registered_region = (
        facts["applicant_name"], facts["entity_type"], facts["registered_region"])
    space.name, space.region, space.opened_on = facts["space_name"], facts["space_region"], form.space_opened_on.data
    space.facts = {k: v for k, v in facts.items() if k not in ORGANISATION_KEYS + SPACE_KEYS + ("residents",)}
    space.residents = [
        Resident(name=e.form.name.data, kind=e.form.kind.data, qualifying_field=bool(e.form.qualifying_field.data),
                 entered_on=e.form.entered_on.data, established_on=e.form.established_on.data,
                 registered_in_space=bool(e.form.registered_in_space.data), main_product=e.form.main_product.data or None,
                 employees=e.form.employees.data, phone=e.form.phone.data or None)
        for e in form.residents.entries]
    space.graduates = [
        GraduatedEnterprise(name=e.form.name.data, main_product=e.form.main_product.data or None,
                            entered_on=e.form.entered_on.data, graduated_on=e.form.graduated_on.data,
                            employees=e.form.employees.data, phone=e.form.phone.data or None)
        for e in form.graduates.entries]
    space.team_members = [
        TeamMember(name=e.form.name.data, position=e.form.position.data, phone=e.form.phone.data or None,
                   speciality=e.form.speciality.data or None, full_time=bool(e.form.full_time.data),
                   services=e.form.services.data or None)
        for e in form.team_members.entries]


def _changed_keys(before: dict, after: dict) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def save_space(space: Space | None, org, form, actor=None) -> Space:
    """Create (``space`` None) or update a space of ``org`` from a validated ``SpaceForm`` (``core.intake.portal_space``),
    without HTTP: the facts checked by ``parse_facts`` (the contract every stored fact
    obeys; ``FactsError`` before anything is written), copied onto the organisation, the
    space and its rows, the audit event ``space.create`` or ``space.update`` (``actor``:
    by default the logged-in user), committed.  The view and ``core.demo`` both call it."""
    parse_facts(form.to_facts())
    creating = space is None
    if creating:
        space = Space(organisation=org, name=form.space_name.data, region=form.space_region.data)
        db.session.add(space)
    before = {} if creating else facts_of(space)
    _store(space, form)
    space.updated_at = clock.utcnow()  # written even when only its tables changed: the version moves on
    db.session.flush()
    audit.record("space.create" if creating else "space.update", space, actor=actor,
                 changed=_changed_keys(before, facts_of(space)),
                 residents=len(space.residents), graduates=len(space.graduates),
                 team_members=len(space.team_members))
    db.session.commit()
    return space




def import_residents(space: Space, rows: list[dict], file_name: str, actor=None) -> None:
    """Add the residents parsed from an Excel file (``core.intake.residents_import.parse``)
    to ``space`` with the audit event ``space.residents_import``, committed."""
    for row in rows:
        space.residents.append(Resident(**row))
    space.updated_at = clock.utcnow()  # the space row is written: its version moves on
    db.session.flush()
    audit.record("space.residents_import", space, actor=actor, rows=len(rows), file=file_name[:200],
                 names=[r["name"] for r in rows][:50])
    db.session.commit()
