"""Every keyed label people read, by kind: ``LABELS[kind][key]`` is the Chinese text.

The engine's vocabulary (groups, exemption reasons, bonuses, incidents) comes from
``engine.labels``, field names from ``engine.fields``, departments from ``services.departments``;
the store's states are named here. Pages translate the Chinese through the catalogue
(docs/translations.md), so each label is written once in Chinese and once in English.
"""

from __future__ import annotations

from mujun.engine.fields import FIELDS
from mujun.engine.labels import BONUS_ZH, EXEMPT_ZH, GROUP_ZH, INCIDENT_ZH
from mujun.engine.land.labels import (
    DELAY_CAUSE_ZH,
    IDLE_STATUS_ZH,
    MEASURE_STATUS_ZH,
    MEASURE_ZH,
    REVIEW_STATUS_ZH,
)
from mujun.engine.monitoring.labels import LEVEL_ZH
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
                 "appeal.accept": N_("采纳申诉并重算"), "power.import": N_("月度用电量导入")},
    "value": {"current": N_("现值"), "import": N_("导入"), "edit": N_("手工修改"),
              "appeal": N_("申诉更正"), "remove": N_("删除")},
    "severity": {"error": N_("错误"), "warning": N_("提示")},
    "parcel": IDLE_STATUS_ZH,  # land.md §2 (engine/land/labels.py)
    "delay_cause": DELAY_CAUSE_ZH,
    # a parcel's values in its change history (land.md §1 keys, the headers of the parcels file)
    "parcel_field": {"zone": N_("园区"), "town": N_("乡镇街道"),
                     "owner_uscc": N_("受让企业统一社会信用代码"),
                     "area_m2": N_("出让面积(平方米)"), "use": N_("用途"),
                     "acquired": N_("出让日期"), "agreed_start": N_("约定动工日期"),
                     "construction_start": N_("实际动工日期"), "standard_land": N_("是否标准地"),
                     "land_price_wan": N_("出让价款(万元)"),
                     "floor_area_m2": N_("总建筑面积(平方米)"),
                     "delay_cause": N_("延迟动工原因"), "geometry": N_("地块图形")},
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
    "review_status": REVIEW_STATUS_ZH,  # land.md §3 (engine/land/labels.py)
    "measure": MEASURE_ZH,
    "measure_status": MEASURE_STATUS_ZH,
    "penalty": {"pending": N_("待收缴"), "collected": N_("已收缴"), "waived": N_("已免除")},
    # power monitoring (docs/monitoring.md): a month's level, an alert's state and how it closed
    "power_level": LEVEL_ZH,
    "alert_status": {"open": N_("未关闭"), "closed": N_("已关闭")},
    "alert_closure": {"recovered": N_("连续两个月恢复正常"), "visited": N_("已走访"),
                      "left": N_("企业已迁出或注销")},
    #: the records a target counts (docs/targets.md), named when the store keeps none
    "target_source": {"service_requests": N_("三服务诉求"), "projects": N_("投资项目"),
                      "talent": N_("人才库"), "land_cases": N_("低效用地处置"),
                      "parcels": N_("标准地"), "incentive_payments": N_("奖补兑现")},
}


def label_zh(kind: str, key: str | None) -> str:
    """The Chinese label of ``key``; an unknown key is shown as it is (a test looks for those)."""
    if key is None or key == "":
        return "—"
    return LABELS[kind].get(key, key)
