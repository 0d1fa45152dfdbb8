"""Pydantic schemas per entity: ``Base`` (shared fields), ``Create``, ``Update`` (all optional, with
the version the editor read), ``Public`` (what leaves the service layer)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from mujun.engine import uscc as uscc_check
from mujun.engine.texts import N_
from mujun.services.departments import DEPARTMENTS
from mujun.store.models import Lifecycle, Role


def _valid_uscc(value: str) -> str:
    code = uscc_check.normalize(value)
    problem = uscc_check.problem(code)
    if problem:
        raise ValueError(problem)
    return code


#: a credit code, trimmed, upper-cased and checked (GB 32100-2015)
Uscc = Annotated[str, AfterValidator(_valid_uscc)]


class _Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")


# --- users --------------------------------------------------------------------------------------


class UserBase(_Schema):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[\w.@-]+$")
    display_name: str = Field(default="", max_length=100)
    role: Role
    department: str | None = None
    town: str | None = None
    park: str | None = None
    uscc: Uscc | None = None
    #: a leader's title (县长…): the projects it leads (docs/projects.md)
    lead_title: str | None = Field(default=None, max_length=64)
    active: bool = True

    @model_validator(mode="after")
    def _scope_matches_role(self) -> UserBase:
        # messages name the field: the web's 用户管理 form and the command line show them
        if self.role is Role.CLERK and self.department not in DEPARTMENTS:
            raise ValueError(N_("部门（department）：部门填报员须选择部门"))
        if self.role is Role.OFFICER and not (self.town or self.park):
            raise ValueError(N_("乡镇街道或园区（town/park）：乡镇专员须选择乡镇街道或园区"))
        if self.role is Role.ENTERPRISE and not self.uscc:
            raise ValueError(N_("企业信用代码（uscc）：企业用户须填写统一社会信用代码"))
        return self


class UserCreate(UserBase):
    password: str | None = Field(default=None, max_length=128)  # policy: services/passwords


class UserUpdate(_Schema):
    display_name: str | None = Field(default=None, max_length=100)
    role: Role | None = None
    department: str | None = None
    town: str | None = None
    park: str | None = None
    uscc: Uscc | None = None
    lead_title: str | None = Field(default=None, max_length=64)
    active: bool | None = None
    password: str | None = Field(default=None, max_length=128)  # policy: services/passwords


class UserPublic(UserBase):
    id: int
    version: int
    created_at: datetime


# --- enterprises ----------------------------------------------------------------------------------


class EnterpriseBase(_Schema):
    name: str = Field(min_length=1, max_length=200)
    town: str | None = None
    park: str | None = None
    industry_code: str | None = Field(default=None, max_length=8)
    above_scale: bool | None = None
    lifecycle: Lifecycle | None = None
    established: date | None = None
    left_year: int | None = None
    tags: list[str] = Field(default_factory=list)


class EnterpriseCreate(EnterpriseBase):
    uscc: Uscc


class EnterpriseUpdate(_Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    town: str | None = None
    park: str | None = None
    industry_code: str | None = Field(default=None, max_length=8)
    above_scale: bool | None = None
    lifecycle: Lifecycle | None = None
    established: date | None = None
    left_year: int | None = None
    tags: list[str] | None = None


class EnterprisePublic(EnterpriseBase):
    id: int
    uscc: str
    version: int

    @model_validator(mode="before")
    @classmethod
    def _tag_names(cls, data: Any) -> Any:
        if hasattr(data, "tag_names"):
            return {k: getattr(data, k) for k in cls.model_fields if k != "tags"} | {
                "tags": data.tag_names
            }
        return data


# --- land ---------------------------------------------------------------------------------------


class ParcelBase(_Schema):
    parcel_code: str = Field(min_length=1, max_length=64)
    area_m2: float = Field(gt=0)
    owner_uscc: Uscc | None = None
    use: str | None = None
    town: str | None = None
    zone: str | None = None
    standard_land: bool = False
    acquired_on: date | None = None
    agreed_construction_start: date | None = None
    construction_started_on: date | None = None
    geometry: dict[str, Any] | None = None


class ParcelCreate(ParcelBase):
    pass


class StandardLandCommitmentBase(_Schema):
    investment_wan_per_mu: float | None = None
    plot_ratio: float | None = None
    tax_wan_per_mu: float | None = None
    energy_tce_per_wan: float | None = None
    review_after_years: int | None = None
    penalty: str | None = None


class LeaseBase(_Schema):
    lessor_uscc: Uscc | None = None
    lessee_uscc: Uscc | None = None
    area_m2: float = Field(gt=0)
    start_on: date | None = None
    end_on: date | None = None


# --- runs and appeals ---------------------------------------------------------------------------


class RunPublic(_Schema):
    id: int
    year: int
    run_version: int
    status: str
    supersedes_id: int | None
    policy_name: str
    #: the frozen policy's title and the run's name for people (store.models.runs.run_title)
    policy_title: str
    title: str
    title_en: str
    policy_hash: str
    snapshot_hash: str
    results_hash: str
    engine_version: str
    n_results: int
    created_at: datetime
    published_at: datetime | None
    notice_until: datetime | None
    finalized_at: datetime | None


class AppealCreate(_Schema):
    run_id: int
    uscc: Uscc
    reason: str = Field(min_length=1, max_length=5000)


class AppealPublic(_Schema):
    id: int
    run_id: int
    uscc: Uscc
    reason: str
    status: str
    note: str | None
    corrections: dict[str, Any] | None
    new_run_id: int | None
    created_at: datetime
    resolved_at: datetime | None
