"""Documents as PDF: the application form (申报书 / 申请表), the public notice (公示)
and the certificate, rendered by xhtml2pdf from Jinja templates.

Templates: the core's are ``core/documents/templates/documents/<kind>.html``; a plugin may answer
``zc_document_templates`` with its own file per kind (``core.plugins.Registry``),
which may ``{% extends "documents/base.html" %}``.  Autoescaping is on for every
template, so text typed by applicants prints as text, never as markup.

The font: Noto Sans SC (SIL OFL 1.1) from the PyPI package ``justmytype-intl-cjk``,
which ships it as a *variable* TrueType font.  xhtml2pdf (reportlab) draws a variable
font at its default instance (Thin), so the Regular (wght 400) and Bold (wght 700)
instances are cut once with fontTools into a cache directory (``ensure_fonts``, run
by ``scripts/setup_pdf_tools.sh`` and, if missing, on the first render) and embedded
subset.  See docs/documents.md.

What a document may read (the resource policy): only the two font files and the
images in ``core/documents/templates/documents/assets``.  The link callback maps exactly those and
turns every other URL — http, https, file, data, anything — into one the policy
refuses; the policy itself (``ResourceAccessPolicy``) allows no network and no local
file outside those two directories, and bounds sizes and time, because some of
xhtml2pdf's reads bypass the callback.
"""
from __future__ import annotations

import io
import logging
import os
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import current_app
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from wtforms.fields import BooleanField, FieldList, FormField, RadioField, SelectFieldBase

from core.documents import store
from core.facts.forms import DayField, LinesField, MonthField, PercentField
from core.numbers import number_text

log = logging.getLogger(__name__)

CORE_TEMPLATES = Path(__file__).resolve().parent / "templates"  # this package's PDF layouts
ASSET_DIR = CORE_TEMPLATES / "documents" / "assets"
ASSET_SUFFIXES = (".png", ".jpg", ".jpeg")
KINDS = ("application", "notice", "certificate", "meeting_paper")

EMPTY = "无"  # 弥政办发〔2017〕5号 附件2 填报须知 四：无该项内容时填“无”

# Anything the link callback does not recognise becomes this URL, whose scheme the
# policy refuses (a refused resource is left out; the render goes on).
REFUSED = "zc-refused:"

# --- the font ----------------------------------------------------------------------------

FONT_FILES = {"regular": ("NotoSansSC-Regular.ttf", 400), "bold": ("NotoSansSC-Bold.ttf", 700)}
_font_lock = threading.Lock()


def font_dir() -> Path:
    """Where the cut fonts are kept: ``ZHONGCHUANG_FONT_DIR``, else the user's cache
    (our choice: it outlives work trees, so a fresh clone renders without the cut)."""
    configured = os.environ.get("ZHONGCHUANG_FONT_DIR")
    if configured:
        return Path(configured).resolve()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(cache) / "zhongchuang" / "fonts").resolve()


def _variable_font() -> Path:
    import justmytype_intl_cjk

    folder = Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc"
    return folder / "NotoSansSC[wght].ttf"


