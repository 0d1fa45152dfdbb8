"""The users' roles (platform.md, Roles), apart from the tables so that the command line can offer
them as choices without importing SQLAlchemy."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # 县经信局管理员
    CLERK = "clerk"  # 部门填报员, with a department
    OFFICER = "officer"  # 乡镇/园区专员, with a town or a park
    ENTERPRISE = "enterprise"  # 企业用户, with a uscc
    LEADER = "leader"  # 县领导, read-only
