"""A refused user (the 用户管理 form, the API, ``mujun user``) in Chinese, each problem naming
its field: ``用户名（username）：必须填写``."""

from __future__ import annotations

from pydantic import ValidationError

#: the form's labels, to name the field of a problem
FIELD_LABELS = {
    "username": "用户名", "display_name": "显示名称", "role": "角色", "department": "部门",
    "town": "乡镇街道", "park": "园区", "uscc": "企业信用代码", "active": "状态",
    "password": "密码", "version": "版本",
}

_MESSAGES = {
    "missing": "必须填写",
    "string_too_short": "必须填写",
    "string_too_long": "太长（最多 {max_length} 个字符）",
    "string_pattern_mismatch": "只能包含字母、数字、汉字和 . _ @ -",
    "enum": "不是可选的值",
    "extra_forbidden": "不是可填写的项",
    "bool_parsing": "应为是或否",
    "int_parsing": "应为整数",
}


def form_problems(exc: ValidationError) -> str:
    """A refused user form in Chinese, each problem naming its field (``用户名（username）：…``);
    a rule over several fields (the role's scope) names its fields itself."""
    out = []
    for err in exc.errors():
        field = next((str(p) for p in reversed(err["loc"]) if isinstance(p, str)), "")
        if err.get("input") in (None, "") and err["type"] != "value_error":
            message = "必须填写"
        elif err["type"] == "value_error":
            message = str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
        else:
            message = _MESSAGES.get(err["type"], err["msg"]).format(**err.get("ctx", {}))
        out.append(f"{FIELD_LABELS.get(field, field)}（{field}）：{message}" if field else message)
    return "；".join(out)
