"""The PDFs as printed (issue 13, PDFs): the signature and seal block of the 申报书
stays with its section and leaves room to sign and to seal; the certificate fills an
A4 landscape page in a frame, with a seal area and the issuer and the date on
separate lines; every font of every PDF kind is embedded (no Helvetica fallback).

Read back with pypdf: page count, the text of each page, and where on the page a
line is drawn.  Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader

from core.award import titles as awards

from core.documents import render as documents
from core.platform.extensions import db
from core.platform.models import NoticeEntry, Recognition
from tests.factories import make_application, make_space
from tests.notice_helpers import at_step, officer
from tests.web.test_documents import _notice, base_facts, run

CM = 72 / 2.54
DATE_LINE = "年月日"


def pages_of(pdf: bytes) -> list:
    return list(PdfReader(io.BytesIO(pdf)).pages)


def nows(text: str) -> str:
    return "".join(text.split())


def lines(page) -> list[tuple[str, float]]:
    """(text without spaces, height on the page in pt) of each line drawn: the pieces
    drawn at the same height, joined in the order drawn."""
    found: dict[float, list[str]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.setdefault(round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5], 1), []).append(nows(text))

    page.extract_text(visitor_text=visit)
    return [("".join(pieces), y) for y, pieces in sorted(found.items(), reverse=True)]


def y_of(page, needle: str) -> float:
    hits = [y for text, y in lines(page) if needle in text]
    assert hits, (needle, lines(page))
    return hits[0]


def body_text(page) -> str:
    """The page's text without its page number (“— 4 —”)."""
    return nows((page.extract_text() or "").replace("—", " ")).strip("0123456789")


# --- every font embedded -------------------------------------------------------------------


def fonts_of(pdf: bytes) -> list[tuple[str, bool]]:
    """(base name, embedded?) of every font every page (and every form XObject) uses."""
    out = []

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            targets = [font]
            if font.get("/Subtype") == "/Type0":
                targets = [d.get_object() for d in font["/DescendantFonts"]]
            for target in targets:
                descriptor = target.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                out.append((str(font["/BaseFont"]), embedded))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in pages_of(pdf):
        walk(page.get("/Resources"))
    return out


def assert_all_embedded(pdf: bytes) -> None:
    fonts = fonts_of(pdf)
    assert fonts, "no font at all"
    assert all(embedded for _, embedded in fonts), fonts
    assert not [name for name, _ in fonts if "Helvetica" in name or "Times" in name or "Courier" in name], fonts


_numbers = iter(range(1, 1000))


def _recognition(title="弥科湖泉创客空间", status="active") -> Recognition:
    application = make_application("mile", space=make_space(name="湖泉创客空间", region="532504"),
                                   status="recognised", policy_document="弥政办发〔2017〕5号")
    recognition = Recognition(application_id=application.id, space_id=application.space_id, jurisdiction="mile",
                              title=title, certificate_number=f"弥勒市众创〔2026〕{next(_numbers):03d}号", level="municipal",
                              granted_on=date(2026, 12, 2), status=status,
                              revoked_on=date(2027, 3, 1) if status == "revoked" else None)
    db.session.add(recognition)
    db.session.commit()
    return recognition


