"""The bare yardstick of the province-scale benchmarks (issue 15): a minimal Flask +
SQLAlchemy (Core) app serving the same content as each measured page of the project, from
the same database, with plain Jinja templates and one statement per query the page needs.

    BENCH_DATABASE_URL=postgresql://… gunicorn -w 2 --chdir benchmarks 'bare_app:create_app()'

What it keeps from the project, to stay honest:

- the officer's application list: the same 50 rows in the same order (``id`` descending),
  the same eleven columns with their labels in words, the same joins (space, organisation,
  review batch), the COUNT with the same WHERE, the scoping of ``core.accounts.scoping``
  (an officer: his jurisdictions and no drafts; the admin: every enabled jurisdiction), the
  status filter (``status = …``), OFFSET paging, and search as ``ILIKE '%…%'`` on the reference
  number, the space's and the organisation's names, counted and paged; every row carries the
  same row actions (view, edit, delete form with a token, case, checklist);
- the CSV export: the same rows and columns, the labels as headers, a BOM, cells made
  formula-safe, streamed from a server-side cursor;
- ``/notices/`` and ``/notices/<id>``: the same fields, one statement per page.

What it leaves out is what the yardstick is for: no sign-in or session check (scope is a
query argument), no Flask-Admin, no ORM objects, no plugin registry, labels from dicts.
"""
from __future__ import annotations

import csv
import io
import os
from datetime import date, timedelta

from flask import Flask, Response, abort, render_template, request, stream_with_context
from jinja2 import DictLoader
from sqlalchemy import bindparam, create_engine, text

JURISDICTIONS = {"mile": "弥勒市", "kunming": "昆明市", "yunnan": "云南省", "xuzhou": "徐州市"}
AUTHORITIES = {"mile": "弥勒市农业和科学技术局", "kunming": "昆明市科学技术局", "yunnan": "云南省科学技术厅",
               "xuzhou": "徐州市科学技术局"}
CATEGORIES = {("mile", "comprehensive"): "综合型", ("mile", "specialized"): "专业型",
              ("kunming", "tech_support"): "技术支撑类", ("kunming", "comprehensive_service"): "综合服务类",
              ("yunnan", "provincial"): "省级众创空间", ("xuzhou", "key"): "重点众创空间"}
STATUSES = {"draft": "草稿", "submitted": "已提交", "in_review": "审核中", "returned": "退回修改",
            "under_notice": "公示中", "recognised": "已认定", "rejected": "未通过", "withdrawn": "已撤回"}
STEPS = {
    ("mile", "recommend"): "推荐单位推荐", ("mile", "expert_review"): "专家实地查验和集中评审",
    ("mile", "bureau_decision"): "市农科局局务会审定", ("mile", "public_notice"): "审定结果公示",
    ("mile", "government_recognition"): "呈报弥勒市人民政府认定", ("mile", "award"): "颁发“弥科xxx众创空间”牌匾",
    ("kunming", "district_review"): "县（市）区科技主管部门初审和实地查验",
    ("kunming", "district_recommend"): "科技主管部门择优推荐上报市科技局",
    ("kunming", "expert_review"): "专家现场调研、实地审核", ("kunming", "bureau_decision"): "市科技局审核决定",
    ("kunming", "public_notice"): "审核结果向社会公示", ("kunming", "award"): "向社会公布，授予“昆明市众创空间”称号",
    ("yunnan", "recommend"): "州（市）科技局认定推荐", ("yunnan", "expert_review"): "省科技厅组织评审",
    ("yunnan", "decide"): "省科技厅认定", ("yunnan", "public_notice"): "认定结果公示",
    ("yunnan", "award"): "认定为云南省省级众创空间",
    ("xuzhou", "recommend"): "县（市）、区科技主管部门推荐", ("xuzhou", "expert_review"): "市科技局组织评审",
    ("xuzhou", "decide"): "市科技局认定", ("xuzhou", "public_notice"): "认定结果公示",
    ("xuzhou", "award"): "认定为徐州市重点众创空间",
}
HEADERS = ("编号", "辖区", "类别", "众创空间", "申报单位", "状态", "当前步骤", "评审批次", "提交日期", "受理编号",
           "适用政策")
