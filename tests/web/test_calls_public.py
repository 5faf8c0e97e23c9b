"""The open calls for anyone (issue 20): ``/calls/`` lists the published calls of the enabled
jurisdictions by state on both sides of each window boundary, a call's page shows its escaped
text, window, categories, documents and the way to apply, a draft is 404 everywhere public, and
the blank 申报书 is a PDF naming the policy in force.  Real HTTP, real database, real files."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from core.platform import clock
from core.platform.extensions import db
from core.platform.models import Call, CallAttachment
from tests.factories import pdf_bytes

OPENS, CLOSES = date(2027, 3, 1), date(2027, 3, 31)


def make_call(title="2027年度昆明市众创空间认定申报通知", published=True, body=None, jurisdiction="kunming",
              categories=("tech_support", "comprehensive_service"), opens_on=OPENS, closes_on=CLOSES) -> Call:
    call = Call(jurisdiction=jurisdiction, title=title, opens_on=opens_on, closes_on=closes_on,
                categories=list(categories), body=body, published=published)
    db.session.add(call)
    db.session.commit()
    return call


def section_of(html: str, call_id: int) -> str | None:
    """The section (open / upcoming / closed) of /calls/ that lists the call."""
    for state in ("open", "upcoming", "closed"):
        match = re.search(rf'<section id="calls-{state}">(.*?)</section>', html, re.S)
        if match and f'id="call-{call_id}"' in match.group(1):
            return state
    return None


@pytest.mark.parametrize("day, state", [
    (date(2027, 2, 28), "upcoming"),  # the day before the opening day
    (OPENS, "open"),                  # the opening day itself
    (date(2027, 3, 15), "open"),
    (CLOSES, "open"),                 # the closing day itself
    (date(2027, 4, 1), "closed"),     # the day after: still listed, as closed
])
def test_the_list_puts_a_call_in_its_state_on_both_sides_of_the_window(app, client, day, state):
    call = make_call()
    clock.freeze(day)
    response = client.get("/calls/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert section_of(html, call.id) == state
    assert f'data-state="{state}"' in html
    assert "2027-03-01" in html and "2027-03-31" in html
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert f'zc-call-{state}" id="call-state"' in page


def test_a_draft_is_not_public_anywhere(app, client):
    draft = make_call(title="草稿通知不公开", published=False)
    db.session.add(CallAttachment(call_id=draft.id, original_name="草稿附件.pdf", stored_name="draft-file.pdf",
                                  sha256="0" * 64, size=10, content_type="application/pdf"))
    db.session.commit()
    attachment_id = draft.attachments[0].id
    clock.freeze(OPENS)
    assert "草稿通知不公开" not in client.get("/calls/").get_data(as_text=True)
    assert client.get(f"/calls/{draft.id}").status_code == 404
    assert client.get(f"/calls/{draft.id}/attachments/{attachment_id}").status_code == 404
    assert client.get(f"/calls/{draft.id}/form/tech_support.pdf").status_code == 404


def test_a_call_of_a_disabled_jurisdiction_is_not_public(app, client):
    from core.platform.models import JurisdictionSetting

    call = make_call()
    db.session.add(JurisdictionSetting(code="kunming", enabled=False))
    db.session.commit()
    assert client.get(f"/calls/{call.id}").status_code == 404
    assert f'id="call-{call.id}"' not in client.get("/calls/").get_data(as_text=True)


def test_the_page_shows_the_text_escaped_in_paragraphs_and_how_to_apply(app, client):
    body = "各县（市）区科技局：\n<script>alert('x')</script>\n\n第二段 <b>不加粗</b>\r\n\r\n第三段"
    call = make_call(body=body)
    clock.freeze(OPENS)
    response = client.get(f"/calls/{call.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<b>不加粗</b>" not in html and "&lt;b&gt;不加粗&lt;/b&gt;" in html
    body_html = re.search(r'<div id="call-body">(.*?)</div>', html, re.S).group(1)
    assert body_html.count("<p>") == 3 and "各县（市）区科技局：<br>" in body_html
    assert 'id="category-tech_support"' in html and 'id="category-comprehensive_service"' in html
    assert "tech_support<" not in html  # categories in the plugin's words, never the code
    assert 'href="/portal/precheck"' in html and 'id="apply-link"' in html
    assert 'href="/calls/%d/form/tech_support.pdf"' % call.id in html
    assert "昆科发〔2017〕55号" in html  # the blank form's policy named beside it


def test_an_attachment_downloads_as_a_file_never_inline(app, client):
    call = make_call()
    folder = app.config["UPLOAD_FOLDER"]
    from core.platform.config import private_dir
    from pathlib import Path

    private_dir(Path(folder))
    (Path(folder) / "call-doc.pdf").write_bytes(pdf_bytes())
    row = CallAttachment(call_id=call.id, original_name="申报指南.html", stored_name="call-doc.pdf", sha256="0" * 64,
                         size=len(pdf_bytes()), content_type="application/pdf")
    db.session.add(row)
    db.session.commit()
    html = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert f'href="/calls/{call.id}/attachments/{row.id}"' in html and "申报指南.html" in html
    response = client.get(f"/calls/{call.id}/attachments/{row.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert ".pdf" in response.headers["Content-Disposition"]  # named by its checked type, not ".html"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    other = make_call(title="另一个通知")
    assert client.get(f"/calls/{other.id}/attachments/{row.id}").status_code == 404  # not that call's


def test_a_category_the_call_does_not_take_has_no_blank_form(app, client):
    call = make_call(categories=("tech_support",))
    assert client.get(f"/calls/{call.id}/form/comprehensive_service.pdf").status_code == 404
    assert client.get(f"/calls/{call.id}/form/..%2Fx.pdf").status_code == 404


def test_the_blank_form_is_a_pdf_naming_the_policy_in_force(app, client):
    call = make_call(jurisdiction="mile", categories=("comprehensive",), title="弥勒市众创空间认定申报通知")
    clock.freeze(OPENS)
    response = client.get(f"/calls/{call.id}/form/comprehensive.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = re.sub(r"\s+", "", text)
    assert "弥政办发〔2017〕5号" in compact  # the policy document named
    assert "空白申报书" in compact and "申报书" in compact and "基本信息表" in compact  # the form's headings
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout
        assert "基本信息表" in re.sub(r"\s+", "", out.decode())
    # kept in the documents' store: the second download reads the file
    assert client.get(f"/calls/{call.id}/form/comprehensive.pdf").data == response.data


def test_the_generic_blank_form_renders_for_every_category_of_kunming(app, client):
    call = make_call()
    clock.freeze(OPENS)
    for category in call.categories:
        response = client.get(f"/calls/{call.id}/form/{category}.pdf")
        assert response.status_code == 200
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages))
        assert "昆科发〔2017〕55号" in text
