"""Every keyed label people read, by kind: ``LABELS[kind][key]`` is the Chinese text.

The engine's vocabulary (groups, exemption reasons, bonuses, incidents) comes from
``engine.labels``, field names from ``engine.fields``, departments from ``services.departments``;
the store's states are named here. Pages translate the Chinese through the catalogue
(docs/translations.md), so each label is written once in Chinese and once in English.
"""

from __future__ import annotations

from mujun.engine.fields import FIELDS
from mujun.engine.labels import BONUS_ZH, EXEMPT_ZH, GROUP_ZH, INCIDENT_ZH
from mujun.engine.programmes.registers import IPO_STAGE_ZH, PROGRAMME_ZH, TALENT_ZH
from mujun.engine.programmes.service_requests import CATEGORIES, STATUS_ZH
from mujun.engine.projects.stages import STAGE_NAMES
from mujun.engine.texts import N_
from mujun.services.departments import DEPARTMENTS
from mujun.store.models.registry import LIFECYCLE_ZH

LABELS: dict[str, dict[str, str]] = {
    "group": GROUP_ZH,
    "exempt": EXEMPT_ZH,
    "bonus": BONUS_ZH,
    "incident": INCIDENT_ZH,
    "field": {f.key: f.header_zh for f in FIELDS},
    "department": {d.code: d.name_zh for d in DEPARTMENTS.values()},
    "role": {"admin": N_("管理员"), "clerk": N_("部门填报员"), "officer": N_("乡镇专员"),
             "enterprise": N_("企业用户"), "leader": N_("县领导")},
    "run": {"draft": N_("草稿"), "notice": N_("公示中"), "final": N_("已定稿"),
            "superseded": N_("已被取代")},
    "appeal": {"pending": N_("待处理"), "accepted": N_("已采纳"), "rejected": N_("已驳回")},
    "job": {"queued": N_("排队中"), "running": N_("执行中"), "done": N_("已完成"),
            "failed": N_("失败")},
    "job_kind": {"import": N_("数据导入"), "run.create": N_("生成评价批次"),
                 "appeal.accept": N_("采纳申诉并重算")},
    "value": {"current": N_("现值"), "import": N_("导入"), "edit": N_("手工修改"),
              "appeal": N_("申诉更正"), "remove": N_("删除")},
    "severity": {"error": N_("错误"), "warning": N_("提示")},
    "parcel": {"idle": N_("闲置"), "reclaimable": N_("可收回")},
    "lifecycle": {str(k): v for k, v in LIFECYCLE_ZH.items()},
    "project_stage": STAGE_NAMES,
    # 腾笼换鸟 disposal cases (docs/land.md)
    "case_method": {"upgrade": N_("提升改造"), "merger": N_("兼并重组"), "reclaim": N_("收回"),
                    "transfer": N_("协议转让"), "exit": N_("退二优二")},
    "case_stage": {"opened": N_("立案"), "in_progress": N_("整治中"), "completed": N_("办结"),
                   "cancelled": N_("撤销")},
    "case_kind": {"enterprise": N_("企业"), "parcel": N_("地块")},
    "case_action": {"case.open": N_("立案"), "case.start": N_("开始整治"),
                    "case.update": N_("修改项目"), "case.note": N_("添加进展"),
                    "case.complete": N_("办结"), "case.cancel": N_("撤销"),
                    "case.correct": N_("更正")},
    "candidate": {"low_efficiency": N_("低效企业"), "idle": N_("闲置"),
                  "reclaimable": N_("可收回")},
    "request": STATUS_ZH,
    "request_category": {c.code: c.label_zh for c in CATEGORIES.values()},
    "talent": TALENT_ZH,
    "ipo": IPO_STAGE_ZH,
    "programme": PROGRAMME_ZH,
    "land_review": {"draft": N_("草稿"), "published": N_("已发布"), "superseded": N_("已被更正")},
    "review_status": {"due": N_("到期复核"), "not_yet": N_("未到期"), "past": N_("已过复核年度"),
                      "unknown": N_("无法确定")},
    "measure": {"investment_intensity": N_("投资强度"), "plot_ratio": N_("容积率"),
                "tax_per_mu": N_("亩均税收"), "energy_per_va": N_("单位增加值能耗")},
    "measure_status": {"not_committed": N_("未承诺"), "missing": N_("缺少数据"),
                       "attained": N_("达标"), "breach": N_("违约")},
    "penalty": {"pending": N_("待收缴"), "collected": N_("已收缴"), "waived": N_("已免除")},
}


def label_zh(kind: str, key: str | None) -> str:
    """The Chinese label of ``key``; an unknown key is shown as it is (a test looks for those)."""
    if key is None or key == "":
        return "—"
    return LABELS[kind].get(key, key)