def _cut(weight: int, target: Path) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    static = instancer.instantiateVariableFont(TTFont(_variable_font()), {"wght": weight},
                                               updateFontNames=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    static.save(partial)
    partial.replace(target)  # atomic: a concurrent reader never sees half a font


def fonts_ready() -> bool:
    return all((font_dir() / name).is_file() for name, _weight in FONT_FILES.values())


def ensure_fonts() -> dict[str, Path]:
    """The Regular and Bold font files, cut from the variable font if not there yet."""
    folder = font_dir()
    paths = {style: folder / name for style, (name, _) in FONT_FILES.items()}
    if all(p.is_file() for p in paths.values()):
        return paths
    with _font_lock:
        folder.mkdir(parents=True, exist_ok=True)
        for style, (name, weight) in FONT_FILES.items():
            if not paths[style].is_file():
                log.warning("cutting the %s font once into %s (takes about half a minute)", style, folder)
                _cut(weight, paths[style])
        licence = _variable_font().parent / "OFL.txt"
        (folder / "OFL.txt").write_bytes(licence.read_bytes())
    return paths


# --- what a document may read ---------------------------------------------------------------


def _allowed_files() -> dict[str, Path]:
    files = {str(p): p for p in ensure_fonts().values()}
    if ASSET_DIR.is_dir():
        files.update({str(p): p for p in ASSET_DIR.iterdir() if p.suffix.lower() in ASSET_SUFFIXES})
    return files


def link_callback(uri: str, rel: str | None = None) -> str:
    """The project's own font and image files as themselves; every other URL refused."""
    found = _allowed_files().get(str(uri))
    if found is None:
        log.warning("document resource refused: %.120r", uri)
        return REFUSED
    return str(found)


def resource_policy():
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    return ResourceAccessPolicy.server(
        base_dir=None,  # no document directory: only the roots below
        extra_roots=(font_dir(), ASSET_DIR),
        allow_remote=False,
        max_local_bytes=16 * 1024 * 1024,  # our choice: the font is 10.6 MB; anything bigger is unexpected
        max_image_pixels=4_000_000,  # our choice: an emblem or seal, not a photograph
        max_resources=10,
        max_render_seconds=60,
    )


# --- templates ---------------------------------------------------------------------------


def _environment(folder: Path | None) -> Environment:
    loaders = [FileSystemLoader(str(folder))] if folder else []
    env = Environment(loader=ChoiceLoader([*loaders, FileSystemLoader(str(CORE_TEMPLATES))]),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(show=show, items=items, EMPTY=EMPTY, day_text=day_text, month_text=month_text)
    env.tests["table_field"] = lambda field: isinstance(field, FieldList)
    return env


_environments: dict[str, Environment] = {}


def template_for(jurisdiction: str, kind: str):
    """The plugin's template for ``kind`` if it provides one, else the core's."""
    if kind not in KINDS:
        raise ValueError(kind)
    registry = current_app.extensions["zhongchuang"]
    override = registry.document_templates(jurisdiction).get(kind)
    if override:
        path = Path(override).resolve()
        key = str(path.parent)
        if key not in _environments:
            _environments[key] = _environment(path.parent)
        return _environments[key].get_template(path.name)
    if "" not in _environments:
        _environments[""] = _environment(None)
    return _environments[""].get_template(f"documents/{kind}.html")


# --- values as printed ------------------------------------------------------------------------


def day_text(value) -> str:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value or EMPTY
    return f"{value.year}年{value.month}月{value.day}日" if value else EMPTY


def month_text(value) -> str:
    return f"{value.year}年{value.month}月" if value else EMPTY


# Our choice: a table cell prints at most this many characters.  The forms allow 200
# for any one-line answer; a longer one (a facts file, an old row) is cut with a note
# saying so, because reportlab lays out an overlong cell in quadratic time.
# Long texts (``show(field, limit=None)``) are paragraphs and print in full.
CELL_LIMIT = 1000


def show(field, limit: int | None = CELL_LIMIT) -> str:
    """A bound form field's answer as the document prints it; no answer prints “无”."""
    text = _show(field)
    if limit is not None and len(text) > limit:
        return f"{text[:limit]}…（超长，以下从略；全文 {len(text)} 字）"
    return text


def _show(field) -> str:
    data = field.data
    if isinstance(field, BooleanField):
        return "是" if data else "否"
    if isinstance(field, (FieldList, FormField)):
        raise TypeError(f"{field.name}: a table is printed row by row")
    if isinstance(field, LinesField):
        return "；".join(data) if data else EMPTY
    if isinstance(field, SelectFieldBase) or isinstance(field, RadioField):
        chosen = [str(label) for _value, label, selected, *_ in field.iter_choices() if selected and _value != ""]
        return "、".join(chosen) if chosen else EMPTY
    if isinstance(field, PercentField):
        return f"{number_text(data * 100)}%" if data is not None else EMPTY
    if isinstance(field, MonthField):
        return month_text(data)
    if isinstance(field, DayField):
        return day_text(data)
    if data is None or data == "" or data == []:
        return EMPTY
    if isinstance(data, (Decimal, float)) or (isinstance(data, int) and not isinstance(data, bool)):
        return number_text(data)
    return str(data)


def items(field) -> list[str]:
    """The answers of a list field (tick boxes or one-per-line) as printed labels."""
    if isinstance(field, LinesField):
        return list(field.data or [])
    return [str(label) for value, label, selected, *_ in field.iter_choices() if selected and value != ""]


# --- rendering -----------------------------------------------------------------------------


class DocumentError(Exception):
    """The PDF could not be produced (a message for the log, not for the public)."""


# The name under which the Regular font is registered with reportlab itself, for the
# canvas's initial font (below).
CANVAS_FONT = "ZhongchuangNotoSansSC"


def _default_canvas_font() -> None:
    """Make the Regular font reportlab's initial canvas font.

    reportlab opens every page with ``BT /F1 12 Tf … ET`` in its initial font, Helvetica
    unless told otherwise, so every PDF listed an unembedded Helvetica although no text
    used it.  A TrueType font as the initial font writes no such reference (reportlab
    selects a TrueType font only where text is drawn), so every font a document names
    is one it embeds.  xhtml2pdf gives no way to pass ``initialFontName`` to its
    document, hence reportlab's process-wide default, set once to our own file.  The
    same for a table's cell style, which selects its font (Helvetica, copied from that
    default when reportlab was imported) before drawing each table's cells, text or not.
    """
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus.tables import CellStyle

    if rl_config.canvas_basefontname == CANVAS_FONT and CellStyle.fontname == CANVAS_FONT:
        return  # done once per process
    with _font_lock:
        if CANVAS_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(CANVAS_FONT, str(ensure_fonts()["regular"])))
        rl_config.canvas_basefontname = CANVAS_FONT
        CellStyle.fontname = CANVAS_FONT
        _list_markers_in(CANVAS_FONT)


def _list_markers_in(font: str) -> None:
    """List markers (• ■ and Greek letters) in ``font`` rather than in the
    unembedded Symbol and ZapfDingbats that xhtml2pdf 0.2.28 picks for them
    (``xhtml2pdf.tags._list_style_font``); Noto Sans SC has those glyphs."""
    from xhtml2pdf import context, tags

    markers = getattr(tags, "_list_style_font", None)
    if isinstance(markers, dict):
        for style, (_face, factor) in list(markers.items()):
            markers[style] = (font, factor if factor >= 1 else 0.8)
    # Every paragraph's bullet font starts as Helvetica (``getParaFrag``), which a
    # list item's paragraph selects before drawing its marker: start it as ours.
    original = getattr(context, "getParaFrag", None)
    if original is not None and not getattr(original, "zhongchuang_font", None):
        def getParaFrag(style):  # noqa: N802 - xhtml2pdf's name
            frag = original(style)
            frag.bulletFontName = font
            return frag

        getParaFrag.zhongchuang_font = font
        context.getParaFrag = getParaFrag


def render_html(html: str) -> bytes:
    """The PDF of ``html`` under the project's resource policy."""
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import RenderLimitError

    ensure_fonts()
    _default_canvas_font()
    out = io.BytesIO()
    try:
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=link_callback,
                                resource_policy=resource_policy())
    except RenderLimitError as exc:  # too large, too deep or too slow: no PDF at all
        raise DocumentError(str(exc)) from exc
    if result.err:
        raise DocumentError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()


