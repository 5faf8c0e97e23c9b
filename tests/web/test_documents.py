"""The PDFs (issue 6): the 弥勒 申报书 and the others' 申请表, the notice, the
certificate, ``zhongchuang render application`` (CONTRACTS §5), the downloads and
who may have them, and the renderer's safety against hostile input.

Every PDF is read back with pypdf: the Chinese text must come back and the fonts be
embedded.  Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""
from __future__ import annotations

import http.server
import io
import json
import shutil
import subprocess
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.documents import render as documents
from core.cli import cli
from core.platform.extensions import db
from core.platform.models import NoticeEntry, PublicNotice, Recognition
from tests.factories import login, make_application, make_org, make_space, make_user

DATA = Path(__file__).parent.parent / "data"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "pdf-pages"


def base_facts(residents: int | None = None) -> dict:
    facts = json.loads((DATA / "kunming-comprehensive-service.json").read_text(encoding="utf-8"))
    facts.update(registered_region="532504", space_region="532504", space_name="弥勒红河创客空间",
                 applicant_name="弥勒市东风创新科技有限公司")
    if residents is not None:
        facts["residents"] = [
            {"name": f"入驻企业{i:02d}号", "kind": "enterprise", "qualifying_field": True,
             "entered_on": "2025-03-01", "established_on": "2025-01-15", "registered_in_space": True}
            for i in range(1, residents + 1)]
    return facts


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    """The whole text without any white space (layout breaks lines anywhere)."""
    return "".join("".join(text_of(pdf)).split())


def nows(text: str) -> str:
    return "".join(text.split())


def embedded_fonts(pdf: bytes) -> set[str]:
    """Base names of the fonts whose program is embedded (FontFile2: TrueType)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def client_of(app, user):
    """A fresh client logged in as ``user`` through the real login form."""
    client = app.test_client()
    login(client, user)
    return client


def run(app, *args):
    return app.test_cli_runner().invoke(cli, list(args))


# --- zhongchuang render application (CONTRACTS §5) ------------------------------------------


