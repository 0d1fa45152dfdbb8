"""Policy-check messages in Chinese for the pages (the command line keeps the English).

``policy_errors`` and the policy model write their messages in English with the found value
quoted; a page in Chinese shows each through ``in_chinese``, which recognises the message by its
English form and says the same in Chinese with the same values. A message not recognised here is
shown as written (a test keeps the shipped policies' broken-file cases covered).
"""

from __future__ import annotations

import re

#: (English form, Chinese form); ``{x}`` is a value copied from the message
FORMS: tuple[tuple[str, str], ...] = (
    ("unknown key; known keys: {keys}", "未知的键；可用的键：{keys}"),
    ("unknown key", "未知的键"),
    ("required key is missing (every policy file names itself)",
     "缺少必填的键（每个评价办法文件都要写明自己的 name）"),
    ("required key is missing", "缺少必填的键"),
    ("a key must be text, got {got}", "键必须是文本，实际为 {got}"),
    ("expected a number, got {got}", "应为数字，实际为 {got}"),
    ("expected a whole number, got {got}", "应为整数，实际为 {got}"),
    ("expected a finite number, got {got}", "应为有限的数字，实际为 {got}"),
    ("expected text, got {got}", "应为文本，实际为 {got}"),
    ("must not be empty", "不能为空"),
    ("expected a mapping (key: value), got {got}", "应为映射（键: 值），实际为 {got}"),
    ("expected a list ([a, b, …]), got {got}", "应为列表（[a, b, …]），实际为 {got}"),
    ("must be greater than {n}, got {got}", "必须大于 {n}，实际为 {got}"),
    ("must be at least {n}, got {got}", "不能小于 {n}，实际为 {got}"),
    ("must be at most {n}, got {got}", "不能大于 {n}，实际为 {got}"),
    ("unknown group; a policy has groups `above` (规上) and `below` (规下)",
     "未知的组别；评价办法的组别为 `above`（规上）和 `below`（规下）"),
    ("unknown group(s) {groups}; a policy has groups `above` (规上) and `below` (规下)",
     "未知的组别 {groups}；评价办法的组别为 `above`（规上）和 `below`（规下）"),
    ("a policy needs at least one group", "评价办法至少需要一个组别"),
    ("a group needs at least one indicator", "每个组别至少需要一项指标"),
    ("indicator weights must sum to 100, got {got}", "指标权重之和必须为 100，实际为 {got}"),
    ("`to` ({to}) is before `from` ({from_})", "`to`（{to}）早于 `from`（{from_}）"),
    ("unknown {what} '{name}'; known: {known}", "未知的{what} '{name}'；可用的：{known}"),
    ("expected null (group-wide) or 'industry', got {got}",
     "应为 null（全组统一）或 'industry'，实际为 {got}"),
    ("percentile cut-offs (shares of the group by rank) must satisfy 0 < A ≤ B ≤ C ≤ 1, got {got}",
     "百分位分档线（按排名占组内比例）须满足 0 < A ≤ B ≤ C ≤ 1，实际为 {got}"),
    ("threshold scores must satisfy A ≥ B ≥ C, got {got}",
     "分数线须满足 A ≥ B ≥ C，实际为 {got}"),
    ("a fixed benchmark needs its number in `value`", "固定基准值需要在 `value` 中写明数值"),
    ("only a fixed benchmark uses a value, not {method}",
     "只有固定基准值使用 value，{method} 不使用"),
    ("`base_year` ({base}) must be before `target_year` ({target})",
     "`base_year`（{base}）必须早于 `target_year`（{target}）"),
    ("`programme_from` ({first}) must lie between `base_year` ({base}) and `target_year`"
     " ({target})",
     "`programme_from`（{first}）必须在 `base_year`（{base}）与 `target_year`（{target}）之间"),
    ("industry given twice: {codes}", "行业代码重复：{codes}"),
    ("category given twice: {keys}", "人才类别重复：{keys}"),
    ("expected a talent category key such as `tea_master`, got {got}",
     "应为人才类别代码（如 `tea_master`），实际为 {got}"),
    ("expected the first 2–4 digits of a GB/T 4754 industry code, got {got}",
     "应为国民经济行业代码的前 2–4 位数字，实际为 {got}"),
    ("write the code in quotes (\"{code}\"): YAML reads {number} as a number",
     "行业代码请加引号（\"{code}\"）：YAML 会把 {number} 读作数字"),
    ("the file is empty; a policy needs at least a `name`", "文件为空；评价办法至少需要 `name`"),
    ("a policy must be a mapping of keys (name: …), got {got}",
     "评价办法必须是键的映射（name: …），实际为 {got}"),
    ("expected {expected}, got {got}", "应为 {expected}，实际为 {got}"),
    ("a key must be text, got {got} (YAML reads yes/no/on/off as true/false: quote it)",
     "键必须是文本，实际为 {got}（YAML 把 yes/no/on/off 读作 true/false：请加引号）"),
    ("not valid YAML at line {line}, column {column}: {said}",
     "不是有效的 YAML（第 {line} 行第 {column} 列：{said}）"),
    ("not valid YAML{where}", "不是有效的 YAML{where}"),
    ("the file is not UTF-8 text (it is UTF-16: save it as UTF-8)",
     "文件不是 UTF-8 文本（是 UTF-16，请另存为 UTF-8）"),
    ("the file is not UTF-8 text", "文件不是 UTF-8 文本"),
    ("a policy file is at most {size} KB", "评价办法文件不能超过 {size} KB"),
    ("cannot read the file: {why}", "无法读取文件：{why}"),
    ("no such policy file or shipped policy (shipped: {known})",
     "没有这个评价办法文件或内置评价办法（内置：{known}）"),
    ("no such shipped policy (shipped: {known})", "没有这个内置评价办法（内置：{known}）"),
)

#: how ``policy_errors.describe`` names a found value
_VALUES: tuple[tuple[str, str], ...] = (
    (r"^a mapping$", "映射"), (r"^a list$", "列表"), (r"^null$", "空值"),
    (r"^text \((\d+) characters\)$", r"文本（\1 个字符）"), (r"^a date \((.*)\)$", r"日期（\1）"),
)


def _pattern(english: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", english)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)"
                    for i, p in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


_COMPILED = tuple((_pattern(en), zh) for en, zh in FORMS)


#: what an "unknown …" message names
_WHAT = {"bonus flag": "加分项", "field": "字段", "incident type": "事件类型", "group": "组别"}


def _value(text: str) -> str:
    if text in _WHAT:
        return _WHAT[text]
    text = re.sub(r"' or '", "' 或 '", text)
    for pattern, zh in _VALUES:
        if re.match(pattern, text):
            return re.sub(pattern, zh, text)
    return text


def in_chinese(message: str) -> str:
    """A policy-check message in Chinese (as written when it is not one of the known forms)."""
    for pattern, zh in _COMPILED:
        found = pattern.match(message)
        if found:
            return zh.format(**{k: in_chinese(v) if k == "said" else _value(v)
                                for k, v in found.groupdict().items()})
    return message