def test_every_pdf_kind_embeds_every_font(app, tmp_path):
    """Application (弥勒 申报书 and the generic 申请表), certificate, notice, and the
    ``zhongchuang render application`` output: every font has its program in the file."""
    mile = make_application("mile", facts=base_facts())
    assert_all_embedded(documents.pdf_of_application(mile))
    kunming = make_application("kunming", category="comprehensive_service",
                               facts=dict(base_facts(), registered_region="530112", space_region="530112"))
    assert_all_embedded(documents.pdf_of_application(kunming))
    assert_all_embedded(documents.certificate_pdf(_recognition()))
    assert_all_embedded(documents.certificate_pdf(_recognition(status="revoked")))
    assert_all_embedded(documents.notice_pdf(_notice()))
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(json.dumps(base_facts(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = run(app, "render", "application", "--jurisdiction", "mile", "--category", "comprehensive",
                 str(facts_file), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert_all_embedded(out.read_bytes())


def test_bullets_rules_borders_code_and_page_numbers_use_the_embedded_font(app):
    """What a plugin's template may use: lists (bullets and numbers), <hr>, table
    borders, monospace elements, the page number in the footer — nothing falls back."""
    template = documents._environment(None).from_string(
        '{% extends "documents/base.html" %}{% block body %}'
        '<ul><li>甲项</li><li>乙项</li></ul><ol><li>第一</li><li>第二</li></ol>'
        '<ul class="square"><li>方块</li></ul><hr>'
        '<table class="grid"><tr><th>表头</th><td></td></tr></table><pre>代码 ABC</pre><code>x=1</code><tt>tt</tt>'
        '<p><b>粗体</b> <i>斜体</i> <b><i>粗斜</i></b> α β</p>{% endblock %}'
        '{% block style %}ul.square { list-style-type: square; }{% endblock %}')
    pdf = documents.render_html(template.render(**documents.font_context()))
    assert_all_embedded(pdf)
    text = nows(pages_of(pdf)[0].extract_text())
    for printed in ("甲项", "第一", "方块", "表头", "代码ABC", "粗体", "斜体", "粗斜", "—1—"):
        assert printed in text, printed


# --- the 申报书's signature blocks ------------------------------------------------------------


@pytest.mark.parametrize("plan_lines", [0, 4, 8, 12, 16, 20, 24])
def test_mile_promise_signature_stays_with_its_section(app, plan_lines):
    """弥政办发〔2017〕5号 附件2 基本信息表, 申请单位承诺: 负责人签章 and 申请单位盖章 with
    room below them, and the date line on the page of the promise — whatever the length
    of the texts before it (the annual plan here pushes it across the page end)."""
    form_data = {"annual_plan": "\n".join(f"第{i}项：组织创业培训和路演活动。" for i in range(1, plan_lines + 1)),
                 "promise": True}
    pdf = documents.application_pdf("mile", "comprehensive", base_facts(), form_data)
    pages = pages_of(pdf)
    assert 7 <= len(pages) <= 9, len(pages)
    for number, page in enumerate(pages, 1):
        text = body_text(page)
        assert text and text != DATE_LINE, f"page {number} holds only {text!r}"
    [promise] = [p for p in pages if "申请单位承诺" in nows(p.extract_text())]
    text = nows(promise.extract_text())
    for printed in ("本单位为申请弥勒市众创空间认定所提交的相关信息和材料均真实、准确、有效", "负责人签章：",
                    "申请单位盖章：", DATE_LINE):
        assert printed in text, printed
    # Room to seal: at least 4 cm between the labels and the date line below them.
    assert y_of(promise, "申请单位盖章") - y_of(promise, "年") >= 4 * CM
    assert y_of(promise, "负责人签章") == y_of(promise, "申请单位盖章")


def test_mile_opinion_boxes_keep_their_signatures(app):
    """附件2 申请理由 and the opinions of the 市科技部门 and the 市人民政府: each box with its
    signature, seal and date on one page."""
    pdf = documents.application_pdf("mile", "comprehensive", base_facts(), {"reason": "申请理由。\n" * 30})
    for page in pages_of(pdf):
        text = nows(page.extract_text())
        for title in ("申请单位", "市科技部门意见", "市人民政府意见"):
            box = "".join(title)
            if box in text and "法人代表签字" in text:
                assert text.count("单位（盖章）：") == text.count("法人代表签字（签章）：") == text.count(DATE_LINE)


def test_generic_application_form_signature_block(app):
    facts = dict(base_facts(residents=30), registered_region="530112", space_region="530112")
    pdf = documents.application_pdf("kunming", "comprehensive_service", facts, {})
    pages = pages_of(pdf)
    last = nows(pages[-1].extract_text())
    for printed in ("申报单位签章", "法定代表人（签字）：", "申报单位（盖章）：", DATE_LINE):
        assert printed in last, printed
    for page in pages:
        assert body_text(page) != DATE_LINE
    assert y_of(pages[-1], "申报单位（盖章）") - y_of(pages[-1], "年") >= 4 * CM


# --- the certificate --------------------------------------------------------------------------


def test_certificate_fills_a_landscape_page_with_seal_area_issuer_and_date_apart(app):
    recognition = _recognition()
    pdf = documents.certificate_pdf(recognition)
    [page] = pages_of(pdf)
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape
    text_lines = [nows(line) for line in page.extract_text().splitlines() if line.strip()]
    assert "弥勒市农业和科学技术局" in text_lines and "2026年12月2日" in text_lines
    issuer, day = y_of(page, "弥勒市农业和科学技术局"), y_of(page, "2026年12月2日")
    assert issuer - day >= 12  # separate lines, the date below the issuer
    assert not [line for line in text_lines if "技术局" in line and "2026" in line], text_lines
    whole = "".join(text_lines)
    for printed in ("证书编号：" + recognition.certificate_number, "湖泉创客空间", "运营主体：", "“弥科湖泉创客空间”",
                    "特发此证", "认定依据：《弥勒市众创空间认定管理办法（试行）》（弥政办发〔2017〕5号）第七条"):
        assert printed in whole, printed
    # The text spans the page: the number near the top, the date near the bottom.
    assert y_of(page, "证书编号") > 0.85 * height and day < 0.3 * height
    # The seal area: at least 4 cm free above the issuer, below the last line of text.
    assert y_of(page, "认定依据") - issuer >= 4 * CM
    # The frame: drawn round the whole page (its strokes reach within 2 cm of each edge).
    content = page.get_contents().get_data().decode("latin-1")
    assert "0.545098 0 0 RG" in content or ".545098 0 0 RG" in content  # the frame's dark red


def test_notice_issuer_and_date_stay_with_the_objection_section(app):
    """The notice closes with how to object, the bureau and the date: on one page."""
    notice = _notice()
    for _ in range(40):  # enough entries to push the close across a page end
        db.session.add(NoticeEntry(notice_id=notice.id,
                                   application_id=make_application("mile", status="under_notice").id))
    db.session.commit()
    db.session.refresh(notice)
    pages = pages_of(documents.notice_pdf(notice))
    assert len(pages) >= 2
    [close] = [p for p in pages if "异议方式" in nows(p.extract_text())]
    text = nows(close.extract_text())
    assert "弥勒市农业和科学技术局" in text and "2026年11月23日" in text
    assert all(body_text(p) for p in pages)


def test_revoked_certificate_says_so(app):
    pdf = documents.certificate_pdf(_recognition(status="revoked"))
    assert "本称号已于2027年3月1日撤销" in nows(pages_of(pdf)[0].extract_text())
    assert len(pages_of(pdf)) == 1


def test_awarded_title_prints_on_the_certificate(app):
    application = at_step("mile", step="award", space=make_space(name="湖泉创客空间", region="532504"))
    recognition = awards.grant(application, officer("mile"), date(2026, 12, 2))
    text = nows(pages_of(documents.certificate_pdf(recognition))[0].extract_text())
    assert "“弥科湖泉创客空间”" in text and "创客空间众创空间" not in text
