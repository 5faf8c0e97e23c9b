"""The certificate check (输入证书编号查询真伪): anyone types a certificate number and learns whether
a title with it exists here, and its standing.

The number is compared as typed on any keyboard: NFKC-normalised (full-width ``ＫＭ２０２６`` is
``KM2026``), trimmed, letter case aside, and a year's brackets whichever a keyboard gives (``[2022]``,
``（2022）``, ``【2022】`` all read as the printed ``〔2022〕``) (core.public.directory.normalised, ``with_number``).  A number is
unique per jurisdiction only, so one number may answer for two jurisdictions: each is shown, and the
visitor may name the jurisdiction.  The answer is one of:

* ``valid``          genuine, the title in force (有效);
* ``rectification``  genuine, the title under rectification (整改中);
* ``revoked``        genuine, but the title was REVOKED — on which day, under which articles;
* ``unknown``        no title here has this number.

The page is rate-limited per client address (core.public.directory_pages), as the objection
look-up is: the answers are public (the directory lists every number), the limit only keeps a
script from hammering the database.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.public import directory
from core.public.directory import Entry

MAX_NUMBER = 64  # Recognition.certificate_number's length
ANSWER_OF_STANDING = {"active": "valid", "rectification": "rectification", "revoked": "revoked"}


@dataclass(frozen=True)
class Answer:
    kind: str  # valid | rectification | revoked | unknown
    entry: Entry | None = None


def check(typed: str, codes: list[str], jurisdiction: str | None = None) -> list[Answer]:
    """The answers for the number ``typed`` among the enabled jurisdictions ``codes`` (or the one
    named): one per title found, or a single ``unknown``."""
    found = directory.with_number(typed, codes, jurisdiction) if directory.normalised(typed) else []
    if not found:
        return [Answer("unknown")]
    return [Answer(ANSWER_OF_STANDING[entry.standing], entry) for entry in found]
