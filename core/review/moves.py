"""What every part of the workflow shares: the error that refuses a move, the statuses at
which an application waits at a step, its state as an audit event records it, and the
scope check asked of the database.  Lowest of the workflow's modules, so that
:mod:`core.review.attendance` and :mod:`core.review.workflow` both build on it.
"""
from __future__ import annotations

from sqlalchemy import select

from core.accounts.scoping import application_criteria
from core.platform.errors import Refused
from core.platform.extensions import db
from core.platform.models import Application

__all__ = ["ACTIVE", "WorkflowError", "StaleError", "state_of", "visible"]

ACTIVE = ("submitted", "in_review")


class WorkflowError(Refused):
    """A move refused: ``key`` names the action or field, ``message`` says why in Chinese."""

    key_in_text = False


class StaleError(WorkflowError):
    def __init__(self) -> None:
        super().__init__("version", "该申报刚刚已被他人办理，本次操作未保存；请刷新页面查看最新状态后再办理。")


def state_of(application: Application) -> str:
    return f"{application.status}:{application.current_step or '-'}"


def visible(application: Application, user) -> bool:
    """The scope rule of core.accounts.scoping, asked of the database (never trusted from a form)."""
    if application.id is None:
        return False
    return db.session.scalar(
        select(Application.id).where(Application.id == application.id, application_criteria(user))
    ) is not None