def test_render_mile_application_round_trip(app, tmp_path, caplog):
    caplog.set_level("WARNING", logger="xhtml2pdf")
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(json.dumps(base_facts(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = run(app, "render", "application", "--jurisdiction", "mile", "--category", "comprehensive",
                 str(facts_file), "--output", str(out))
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = text_of(pdf)
    whole = flat(pdf)
    for printed in ("弥勒市众创空间认定", "填报须知", "基本信息表", "入驻企业或创业团队基本情况表",
                    "已毕业企业或创业团队基本情况表", "市科技部门意见", "市人民政府意见", "申请单位承诺",
                    "弥勒红河创客空间", "弥勒市东风创新科技有限公司", "91530112AY4CL12T2Q", "云岭智造"):
        assert printed in whole, printed
    assert "编号" in nows(pages[0])
    # 填报须知 四: an unanswered field prints 无 (no 法人代表 in a facts file)
    assert "无" in pages[0]
    assert {"NotoSansSC-Regular", "NotoSansSC-Bold"} <= embedded_fonts(pdf)
    assert not [r for r in caplog.records if "No font this document has can draw" in r.getMessage()]


def test_render_other_jurisdiction_prints_its_own_form(app, tmp_path):
    facts = base_facts()
    facts.update(registered_region="530112", space_region="530112")
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "k.pdf"
    result = run(app, "render", "application", "--jurisdiction", "kunming", "--category",
                 "comprehensive_service", str(facts_file), "-o", str(out))
    assert result.exit_code == 0, result.output
    form_cls = app.extensions["zhongchuang"].application_form("kunming", "comprehensive_service")
    whole = flat(out.read_bytes())
    assert form_cls.title in whole
    assert "弥勒红河创客空间" in whole and "填报须知" not in whole


@pytest.mark.parametrize("args, named", [
    (["--jurisdiction", "nowhere", "--category", "comprehensive"], "nowhere"),
    (["--jurisdiction", "mile", "--category", "nope"], "nope"),
])
def test_render_bad_option_is_one_line_exit_2(app, tmp_path, args, named):
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(json.dumps(base_facts(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = run(app, "render", "application", *args, str(facts_file), "--output", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and named in result.stderr
    assert not out.exists()


def test_render_bad_facts_name_the_key(app, tmp_path):
    facts = base_facts()
    facts["total_area_m2"] = "很大"
    facts_file = tmp_path / "facts.json"
    facts_file.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    result = run(app, "render", "application", "--jurisdiction", "mile", "--category", "comprehensive",
                 str(facts_file), "--output", str(tmp_path / "out.pdf"))
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "total_area_m2" in result.stderr
    missing = run(app, "render", "application", "--jurisdiction", "mile", "--category", "comprehensive",
                  str(tmp_path / "none.json"), "--output", str(tmp_path / "out.pdf"))
    assert missing.exit_code == 2 and "none.json" in missing.stderr and missing.stdout == ""
    no_output = run(app, "render", "application", "--jurisdiction", "mile", "--category", "comprehensive",
                    str(facts_file))
    assert no_output.exit_code == 2 and "--output" in no_output.stderr
    assert len(no_output.stderr.splitlines()) == 1


# --- tables across pages ---------------------------------------------------------------------


def test_sixty_residents_grow_the_form_and_repeat_the_header(app):
    few = documents.application_pdf("mile", "comprehensive", base_facts(residents=1))
    many = documents.application_pdf("mile", "comprehensive", base_facts(residents=60))
    few_pages, many_pages = text_of(few), text_of(many)
    assert len(many_pages) > len(few_pages)
    with_rows = [t for t in many_pages if "入驻企业" in t and "号" in t and "入驻企业01号" not in t]
    last_row_page = next(t for t in many_pages if "入驻企业60号" in t)
    assert "入驻企业01号" not in last_row_page  # the table did go on to another page
    assert with_rows, "no page carries the table's continuation"
    for page in with_rows:  # the header row printed again on the continuation page
        assert "主导产品" in page and "联系电话" in page


# --- hostile input ------------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the stdlib's name
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_hostile_text_is_printed_as_text_and_fetches_nothing(app, recorder):
    facts = base_facts()
    facts["space_name"] = f'<img src="{recorder}/space.png"><b>粗</b>空间'
    facts["applicant_name"] = '<img src="file:///etc/passwd">单位'
    form_data = {
        "reason": "申请" * 10_000,  # 20 000 characters
        "plan_summary": f'<link rel="stylesheet" href="{recorder}/x.css"><style>@import url({recorder}/i.css);</style>',
        "legal_representative": "http://127.0.0.1:9/",
        "space_address": "长" * 20_000,
    }
    pdf = documents.application_pdf("mile", "comprehensive", facts, form_data)
    whole = flat(pdf)
    assert _Recorder.hits == []
    assert nows(f'<img src="{recorder}/space.png"><b>粗</b>空间') in whole  # escaped: shown, not obeyed
    assert nows('<img src="file:///etc/passwd">单位') in whole
    assert "root:x:0:0" not in whole
    assert "http://127.0.0.1:9/" in whole
    assert whole.count("申请") >= 10_000  # the long text prints in full
    assert "全文20000字" in whole  # the overlong cell says it was cut
    assert b"/Subtype /Image" not in pdf


def test_resource_policy_refuses_everything_but_our_files(app, recorder, tmp_path):
    """Defence in depth: even a template that asked for them gets no outside resource."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    big = "data:image/png;base64," + "A" * (1024 * 1024)
    fonts = documents.font_context()
    html = f"""<html><head><style>
      @font-face {{ font-family: zh; src: url("{fonts['font_regular']}"); }}
      @font-face {{ font-family: evil; src: url("{recorder}/font.ttf"); }}
      @import url("{recorder}/import.css");
      body {{ font-family: zh; background-image: url("{recorder}/bg.png"); }}
    </style><link rel="stylesheet" href="{recorder}/link.css"></head><body>
      <p>资源测试</p>
      <img src="{recorder}/a.png"><img src="http://127.0.0.1:9/"><img src="file:///etc/passwd">
      <img src="/etc/passwd"><img src="{secret}"><img src="file://{secret}"><img src="{big}">
      <pdf:barcode value="1"></pdf:barcode>
    </body></html>"""
    pdf = documents.render_html(html)
    assert _Recorder.hits == []
    assert "资源测试" in text_of(pdf)[0]
    assert b"/Subtype /Image" not in pdf
    assert documents.link_callback(f"{recorder}/a.png") == documents.REFUSED
    assert documents.link_callback("file:///etc/passwd") == documents.REFUSED
    assert documents.link_callback("data:image/png;base64,AAAA") == documents.REFUSED
    assert documents.link_callback(fonts["font_bold"]) == fonts["font_bold"]
    # a document beyond the policy's size is not rendered at all
    with pytest.raises(documents.DocumentError):
        documents.render_html(html.replace("资源测试", "A" * (11 * 1024 * 1024)))


# --- the notice and the certificate ----------------------------------------------------------------


def _notice(status="open") -> PublicNotice:
    application = make_application("mile", status="under_notice")
    application.space.name = "<b>公示</b>空间"
    today = date(2026, 11, 23)
    notice = PublicNotice(jurisdiction="mile", title="弥勒市众创空间认定公示", published_on=today,
                          first_day=today + timedelta(days=1), last_day=today + timedelta(days=7), days=7,
                          period_source="弥政办发〔2017〕5号 第十三条", contact="0873-1234567 科技科",
                          status=status)
    notice.entries.append(NoticeEntry(application=application))
    db.session.add(notice)
    db.session.commit()
    return notice


def _recognition(application) -> Recognition:
    recognition = Recognition(application_id=application.id, space_id=application.space_id, jurisdiction="mile",
                              title="弥勒市众创空间", certificate_number="弥众创〔2026〕第007号",
                              level="municipal", granted_on=date(2026, 12, 1))
    db.session.add(recognition)
    db.session.commit()
    return recognition


def test_public_notice_pdf_for_anyone_while_open(app, client):
    notice = _notice()
    response = client.get(f"/notices/{notice.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    whole = flat(response.data)
    for printed in ("弥勒市众创空间认定公示", "弥勒市农业和科学技术局", "<b>公示</b>空间", "2026年11月24日",
                    "2026年11月30日", "0873-1234567 科技科", "异议方式", "弥政办发〔2017〕5号 第十三条"):
        assert nows(printed) in whole, printed
    assert f"/notices/{notice.id}/pdf" in client.get(f"/notices/{notice.id}").get_data(as_text=True)
    closed = _notice(status="closed")
    assert client.get(f"/notices/{closed.id}/pdf").status_code == 404
    assert client.get("/notices/999999/pdf").status_code == 404


def test_certificate_pdf_for_owner_and_staff_only(app, client):
    application = make_application("mile", status="recognised")
    recognition = _recognition(application)
    owner = make_user("applicant", organisation_id=application.organisation_id)
    stranger = make_user("applicant", organisation_id=make_org().id)
    officer = make_user("officer", ["mile"])
    other_officer = make_user("officer", ["kunming"])

    as_owner = client_of(app, owner)
    page = as_owner.get(f"/portal/applications/{application.id}").get_data(as_text=True)
    assert f"/portal/certificates/{recognition.id}/pdf" in page
    response = as_owner.get(f"/portal/certificates/{recognition.id}/pdf")
    assert response.status_code == 200
    whole = flat(response.data)
    for printed in ("证", "弥众创〔2026〕第007号", application.space.name, application.organisation.name,
                    "弥勒市众创空间", "弥勒市农业和科学技术局", "2026年12月1日"):
        assert nows(printed) in whole, printed

    assert client_of(app, stranger).get(f"/portal/certificates/{recognition.id}/pdf").status_code == 404

    as_officer = client_of(app, officer)
    assert as_officer.get(f"/admin/documents/application/{application.id}/certificate.pdf").status_code == 200
    assert "certificate.pdf" in as_officer.get(f"/admin/case/{application.id}").get_data(as_text=True)
    as_other = client_of(app, other_officer)
    assert as_other.get(f"/admin/documents/application/{application.id}/certificate.pdf").status_code == 404


def test_application_pdf_downloads_are_scoped(app, client):
    space = make_space(name="弥勒下载测试空间", region="532504")
    application = make_application("mile", space=space, facts=base_facts(),
                                    form_data={"reason": "为本地创业者提供服务", "_typed": {"x": "y"}})
    owner = make_user("applicant", organisation_id=application.organisation_id)
    stranger = make_user("applicant", organisation_id=make_org().id)
    officer = make_user("officer", ["mile"])
    other_officer = make_user("officer", ["kunming"])

    assert client.get(f"/portal/applications/{application.id}/pdf").status_code in (302, 401)
    as_owner = client_of(app, owner)
    assert f"/portal/applications/{application.id}/pdf" in as_owner.get(
        f"/portal/applications/{application.id}").get_data(as_text=True)
    response = as_owner.get(f"/portal/applications/{application.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "为本地创业者提供服务" in flat(response.data)

    assert client_of(app, stranger).get(f"/portal/applications/{application.id}/pdf").status_code == 404

    as_officer = client_of(app, officer)
    assert f"/admin/documents/application/{application.id}.pdf" in as_officer.get(
        f"/admin/case/{application.id}").get_data(as_text=True)
    assert as_officer.get(f"/admin/documents/application/{application.id}.pdf").status_code == 200
    assert client_of(app, other_officer).get(f"/admin/documents/application/{application.id}.pdf").status_code == 404


# --- page images for the reviewer ------------------------------------------------------------------


def test_first_two_pages_of_the_mile_form_as_images(app):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed and scripts/setup_pdf_tools.sh could not install it")
    form_data = {"legal_representative": "张三", "phone": "0873-6123456", "space_address": "弥勒市髯翁东路 88 号",
                 "declared_on": "2026-11-23"}
    pdf = documents.application_pdf("mile", "comprehensive", base_facts(residents=12), form_data, "弥科-2026-001")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / "mile-application.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "2", "-r", "80", "-png", str(source), str(ARTIFACTS / "mile-page")],
                   check=True)
    images = sorted(ARTIFACTS.glob("mile-page-*.png"))
    assert len(images) >= 2 and all(p.stat().st_size > 5_000 for p in images)
