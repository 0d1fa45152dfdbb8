"""Which department owns which canonical field (evaluation.md §1) and which incident types.

Only the owning department's import may set a field; a value owned by another department is never
overwritten. ``docs/store.md`` shows this table.

| department | 部门 | fields | incident types | may add enterprises |
|---|---|---|---|---|
| tax | 税务 | tax_paid, land_use_tax_due | tax_serious | no |
| stats | 统计 | name, town, industry_code, above_scale, production_start, value_added, revenue, |||
|  |  | rd_expense, employees, energy_tce, high_tech, specialized, listed, rd_center | — | yes |
| power | 供电 | electricity_kwh, water_t | — | no |
| land | 自然资源 | land_owned_m2, land_leased_in_m2, land_leased_out_m2 | land_illegal | no |
| env | 生态环境 | emissions_t | env_major, env_penalty | no |
| safety | 应急管理 | — | safety_major, safety_general | no |
| devreform | 发改/商务 | — (its file is the investment projects, docs/projects.md) | — | no |

Departments without fields or incident types import nothing: they handle 三服务2.0 requests
(``docs/programmes.md``), as do the data departments land, power and env.

| department | 部门 |
|---|---|
| hr | 人社 (人力资源和社会保障局) |
| finance | 金融服务中心 |
| service_center | 行政服务中心 |
| econ | 经信 (经济和信息化局) |
| housing | 住建 (住房和城乡建设局) |
| education | 教育 |
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mujun.engine.fields import FIELDS
from mujun.engine.texts import N_


@dataclass(frozen=True)
class Department:
    code: str
    name_zh: str
    fields: tuple[str, ...]
    incident_types: tuple[str, ...] = ()
    #: a row with a credit code not yet in the registry adds the enterprise
    creates_enterprises: bool = False
    #: its file is the investment projects (services/projects/imports.py), not figures
    projects: bool = False

    @property
    def imports(self) -> bool:
        """Whether the department has an import (fields, incidents or the projects) — the others
        only handle 三服务 requests."""
        return bool(self.fields or self.incident_types or self.projects)


DEPARTMENTS: dict[str, Department] = {
    d.code: d
    for d in (
        Department("tax", N_("税务"), ("tax_paid", "land_use_tax_due"), ("tax_serious",)),
        Department(
            "stats",
            N_("统计"),
            ("name", "town", "industry_code", "above_scale", "production_start", "value_added",
             "revenue", "rd_expense", "employees", "energy_tce",
             "high_tech", "specialized", "listed", "rd_center"),
            creates_enterprises=True,
        ),
        Department("power", N_("供电"), ("electricity_kwh", "water_t")),
        Department("land", N_("自然资源"),
                   ("land_owned_m2", "land_leased_in_m2", "land_leased_out_m2"), ("land_illegal",)),
        Department("env", N_("生态环境"), ("emissions_t",), ("env_major", "env_penalty")),
        Department("safety", N_("应急管理"), (), ("safety_major", "safety_general")),
        # keeps the investment projects (招商/重大项目): its file is services/projects/imports.py's
        Department("devreform", N_("发改/商务"), (), projects=True),
        # the departments of 三服务 requests only
        Department("hr", N_("人社"), ()),
        Department("finance", N_("金融服务中心"), ()),
        Department("service_center", N_("行政服务中心"), ()),
        Department("econ", N_("经信"), ()),
        Department("housing", N_("住建"), ()),
        Department("education", N_("教育"), ()),
    )
}

#: the department whose clerk imports the monthly power readings (docs/monitoring.md)
POWER_DEPARTMENT = "power"

#: field key → owning department code
FIELD_OWNER: dict[str, str] = {f: d.code for d in DEPARTMENTS.values() for f in d.fields}
#: incident type → owning department code
INCIDENT_OWNER: dict[str, str] = {t: d.code for d in DEPARTMENTS.values() for t in d.incident_types}

_unowned = {f.key for f in FIELDS} - set(FIELD_OWNER) - {"uscc"}
if _unowned:  # pragma: no cover - a guard for whoever edits the table above
    raise RuntimeError(f"fields without a department: {sorted(_unowned)}")


def department(code: str) -> Department:
    try:
        return DEPARTMENTS[code]
    except KeyError:
        raise ValueError(f"unknown department {code!r} (known: {', '.join(DEPARTMENTS)})") from None


def write_department_template(path: str | Path, dept: Department, year: int | None = None) -> Path:
    """The department's import template: its figures and incidents, or (发改/商务) the projects."""
    # imported here: the command line reads DEPARTMENTS for its help without loading the writers
    from mujun.io.project_template import write_project_template
    from mujun.io.templates import write_template

    if dept.projects:
        return write_project_template(path)
    return write_template(path, department_zh=dept.name_zh, fields=dept.fields,
                          incident_types=dept.incident_types, year=year)