PAGE_SIZE = 50
RECENTLY_CLOSED_DAYS = 30
TOKEN = "ImM0OGU2M2NiYWI1NDJhNWJiYTkzNDZhM2RkZmQ5YjlmYzRkMTk5MWYi.axGvpg.Af0crEgJO-GufDYkPgYY3DbE06Q"

SELECT_ROWS = """
SELECT a.id, a.jurisdiction, a.category, a.status, a.current_step, a.batch_id, b.name AS batch_name,
       a.submitted_on, a.official_number, a.policy_document, s.name AS space_name, o.name AS organisation_name
FROM applications a
JOIN spaces s ON s.id = a.space_id
JOIN organisations o ON o.id = a.organisation_id
LEFT JOIN batches b ON b.id = a.batch_id
"""
COUNT_ROWS = "SELECT count(*) FROM applications a"
COUNT_SEARCH_JOINS = " JOIN spaces s ON s.id = a.space_id JOIN organisations o ON o.id = a.organisation_id"

NOTICES = """
SELECT id, jurisdiction, title, first_day, last_day, status FROM public_notices
WHERE jurisdiction IN :codes AND (status = 'open' OR last_day >= :recent)
ORDER BY published_on DESC, id DESC
"""
NOTICE = """
SELECT n.id, n.jurisdiction, n.title, n.published_on, n.first_day, n.last_day, n.days, n.period_source, n.contact,
       n.status, e.application_id, a.category, s.name AS space_name, o.name AS organisation_name
FROM public_notices n
LEFT JOIN notice_entries e ON e.notice_id = n.id
LEFT JOIN applications a ON a.id = e.application_id
LEFT JOIN spaces s ON s.id = a.space_id
LEFT JOIN organisations o ON o.id = a.organisation_id
WHERE n.id = :id AND n.jurisdiction IN :codes
ORDER BY e.id
"""

LAYOUT = """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · 众创空间认定管理平台</title>
<link rel="stylesheet" href="/static/app.css">{% block head %}{% endblock %}</head>
<body>
  <header class="zc-header"><a class="zc-brand" href="/">众创空间认定管理平台</a>
    <nav class="zc-nav"><a href="/notices/" id="nav-notices">公示</a>
      <span class="zc-lang"><strong>中文</strong> | <a href="/lang/en?next={{ request.path }}">English</a></span>
      <a href="/login" id="nav-login">登录</a></nav></header>
  <main class="zc-main">{% block content %}{% endblock %}</main>
  <footer class="zc-footer">众创空间认定管理平台 · 公示信息以主管部门发布为准</footer>
</body></html>
"""

