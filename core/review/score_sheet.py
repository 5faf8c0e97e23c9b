"""The expert review's score sheet: its dimensions and the parsing of what an expert typed.

No policy names review dimensions for recognition (昆科发〔2017〕55号 第十一条 and
弥政办发〔2017〕5号 第七条 say only 专家实地审核 / 实地查验和集中评审): the score sheet is a
bureau setting (``review_dimensions``) with our default.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from core.bureau import data as bureau_data


@dataclass(frozen=True)
class Dimension:
    name: str
    max: float = 100


# Our default score sheet (our choice, not policy): the themes of the recognition
# conditions (场地、团队、服务、孵化成效), weighted to a total of 100.
DEFAULT_DIMENSIONS = (
    Dimension("场地与设施", 20),
    Dimension("运营管理团队", 20),
    Dimension("创业服务能力", 30),
    Dimension("孵化成效", 30),
)


def review_dimensions(code: str) -> tuple[list[Dimension], bool]:
    """The score sheet of ``code`` and whether it is the bureau's (False: our default)."""
    setting = bureau_data.bureau_setting(code, bureau_data.REVIEW_DIMENSIONS)
    if setting is None or not setting.value:
        return list(DEFAULT_DIMENSIONS), False
    sheet = [Dimension(i.strip(), 100) if isinstance(i, str) else Dimension(i["name"].strip(), i.get("max", 100))
             for i in setting.value]
    return sheet, True


def parse_scores(sheet: list[Dimension], typed: dict[str, str]) -> tuple[dict[str, float], dict[str, str]]:
    """What an expert typed → ({dimension: number}, {dimension: Chinese error})."""
    scores, errors = {}, {}
    for dim in sheet:
        raw = (typed.get(dim.name) or "").strip()
        if not raw:
            errors[dim.name] = f"请填写“{dim.name}”的得分"
            continue
        try:
            number = float(raw)
        except ValueError:
            errors[dim.name] = f"“{dim.name}”的得分应为数字，实为“{raw}”"
            continue
        if not math.isfinite(number) or not 0 <= number <= dim.max:
            errors[dim.name] = f"“{dim.name}”的得分应在 0 至 {dim.max:g} 之间，实为 {raw}"
            continue
        scores[dim.name] = int(number) if number.is_integer() else round(number, 2)
    return scores, errors
