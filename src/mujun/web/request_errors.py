"""A refused request in words a clerk reads: FastAPI's validation errors become one line per
field, the field named by its label (``年度：请输入整数``), in the page's language; HTTP errors
without a message of their own get one by status (docs/translations.md)."""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from mujun.engine.texts import N_
from mujun.services.labels import LABELS
from mujun.web.i18n import Translator

#: the query and form parameters of the pages, by name
PARAMS: dict[str, str] = {
    "year": N_("年度"), "q": N_("名称或信用代码"), "town": N_("乡镇街道"),
    "industry_code": N_("行业代码"), "group": N_("组别"), "klass": N_("档次"), "sort": N_("排序"),
    "page": N_("页码"), "per_page": N_("每页条数"), "department": N_("部门"), "file": N_("文件"),
    "reason": N_("理由"), "note": N_("意见"), "username": N_("用户名"), "password": N_("密码"),
    "uscc": N_("统一社会信用代码"), "accept": N_("决定"), "field": N_("更正字段"),
    "value": N_("更正值"), "policy_name": N_("评价办法"), "against": N_("另一评价办法"),
    # the lists' filters (docs/lists.md)
    "low_efficiency": N_("低效用地"), "exempt": N_("免评"), "other": N_("与另一批次比较"),
    "class_before": N_("原档次"), "class_after": N_("新档次"), "status": N_("状态"),
    # 三服务 requests (docs/programmes.md)
    "category": N_("类别"), "summary": N_("诉求内容"), "text": N_("办理记录"),
    "reply": N_("办结答复"), "satisfaction": N_("满意度"), "overdue": N_("逾期"),
}

#: pydantic's error types, as a clerk would be told
_BY_TYPE: dict[str, str] = {
    "missing": N_("必填"),
    "int_parsing": N_("请输入整数"), "int_type": N_("请输入整数"),
    "int_from_float": N_("请输入整数"),
    "float_parsing": N_("请输入数字"), "float_type": N_("请输入数字"),
    "bool_parsing": N_("请选择是或否"), "bool_type": N_("请选择是或否"),
    "string_too_long": N_("不能超过 %(max_length)s 个字符"),
    "string_too_short": N_("至少需要 %(min_length)s 个字符"),
    "greater_than_equal": N_("不能小于 %(ge)s"), "greater_than": N_("必须大于 %(gt)s"),
    "less_than_equal": N_("不能大于 %(le)s"), "less_than": N_("必须小于 %(lt)s"),
    "enum": N_("不是可选的值"), "literal_error": N_("不是可选的值"),
    "string_pattern_mismatch": N_("格式不对"),
    "json_invalid": N_("不是有效的 JSON"),
}
_OTHER = N_("值无效")

_BY_STATUS: dict[int, str] = {
    400: N_("请求无效"), 401: N_("请先登录"), 403: N_("无权访问"), 404: N_("找不到这个页面"),
    405: N_("不支持这种请求方式"), 409: N_("操作与当前状态冲突"), 413: N_("上传的内容太大"),
    422: N_("提交的内容有误"), 429: N_("请求太多，请稍后再试"), 500: N_("服务器出错了，请稍后再试"),
}


def field_label(loc: Sequence[Any], tr: Translator) -> str:
    """The label of the field an error is about: its last name in ``loc``."""
    names = [str(p) for p in loc if isinstance(p, str) and p not in ("body", "query", "form",
                                                                      "path", "cookie")]
    if not names:
        return ""
    name = names[-1]
    label = PARAMS.get(name) or LABELS["field"].get(name)
    return tr(label) if label else name


def validation_message(error: dict[str, Any], tr: Translator) -> str:
    """``年度：请输入整数`` for one of ``RequestValidationError.errors()``."""
    text = tr(_BY_TYPE.get(error["type"], _OTHER))
    ctx = error.get("ctx") or {}
    try:
        text = text % ctx if "%(" in text else text
    except (KeyError, TypeError):
        text = tr(_OTHER)
    label = field_label(error.get("loc", ()), tr)
    colon = "：" if tr.lang == "zh" else ": "
    return f"{label}{colon}{text}" if label else text


def status_message(status: int, detail: Any, tr: Translator) -> str:
    """The message of an HTTP error: its own detail when it has one (translated), else one
    by status (Starlette's ``Not Found`` …)."""
    try:
        standard: str | None = HTTPStatus(status).phrase
    except ValueError:
        standard = None
    if isinstance(detail, str) and detail and detail != standard:
        return tr(detail)
    return tr(_BY_STATUS.get(status, N_("出错了")))