LIST = """{% extends "layout.html" %}
{% block title %}申报{% endblock %}
{% block content %}
<ul class="nav nav-tabs">
  <li class="nav-item"><a href="javascript:void(0)" class="nav-link active">列表 ({{ count }})</a></li>
  <li class="dropdown"><a class="nav-link dropdown-toggle" href="javascript:void(0)">导出</a>
    <div class="dropdown-menu"><a class="dropdown-item" href="/applications/export.csv?scope={{ scope }}">导出 CSV</a>
      <a class="dropdown-item" href="/applications/export.xlsx?scope={{ scope }}">导出 XLSX</a></div></li>
  <li class="nav-item dropdown"><a class="nav-link dropdown-toggle" href="javascript:void(0)">添加筛选器</a>
    <div class="dropdown-menu field-filters"><a class="dropdown-item filter">辖区</a><a class="dropdown-item filter">类别</a>
      <a class="dropdown-item filter">状态</a></div></li>
  <li class="nav-item ml-2"><form method="GET" action="/applications/" class="form-inline" role="search">
    <input type="hidden" name="scope" value="{{ scope }}">
    <input class="form-control" size="30" type="text" name="search" value="{{ search }}" placeholder="受理编号, 众创空间, 申报单位">
    <button class="btn btn-secondary" type="submit">搜索</button></form></li>
</ul>
<table class="table table-striped table-bordered table-hover model-list">
<thead><tr><th class="col-md-1">&nbsp;</th><th>&nbsp;</th>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for r in rows %}
<tr>
  <td><input type="checkbox" name="rowid" class="action-checkbox" value="{{ r.id }}" title="选择记录"></td>
  <td class="list-buttons-column">
    <a class="icon" href="/admin/application/details/?id={{ r.id }}&amp;url={{ back }}" title="查看记录"><span class="fa fa-eye"></span></a>
    <a class="icon" href="/admin/application/edit/?id={{ r.id }}&amp;url={{ back }}" title="编辑记录"><span class="fa fa-pencil"></span></a>
    <form class="icon" method="POST" action="/admin/application/delete/"><input name="id" type="hidden" value="{{ r.id }}">
      <input name="url" type="hidden" value="{{ back }}"><input name="csrf_token" type="hidden" value="{{ token }}">
      <button title="删除记录"><span class="fa fa-trash"></span></button></form>
    <a class="icon" href="/admin/case/{{ r.id }}" title="办理：步骤、操作、时间线"><span class="fa fa-folder-open"></span></a>
    <a class="icon" href="/admin/checklist/{{ r.id }}" title="认定条件核查"><span class="fa fa-list"></span></a>
  </td>
  <td class="col-id">{{ r.id }}</td>
  <td class="col-jurisdiction">{{ jurisdictions[r.jurisdiction] }}</td>
  <td class="col-category">{{ categories[(r.jurisdiction, r.category)] }}</td>
  <td class="col-space">{{ r.space_name }}</td>
  <td class="col-organisation">{{ r.organisation_name }}</td>
  <td class="col-status">{{ statuses[r.status] }}</td>
  <td class="col-current_step">{{ steps.get((r.jurisdiction, r.current_step), '') }}</td>
  <td class="col-batch">{% if r.batch_id %}<a href="/admin/batches/{{ r.batch_id }}">#{{ r.batch_id }} {{ r.batch_name }}</a>{% endif %}</td>
  <td class="col-submitted_on">{{ r.submitted_on or '' }}</td>
  <td class="col-official_number">{{ r.official_number or '' }}</td>
  <td class="col-policy_document">{{ r.policy_document or '' }}</td>
</tr>
{% endfor %}
</tbody></table>
<ul class="pagination">
{% for p in pages %}<li class="page-item{% if p == page %} active{% endif %}"><a class="page-link" href="/applications/?scope={{ scope }}&amp;page={{ p }}">{{ p + 1 }}</a></li>{% endfor %}
<li class="page-item"><a class="page-link" href="/applications/?scope={{ scope }}&amp;page={{ last }}">&raquo;</a></li>
</ul>
<form id="action_form" action="/admin/application/action/" method="POST" class="d-none">
  <input name="csrf_token" type="hidden" value="{{ token }}"><input name="url" type="hidden" value="{{ back }}">
  <input id="action" name="action" type="hidden" value=""></form>
{% endblock %}
"""

NOTICES_PAGE = """{% extends "layout.html" %}
{% block title %}公示{% endblock %}
{% block content %}
<div class="zc-card zc-notice">
  <h1>公示</h1>
  <p class="zc-muted">众创空间认定结果向社会公示。公示期内，任何单位和个人均可提出异议。</p>
  {% if notices %}
  <div class="zc-scroll"><table id="notices">
    <thead><tr><th>公示</th><th>主管部门</th><th>公示期</th><th>状态</th></tr></thead>
    <tbody>
    {% for n in notices %}
      <tr id="notice-{{ n.id }}"><td><a href="/notices/{{ n.id }}">{{ n.title }}</a></td>
        <td>{{ authorities[n.jurisdiction] }}</td><td>{{ n.first_day.isoformat() }} — {{ n.last_day.isoformat() }}</td>
        <td>{% if n.status == 'open' and today <= n.last_day %}受理异议中{% else %}已结束{% endif %}</td></tr>
    {% endfor %}
    </tbody></table></div>
  {% else %}<p id="no-notices">目前没有公示。</p>{% endif %}
</div>
{% endblock %}
"""