def font_context() -> dict:
    fonts = ensure_fonts()
    return {"font_regular": str(fonts["regular"]), "font_bold": str(fonts["bold"])}


@dataclass
class ApplicationDocument:
    """What the application form prints: the form bound to the stored answers."""

    jurisdiction: str
    category: str
    form: object
    official_number: str | None = None


def application_form(jurisdiction: str, category: str, facts: dict, form_data: dict | None = None,
                     official_number: str | None = None) -> ApplicationDocument:
    """The jurisdiction's form for ``category`` filled from facts (CONTRACTS §1) and form data."""
    from core.facts.forms import FactsForm

    registry = current_app.extensions["zhongchuang"]
    form_cls = registry.application_form(jurisdiction, category) or FactsForm
    data = form_cls.facts_to_data(facts, form_data or {})
    form = form_cls(formdata=None, data=data, meta={"csrf": False})
    return ApplicationDocument(jurisdiction, category, form, official_number)


def application_html(jurisdiction: str, category: str, facts: dict, form_data: dict | None = None,
                     official_number: str | None = None) -> str:
    from core.platform import labels

    document = application_form(jurisdiction, category, facts, form_data, official_number)
    return template_for(jurisdiction, "application").render(
        doc=document, form=document.form, authority=_authority(jurisdiction),
        category_label=labels.category_label(jurisdiction, category), **font_context())


def application_pdf(jurisdiction: str, category: str, facts: dict, form_data: dict | None = None,
                    official_number: str | None = None) -> bytes:
    """The form for a facts file (``zhongchuang render``): rendered every time, not kept."""
    return render_html(application_html(jurisdiction, category, facts, form_data, official_number))


# --- the blank 申报书 (issue 20) ------------------------------------------------------------
# The same layout as the filled form, every answer left empty to be filled by hand: a tick box
# (□) for each choice of a yes/no or choice question, nothing in a text cell; the policy in force
# named at the top.  Published with a call (/calls/<id>/form/<category>.pdf, core.public).


