"""The money desk's workbook as a download of 我的下载 (issue 19, core.platform.downloads), registered
on import: made by the queue for the user who asked, with his filters, through the same scoped
operation as the list he saw (core.money.lifecycle), never wider."""
from __future__ import annotations

from core.money import export, lifecycle
from core.platform import downloads


def finance_workbook(user, params: dict, out) -> None:
    """The finance bureau's workbook (core.money.export), as the user's filters chose."""
    filters = lifecycle.Filters.parse(params, user)
    rows = lifecycle.export_rows(user, filters)
    export.write_workbook(out, rows, export.fund_names(rows))


downloads.register(export.DOWNLOAD_KIND, finance_workbook)