NOTICE_PAGE = """{% extends "layout.html" %}
{% block title %}{{ n.title }}{% endblock %}
{% block content %}
<div class="zc-card zc-notice" id="notice">
  <p class="zc-noprint"><a href="/notices/">全部公示</a> · <button type="button" class="zc-link" data-zc-print>打印</button>
    {% if n.status == 'open' %}· <a href="/notices/{{ n.id }}/pdf" id="notice-pdf">下载（PDF）</a>{% endif %}</p>
  <h1>{{ n.title }}</h1>
  <p id="bureau">发布单位：<strong>{{ authorities[n.jurisdiction] }}</strong> · 发布日期 {{ n.published_on.isoformat() }}</p>
  <table id="entries"><thead><tr><th>序号</th><th>众创空间</th><th>运营单位</th><th>类别</th></tr></thead>
    <tbody>
    {% for e in entries %}
      <tr id="entry-{{ e.application_id }}"><td>{{ loop.index }}</td><td>{{ e.space_name }}</td>
        <td>{{ e.organisation_name }}</td><td>{{ categories[(n.jurisdiction, e.category)] }}</td></tr>
    {% endfor %}
    </tbody></table>
  <p id="period" class="zc-period">公示期：{{ n.first_day.isoformat() }} 至 {{ n.last_day.isoformat() }}（{{ n.days }} 天）</p>
  <p id="period-source" class="zc-muted">公示期长度：{{ n.period_source }}。公示期自发布次日起算；最后一日为休息日的，顺延至其后第一个工作日。</p>
  <p id="contact">主管部门联系方式：{{ n.contact }}</p>
  <p id="how-to-object">对上述众创空间有异议的，可在公示期内通过下面的表格或按上述联系方式向主管部门提出，写明姓名（或单位名称）和联系方式以便核实，
    并说明事实、附上佐证材料。异议人的联系方式仅主管部门可见。</p>
  {% if accepting %}
  <form method="post" action="/notices/{{ n.id }}/objections" enctype="multipart/form-data" class="zc-noprint" id="objection-form">
    <h2>提出异议</h2>
    <input type="hidden" name="csrf_token" value="{{ token }}">
    <label for="application_id">所涉众创空间</label>
    <select name="application_id" id="application_id"><option value="">整个公示</option>
      {% for e in entries %}<option value="{{ e.application_id }}">{{ e.space_name }}</option>{% endfor %}
    </select>
    <label for="name">姓名或单位名称</label><input type="text" name="name" id="name" maxlength="100" value="">
    <label for="contact">联系方式（电话或电子邮箱，不公开）</label><input type="text" name="contact" id="contact-field" maxlength="200" value="">
    <label for="content">异议内容及事实</label><textarea name="content" id="content" rows="6"></textarea>
    <label for="attachment">佐证材料（可选：PDF、图片、Word 或 Excel）</label><input type="file" name="attachment" id="attachment">
    <p><button type="submit">提交异议</button></p>
  </form>
  {% elif today < n.first_day %}<p class="zc-closed" id="not-yet">{{ n.first_day.isoformat() }} 起受理异议。</p>
  {% else %}<p class="zc-closed" id="closed">公示期已于 {{ n.last_day.isoformat() }} 结束，此处不再受理异议。</p>{% endif %}
</div>
<script src="/static/print.js"></script>
{% endblock %}
"""


def scope_where(scope: str) -> tuple[str, dict]:
    """``core.accounts.scoping.application_criteria``: the admin every enabled jurisdiction
    (drafts included); an officer his jurisdictions, without drafts."""
    if scope == "*":
        return "a.jurisdiction IN :codes", {"codes": list(JURISDICTIONS)}
    codes = [c for c in scope.split(",") if c in JURISDICTIONS]
    if not codes:
        abort(404)
    return "a.jurisdiction IN :codes AND a.status != 'draft'", {"codes": codes}


