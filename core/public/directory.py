"""The directory of titles (认定名录): every title of the enabled jurisdictions, revoked ones
included, as the public may read it.

**A row.**  The maker space's name and the title's (a title is often the same for every space of a
jurisdiction: 云南省省级众创空间), its jurisdiction and level, the operator (the organisation — a legal
person — that runs the space), the certificate number, the day it was granted, and its standing:
有效 / 整改中 / 已撤销 — the stored ``Recognition.status``, which the operations keep (an order of
rectification sets it, a passed one clears it: core.monitoring.rectifications; the leader's decision
revokes it: core.monitoring.revocations), so the directory says what the admin's title page says
(core.monitoring.admin_titles, "Status").  A revoked title adds the day and the articles of the
revocation (``revocation_citations`` in words as the revocation desks write them, core.monitoring.findings.cite —
a named section's item quoted: 认定与管理“管理”; the ban's article is the
organisation's, not the title's, and is left out).

**Never.**  Nothing about a person: no contact name, phone, e-mail, address, legal representative;
nor the bureau's file: the reasons and minutes of a revocation, a rectification's requirements,
report and judgement.  The query selects the shown columns only (no ORM rows), so a page reads one
page and a download of any size is streamed a chunk at a time.

**Filters** (:func:`read_filters`): a search — case-insensitive substring of the space's name, the title, the operator
or the certificate number, NFKC-normalised (full-width letters and digits as typed on a phone) — the
jurisdiction, the level, the standing and the year granted.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import islice

from flask_babel import gettext
from sqlalchemy import case, extract, func, or_, select

from core.platform import clock, exports
from core.platform.errors import has_control_character
from core.platform.extensions import db
from core.platform.models import Organisation, Recognition, Rectification, Space
from core.monitoring.findings import cite

STANDINGS = ("active", "rectification", "revoked")  # Recognition.status, as the operations keep it
LEVELS = ("national", "provincial", "municipal")  # the levels a title is granted at (core.award.titles)
PAGE_ROWS = 50  # our choice: a page a phone scrolls through; the downloads carry every row
CHUNK_ROWS = 1000
MAX_SEARCH = 100  # our choice: longer than any title, operator or certificate number
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Filters:
    search: str = ""
    jurisdiction: str | None = None
    level: str | None = None
    standing: str | None = None
    year: int | None = None

    def args(self) -> dict[str, str | int]:
        """The filters as query arguments (the set ones only), kept by every link of the list."""
        found = {"q": self.search, "jurisdiction": self.jurisdiction, "level": self.level,
                 "standing": self.standing, "year": self.year}
        return {key: value for key, value in found.items() if value}


@dataclass(frozen=True)
class Entry:
    """One title as the public reads it."""

    id: int
    jurisdiction: str
    level: str
    space: str
    title: str
    operator: str
    certificate_number: str
    granted_on: date
    standing: str
    revoked_on: date | None
    articles: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    """One line of a title's history in brief: ``kind`` granted | rectification_ordered |
    rectification_passed | rectification_failed | revoked."""

    day: date | None
    kind: str
    articles: tuple[str, ...] = ()
    deadline: date | None = None


def normalised(text: str | None) -> str:
    """What a visitor typed, as compared: NFKC (full-width ``ＡＢ１２`` → ``AB12``, the ideographic
    space → a space), trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def variants(typed: str) -> tuple[str, ...]:
    """What to look for: the text as typed (trimmed), and its NFKC form when that differs — the stored
    names keep their full-width punctuation (云南省省级众创空间（…）), a number typed in full-width
    letters is the ASCII one."""
    plain_text, folded = (typed or "").strip(), normalised(typed)
    return (plain_text,) if plain_text == folded else (plain_text, folded)


