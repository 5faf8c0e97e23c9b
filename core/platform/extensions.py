"""Flask extensions, created here and bound in ``create_app`` (never holding an app).

Flask-Migrate is not among them: it imports Alembic, which only the site needs (``zhongchuang
db``), so ``core.app`` creates it there and the commands start without it (issue 15)."""
import json

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so SQLite batch migrations can alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def dumps_json(obj) -> str:
    # ensure_ascii=False: Chinese stays readable and JSON-path queries on it work on SQLite.
    return json.dumps(obj, ensure_ascii=False)


db = SQLAlchemy(model_class=Base, engine_options={"json_serializer": dumps_json})
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
