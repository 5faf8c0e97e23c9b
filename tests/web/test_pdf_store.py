"""Rendered once, kept (issue 15, docs/documents.md): a PDF is rendered when its document's
HTML is new and read from the store afterwards; a change to what is printed renders again;
a failed write leaves nothing behind; who may download what is unchanged.

Renders are counted by wrapping the real ``render_html`` (the PDF is still rendered)."""
from __future__ import annotations

import os
import stat
import time
from datetime import date

from core.documents import render as documents
from core.documents import store
from core.platform.extensions import db
from tests.factories import login, make_application, make_org, make_user
from tests.notice_helpers import published



def kept_files(kind: str, document_id: int) -> list[str]:
    folder = store.folder() / kind / str(document_id)
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def client_of(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def test_notice_rendered_when_published_and_served_from_the_store(app, renders):
    notice, (application,), _ = published("kunming", date(2026, 9, 24))
    assert len(renders) == 1  # at publication, before anyone asked
    (name,) = kept_files("notice", notice.id)
    assert name == f"{store.digest(renders[0])}.pdf"
    kept = (store.folder() / "notice" / str(notice.id) / name).read_bytes()
    client = app.test_client()
    first = client.get(f"/notices/{notice.id}/pdf")
    second = client.get(f"/notices/{notice.id}/pdf")
    assert first.status_code == second.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data == second.data == kept and first.data.startswith(b"%PDF-")
    assert len(renders) == 1
    assert first.headers["Cache-Control"] == "no-cache"
    # The staff's download of the same notice is the same document: the same file.
    officer = client_of(app, make_user("officer", ["kunming"]))
    assert officer.get(f"/admin/documents/notice/{notice.id}.pdf").data == kept
    assert len(renders) == 1


def test_a_changed_notice_is_rendered_again_and_old_versions_are_pruned(app, renders):
    notice, (application,), _ = published("kunming", date(2026, 9, 24))
    client = app.test_client()
    before = client.get(f"/notices/{notice.id}/pdf").data
    assert len(renders) == 1
    application.space.name = "改名后的众创空间"
    db.session.commit()
    after = client.get(f"/notices/{notice.id}/pdf").data
    assert len(renders) == 2 and "改名后的众创空间" in renders[1] and after != before
    assert client.get(f"/notices/{notice.id}/pdf").data == after and len(renders) == 2
    assert len(kept_files("notice", notice.id)) == 2
    notice.last_day = date(2026, 10, 9)  # e.g. lengthened to the calendar
    db.session.commit()
    client.get(f"/notices/{notice.id}/pdf")
    assert len(renders) == 3
    files = kept_files("notice", notice.id)
    assert len(files) == store.KEEP_PER_DOCUMENT == 2  # the oldest version is gone
    assert f"{store.digest(renders[0])}.pdf" not in files and f"{store.digest(renders[2])}.pdf" in files


def test_the_bureau_number_renders_the_application_form_again(app, renders):
    application = make_application("mile", status="submitted")
    owner = client_of(app, make_user("applicant", organisation_id=application.organisation_id))
    url = f"/portal/applications/{application.id}/pdf"
    first = owner.get(url)
    assert first.status_code == 200 and owner.get(url).data == first.data and len(renders) == 1
    application.official_number = "弥科-2026-042"
    db.session.commit()
    numbered = owner.get(url)
    assert len(renders) == 2 and "弥科-2026-042" in renders[1] and numbered.data != first.data
    officer = client_of(app, make_user("officer", ["mile"]))
    assert officer.get(f"/admin/documents/application/{application.id}.pdf").data == numbered.data
    assert len(renders) == 2


def test_a_failed_write_serves_the_pdf_and_leaves_no_file(app, renders, monkeypatch):
    application = make_application("mile", status="submitted")
    owner = client_of(app, make_user("applicant", organisation_id=application.organisation_id))
    url = f"/portal/applications/{application.id}/pdf"

    def disk_full(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "fsync", disk_full)
    response = owner.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert kept_files("application", application.id) == []  # no partial file, no temporary file
    monkeypatch.undo()  # the disk has room again (and renders are no longer counted)
    owner.get(url)
    (name,) = kept_files("application", application.id)
    assert name.endswith(".pdf") and not name.startswith(".")


def test_kept_files_are_private_and_leftovers_of_a_dead_process_go(app, renders):
    notice, _, _ = published("kunming", date(2026, 9, 24))
    folder = store.folder() / "notice" / str(notice.id)
    (name,) = kept_files("notice", notice.id)
    assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    for each in (folder, folder.parent, store.folder()):
        assert stat.S_IMODE(each.stat().st_mode) == 0o700
    stale, fresh = folder / ".stale.part", folder / ".fresh.part"
    stale.write_bytes(b"%PDF-half")
    fresh.write_bytes(b"%PDF-being-written")
    old = time.time() - store.LEFTOVER_SECONDS - 60
    os.utime(stale, (old, old))
    store.prune(folder, keep_name=name)
    assert kept_files("notice", notice.id) == sorted([".fresh.part", name])


def test_a_render_failing_at_publication_does_not_stop_it(app, monkeypatch):
    def broken(html):
        raise documents.DocumentError("xhtml2pdf reported 1 error(s)")

    monkeypatch.setattr(documents, "render_html", broken)
    notice, (application,), _ = published("kunming", date(2026, 9, 24))
    assert notice.id and notice.status == "open" and application.status == "under_notice"
    assert kept_files("notice", notice.id) == []


def test_refused_downloads_stay_404_and_render_nothing(app, renders):
    notice, _, _ = published("kunming", date(2026, 9, 24))
    closed, _, _ = published("kunming", date(2026, 9, 24))
    closed.status = "closed"
    db.session.commit()
    application = make_application("mile", status="submitted")
    stranger = client_of(app, make_user("applicant", organisation_id=make_org().id))
    other_officer = client_of(app, make_user("officer", ["kunming"]))
    del renders[:]
    client = app.test_client()
    assert client.get(f"/notices/{closed.id}/pdf").status_code == 404
    assert client.get("/notices/999999/pdf").status_code == 404
    assert stranger.get(f"/portal/applications/{application.id}/pdf").status_code == 404
    assert other_officer.get(f"/admin/documents/application/{application.id}.pdf").status_code == 404
    assert client_of(app, make_user("officer", ["mile"])).get(
        f"/admin/documents/notice/{notice.id}.pdf").status_code == 404
    assert renders == [] and kept_files("application", application.id) == []