def read_filters(args: Mapping[str, str], codes: list[str]) -> tuple[Filters, dict[str, str], dict[str, str]]:
    """(the filters, what was typed, the errors by field) from the query arguments; a value that
    is not one of the choices is an error next to its field, never a silent "all"."""
    typed = {key: (args.get(key) or "").strip() for key in ("q", "jurisdiction", "level", "standing", "year")}
    errors: dict[str, str] = {}
    search = typed["q"]
    if len(normalised(search)) > MAX_SEARCH:
        errors["q"] = gettext("Enter at most %(count)s characters.", count=MAX_SEARCH)
    elif has_control_character(search):
        errors["q"] = gettext("Remove the control characters from what you typed.")
    for key, choices in (("jurisdiction", codes), ("level", LEVELS), ("standing", STANDINGS)):
        if typed[key] and typed[key] not in choices:
            errors[key] = gettext("Choose one of the listed values.")
    year = None
    if typed["year"]:
        last = clock.today().year
        text = normalised(typed["year"])
        if not (text.isascii() and text.isdigit() and len(text) == 4 and FIRST_YEAR <= int(text) <= last):
            errors["year"] = gettext("Enter a year between %(first)s and %(last)s.", first=FIRST_YEAR, last=last)
        else:
            year = int(text)
    if errors:
        return Filters(), typed, errors
    return Filters(search=search, jurisdiction=typed["jurisdiction"] or None, level=typed["level"] or None,
                   standing=typed["standing"] or None, year=year), typed, {}


def articles_of(citations: list | None) -> tuple[str, ...]:
    """The articles a revocation rests on, in words, each once; the ban's article (which bars the
    organisation from applying again) is not the title's and is left out."""
    found: list[str] = []
    for citation in citations or []:
        if not isinstance(citation, dict) or citation.get("ground") == "ban":
            continue
        text = cite(citation)
        if text and text not in found:
            found.append(text)
    return tuple(found)


_COLUMNS = (Recognition.id, Recognition.jurisdiction, Recognition.level, Space.name.label("space"), Recognition.title,
            Organisation.name.label("operator"),
            Recognition.certificate_number, Recognition.granted_on, Recognition.status, Recognition.revoked_on,
            Recognition.revocation_citations)


def _entry(found) -> Entry:
    (id_, code, level, space, title, operator, number, granted_on, status, revoked_on, citations) = found
    revoked = status == "revoked"
    return Entry(id=id_, jurisdiction=code, level=level, space=space or "", title=title, operator=operator or "",
                 certificate_number=number, granted_on=granted_on, standing=status,
                 revoked_on=revoked_on if revoked else None, articles=articles_of(citations) if revoked else ())


def _listed(codes: list[str]):
    return (select(*_COLUMNS).select_from(Recognition).join(Space, Space.id == Recognition.space_id)
            .join(Organisation, Organisation.id == Space.organisation_id)
            .where(Recognition.jurisdiction.in_(codes)))


def _query(filters: Filters, codes: list[str]):
    query = _listed(codes)
    if filters.search:
        query = query.where(or_(*(column.icontains(text, autoescape=True) for text in variants(filters.search)
                                  for column in (Space.name, Recognition.title, Organisation.name,
                                                 Recognition.certificate_number))))
    if filters.jurisdiction:
        query = query.where(Recognition.jurisdiction == filters.jurisdiction)
    if filters.level:
        query = query.where(Recognition.level == filters.level)
    if filters.standing:
        query = query.where(Recognition.status == filters.standing)
    if filters.year:
        query = query.where(extract("year", Recognition.granted_on) == filters.year)
    return query


def _ordered(query, codes: list[str]):
    """Per jurisdiction (in the deployment's order) and level, the newest title first."""
    by_jurisdiction = case({code: n for n, code in enumerate(codes)}, value=Recognition.jurisdiction,
                           else_=len(codes))
    by_level = case({level: n for n, level in enumerate(LEVELS)}, value=Recognition.level, else_=len(LEVELS))
    return query.order_by(by_jurisdiction, by_level, Recognition.granted_on.desc(), Recognition.id.desc())


def count(filters: Filters, codes: list[str]) -> int:
    if not codes:
        return 0
    return db.session.scalar(select(func.count()).select_from(_query(filters, codes).subquery())) or 0


def page(filters: Filters, codes: list[str], number: int = 1, size: int = PAGE_ROWS) -> list[Entry]:
    """Page ``number`` (from 1) of the titles."""
    if not codes:
        return []
    found = db.session.execute(_ordered(_query(filters, codes), codes).offset((number - 1) * size).limit(size))
    return [_entry(r) for r in found]