def list_criteria() -> tuple[str, dict, bool]:
    where, params = scope_where(request.args.get("scope", "*"))
    status = request.args.get("status")
    if status:
        where += " AND a.status = :status"
        params["status"] = status
    search = request.args.get("search", "").strip()
    if search:
        where += " AND (a.official_number ILIKE :q OR s.name ILIKE :q OR o.name ILIKE :q)"
        params["q"] = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return where, params, bool(search)


def expanding(sql: str):
    return text(sql).bindparams(bindparam("codes", expanding=True))


def safe(value) -> str:
    """``core.platform.exports.spreadsheet_safe``."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def create_app() -> Flask:
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"layout.html": LAYOUT, "list.html": LIST, "notices.html": NOTICES_PAGE,
                                   "notice.html": NOTICE_PAGE})
    url = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), pool_pre_ping=False)
    labels = {"jurisdictions": JURISDICTIONS, "categories": CATEGORIES, "statuses": STATUSES, "steps": STEPS,
              "authorities": AUTHORITIES, "headers": HEADERS, "token": TOKEN}

    @app.get("/healthz")
    def healthz():
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"

    @app.get("/applications/")
    def applications():
        where, params, search = list_criteria()
        page = max(0, request.args.get("page", 0, type=int))
        with engine.connect() as conn:
            count = conn.execute(expanding(COUNT_ROWS + (COUNT_SEARCH_JOINS if search else "") + " WHERE " + where),
                                 params).scalar_one()
            rows = conn.execute(expanding(SELECT_ROWS + " WHERE " + where
                                          + " ORDER BY a.id DESC LIMIT :limit OFFSET :offset"),
                                {**params, "limit": PAGE_SIZE, "offset": page * PAGE_SIZE}).all()
        last = max(0, (count - 1) // PAGE_SIZE)
        pages = range(max(0, page - 3), min(last, page + 3) + 1)
        return render_template("list.html", rows=rows, count=count, page=page, pages=pages, last=last,
                               scope=request.args.get("scope", "*"), search=request.args.get("search", ""),
                               back="/applications/?page_size%3D50", **labels)

    @app.get("/applications/export.csv")
    def export_csv():
        where, params, _ = list_criteria()
        statement = expanding(SELECT_ROWS + " WHERE " + where + " ORDER BY a.id DESC")

        def generate():
            out = io.StringIO()
            writer = csv.writer(out)
            out.write("\ufeff")
            writer.writerow(HEADERS)
            with engine.connect() as conn:
                result = conn.execution_options(stream_results=True, yield_per=1000).execute(statement, params)
                for r in result:
                    writer.writerow([safe(v) for v in (
                        r.id, JURISDICTIONS[r.jurisdiction], CATEGORIES.get((r.jurisdiction, r.category), r.category),
                        r.space_name, r.organisation_name, STATUSES[r.status],
                        STEPS.get((r.jurisdiction, r.current_step), ""),
                        f"#{r.batch_id} {r.batch_name}" if r.batch_id else "", r.submitted_on, r.official_number,
                        r.policy_document)])
                    if out.tell() > 1 << 16:
                        yield out.getvalue()
                        out.seek(0)
                        out.truncate()
            yield out.getvalue()

        return Response(stream_with_context(generate()), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=applications.csv"})

    @app.get("/notices/")
    def notices():
        today = date.today()
        with engine.connect() as conn:
            rows = conn.execute(expanding(NOTICES), {"codes": list(JURISDICTIONS),
                                                     "recent": today - timedelta(days=RECENTLY_CLOSED_DAYS)}).all()
        return render_template("notices.html", notices=rows, today=today, **labels)

    @app.get("/notices/<int:notice_id>")
    def notice(notice_id: int):
        today = date.today()
        with engine.connect() as conn:
            rows = conn.execute(expanding(NOTICE), {"id": notice_id, "codes": list(JURISDICTIONS)}).all()
        if not rows:
            abort(404)
        n = rows[0]
        entries = [r for r in rows if r.application_id is not None]
        return render_template("notice.html", n=n, entries=entries, today=today,
                               accepting=n.status == "open" and n.first_day <= today <= n.last_day, **labels)

    return app