def _blank(field, limit: int | None = None) -> str:
    if isinstance(field, BooleanField):
        return "□是　□否"
    if isinstance(field, (FieldList, FormField)):
        raise TypeError(f"{field.name}: a table is printed row by row")
    if isinstance(field, SelectFieldBase) or isinstance(field, RadioField):
        return "　".join(f"□{label}" for value, label, *_ in field.iter_choices() if value != "")
    return ""


def blank_application_html(jurisdiction: str, category: str, policy) -> str:
    """The 申报书 of ``category`` with no answer, under ``policy`` (the version in force)."""
    from core.platform import labels

    document = application_form(jurisdiction, category, {}, {})
    return template_for(jurisdiction, "application").render(
        doc=document, form=document.form, authority=_authority(jurisdiction),
        category_label=labels.category_label(jurisdiction, category), show=_blank, items=lambda field: [],
        EMPTY="", blank_policy=f"《{policy.title}》（{policy.document}）", **font_context())


def blank_application_pdf(jurisdiction: str, category: str, policy, kept_as: tuple[str, int]) -> bytes:
    """The blank form's PDF, kept in the store under ``kept_as`` (kind, id) like every document."""
    kind, document_id = kept_as
    return store.kept(kind, document_id, blank_application_html(jurisdiction, category, policy), render_html)


def pdf_of_application(application) -> bytes:
    facts = dict(application.facts or application.space.facts or {})
    form_data = {k: v for k, v in (application.form_data or {}).items() if not k.startswith("_")}
    html = application_html(application.jurisdiction, application.category, facts, form_data,
                            application.official_number)
    return store.kept("application", application.id, html, render_html)


def notice_html(notice) -> str:
    from core.platform import labels

    return template_for(notice.jurisdiction, "notice").render(
        notice=notice, authority=_authority(notice.jurisdiction),
        category_label=labels.category_label, **font_context())


def notice_pdf(notice) -> bytes:
    return store.kept("notice", notice.id, notice_html(notice), render_html)


def prerender_notice(notice) -> None:
    """Render a notice just published into the store, so that its first public download
    is a file read.  Skipped while the fonts are not cut yet (that takes a minute and
    belongs to ``scripts/setup_pdf_tools.sh``); never fails the publication."""
    if not fonts_ready():
        return
    try:
        notice_pdf(notice)
    except Exception:  # the download renders it again, and says what went wrong then
        log.exception("notice %s: the PDF was not rendered ahead", notice.id)


def certificate_citation(recognition) -> str | None:
    """Where the title comes from, as the certificate prints it: the policy (title and
    document number) and article under which the application was judged."""
    from core.review import steps
    from core.platform.extensions import db
    from core.platform.models import Application

    application = db.session.get(Application, recognition.application_id) if recognition.application_id else None
    policy = steps.policy_of(application) if application is not None else None
    if policy is None:
        return None
    citation = policy.award_citation
    article = f"{citation.article or ''}{citation.item or ''}" if citation else ""
    return f"《{policy.title}》（{policy.document}）{article}"


def revocation_articles(recognition) -> str:
    """The articles a revoked title was revoked under, as the certificate's 已撤销 mark prints
    them (``Recognition.revocation_citations``; the ban's own entry is not a ground)."""
    found = []
    for c in recognition.revocation_citations or []:
        if c.get("ground") == "ban" or not c.get("document"):
            continue
        item = f"“{c['item']}”" if c.get("item") else ""
        found.append(f"{c['document']} {c.get('article') or ''}{item}".strip())
    return "、".join(dict.fromkeys(found))


def certificate_pdf(recognition) -> bytes:
    html = template_for(recognition.jurisdiction, "certificate").render(
        recognition=recognition, space=recognition.space, organisation=recognition.space.organisation,
        authority=_authority(recognition.jurisdiction), citation=certificate_citation(recognition),
        revocation_articles=revocation_articles, **font_context())
    return store.kept("certificate", recognition.id, html, render_html)


def meeting_paper_pdf(paper) -> bytes:
    """A batch's meeting paper (``core.review.meeting_paper``): rendered on each download, never kept —
    a query answered or a verdict changed since would make a kept copy stale."""
    html = template_for(paper.batch.jurisdiction, "meeting_paper").render(
        paper=paper, authority=_authority(paper.batch.jurisdiction), **font_context())
    return render_html(html)


def pdf_response(pdf: bytes, filename: str):
    """A download of ``pdf``: never sniffed as something else, never kept by a shared cache."""
    from flask import Response

    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _authority(code: str) -> str:
    juris = current_app.extensions["zhongchuang"].installed().get(code)
    return juris.authority if juris else code