def stream(filters: Filters, codes: list[str]):
    """Every title of the filtered list, read a chunk at a time (a server-side cursor on PostgreSQL)."""
    if not codes:
        return
    found = iter(db.session.execute(_ordered(_query(filters, codes), codes).execution_options(yield_per=CHUNK_ROWS)))
    while True:
        with exports.collector_paused():
            chunk = [_entry(r) for r in islice(found, CHUNK_ROWS)]
        if not chunk:
            return
        yield from chunk


def one(title_id: int, codes: list[str]) -> Entry | None:
    """A title of an enabled jurisdiction (None otherwise: its page is a 404)."""
    if not codes:
        return None
    found = db.session.execute(_listed(codes).where(Recognition.id == title_id)).one_or_none()
    return _entry(found) if found is not None else None


# The brackets of a year in a certificate number (云南省众创〔2022〕001号) as a visitor may type them: each
# opening one read as 〔, each closing one as 〕, in what was typed and in the stored number alike.
BRACKETS = {"［": "〔", "【": "〔", "[": "〔", "（": "〔", "(": "〔", "］": "〕", "】": "〕", "]": "〕", "）": "〕", ")": "〕"}


def _brackets_folded(text: str) -> str:
    return "".join(BRACKETS.get(ch, ch) for ch in text)


def _column_folded(column):
    for typed, read in BRACKETS.items():
        column = func.replace(column, typed, read)
    return column


def with_number(number: str, codes: list[str], jurisdiction: str | None = None) -> list[Entry]:
    """The titles whose certificate number is ``number`` as typed or in its NFKC form, letter case and
    the kind of bracket aside (unique per jurisdiction: one per jurisdiction at most)."""
    if not number.strip() or not codes:
        return []
    # equal but for letter case, the database folding both sides alike (no LIKE pattern to escape)
    stored = func.lower(_column_folded(Recognition.certificate_number))
    query = _listed(codes).where(or_(*(stored == func.lower(_brackets_folded(text)) for text in variants(number))))
    if jurisdiction:
        query = query.where(Recognition.jurisdiction == jurisdiction)
    return [_entry(r) for r in db.session.execute(_ordered(query, codes))]


def recent(codes: list[str], per_jurisdiction: int) -> dict[str, list[Entry]]:
    """The ``per_jurisdiction`` newest titles of each jurisdiction, in one statement (the home)."""
    if not codes:
        return {}
    rank = func.row_number().over(partition_by=Recognition.jurisdiction,
                                  order_by=(Recognition.granted_on.desc(), Recognition.id.desc())).label("rank")
    ranked = _listed(codes).add_columns(rank).subquery()
    found = db.session.execute(select(*[c for c in ranked.c if c.key != "rank"])
                               .where(ranked.c.rank <= per_jurisdiction)
                               .order_by(ranked.c.jurisdiction, ranked.c.rank))
    by_code: dict[str, list[Entry]] = {code: [] for code in codes}
    for row in found:
        entry = _entry(row)
        by_code[entry.jurisdiction].append(entry)
    return by_code


def history(entry: Entry) -> list[Event]:
    """The title's standing history in brief: granted, each rectification ordered and its outcome,
    the revocation with its day and articles; by day.  The rectification's requirements, report and
    judgement are the bureau's file and stay there."""
    events = [Event(entry.granted_on, "granted")]
    orders = db.session.execute(
        select(Rectification.ordered_on, Rectification.deadline, Rectification.citation, Rectification.status,
               Rectification.judged_on)
        .where(Rectification.recognition_id == entry.id).order_by(Rectification.ordered_on, Rectification.id))
    for ordered_on, deadline, citation, status, judged_on in orders:
        article = cite(citation) if citation else ""
        events.append(Event(ordered_on, "rectification_ordered", (article,) if article else (), deadline))
        if status in ("passed", "failed"):
            events.append(Event(judged_on, f"rectification_{status}"))
    if entry.standing == "revoked":
        events.append(Event(entry.revoked_on, "revoked", entry.articles))
    return sorted(events, key=lambda e: e.day or date.max)
