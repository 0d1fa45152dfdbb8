"""A refused form (the 用户管理 form, the API, ``mujun user``; the 处置项目 forms) in Chinese or in
the page's language, each problem naming its field: ``用户名（username）：必须填写``."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from mujun.engine.texts import N_

#: the form's labels, to name the field of a problem
FIELD_LABELS = {
    "username": N_("用户名"), "display_name": N_("显示名称"), "role": N_("角色"),
    "department": N_("部门"), "town": N_("乡镇街道"), "park": N_("园区"),
    "uscc": N_("企业信用代码"), "active": N_("状态"), "password": N_("密码"),
    "version": N_("版本"),
    # the disposal case forms (处置项目)
    "method": N_("处置方式"), "officer_id": N_("负责专员"), "target_date": N_("目标日期"),
    "area_mu": N_("面积（亩）"), "completed_on": N_("办结日期"), "on": N_("日期"),
    "text": N_("进展情况"), "reason": N_("理由"), "description": N_("情况说明"),
}

_MESSAGES = {
    "missing": N_("必须填写"),
    "string_too_long": N_("太长（最多 %(max_length)s 个字符）"),
    "string_pattern_mismatch": N_("只能包含字母、数字、汉字和 . _ @ -"),
    "enum": N_("不是可选的值"),
    "extra_forbidden": N_("不是可填写的项"),
    "bool_parsing": N_("应为是或否"),
    "int_parsing": N_("应为整数"),
    "float_parsing": N_("应为数字"),
    "date_parsing": N_("应为日期（如 2025-06-30）"),
    "date_from_datetime_parsing": N_("应为日期（如 2025-06-30）"),
    "greater_than": N_("须大于 %(gt)s"),
    "less_than_equal": N_("不能大于 %(le)s"),
}
_FIELD_PROBLEM = N_("%(label)s（%(field)s）：%(problem)s")
_SEPARATOR = N_("；")


def _same(text: str) -> str:
    return text


def form_problems(exc: ValidationError, tr: Callable[[str], str] = _same) -> str:
    """Each problem naming its field, joined; ``tr`` translates (the page's language; Chinese
    by default). A rule over several fields (the role's scope) names its fields itself."""
    out = []
    for err in exc.errors():
        field = next((str(p) for p in reversed(err["loc"]) if isinstance(p, str)), "")
        if err.get("input") in (None, "") and err["type"] != "value_error":
            problem = tr(_MESSAGES["missing"])
        elif err["type"] == "value_error":
            problem = tr(str(err["ctx"]["error"]) if "ctx" in err else err["msg"])
        elif err["type"] in _MESSAGES:
            problem = tr(_MESSAGES[err["type"]]) % err.get("ctx", {})
        else:
            problem = err["msg"]
        out.append(tr(_FIELD_PROBLEM) % {"label": tr(FIELD_LABELS.get(field, field)),
                                         "field": field, "problem": problem}
                   if field else problem)
    return tr(_SEPARATOR).join(out)
