"""The store's tables, one module per area; importing this package registers them all."""

from mujun.store.models.audit import AuditRecord
from mujun.store.models.auth import SignInThrottle, WebSession
from mujun.store.models.base import Base
from mujun.store.models.county import CountyFigure
from mujun.store.models.disposal import CaseNote, DisposalCase
from mujun.store.models.figures import Figure, FigureChange, ImportBatch, Incident
from mujun.store.models.jobs import Job, JobStatus
from mujun.store.models.land import Lease, Parcel, ParcelChange, StandardLandCommitment
from mujun.store.models.land_reviews import (
    LandReview,
    LandReviewAnswer,
    LandReviewPenalty,
    LandReviewRow,
)
from mujun.store.models.monitoring import (
    Alert,
    AlertClosure,
    AlertStatus,
    MonitoredMonth,
    PowerReading,
    PowerReadingChange,
    PowerSignal,
)
from mujun.store.models.policies import StoredPolicy
from mujun.store.models.programmes import IncentivePayment, IpoRecord, TalentPerson
from mujun.store.models.projects import Project, ProjectStage
from mujun.store.models.registry import Enterprise, EnterpriseTag, Lifecycle
from mujun.store.models.runs import Appeal, AppealStatus, Run, RunResult, RunStatus
from mujun.store.models.service_requests import RequestStatus, ServiceRequest
from mujun.store.models.users import User
from mujun.store.roles import Role

__all__ = [
    "Alert",
    "AlertClosure",
    "AlertStatus",
    "Appeal",
    "AppealStatus",
    "AuditRecord",
    "Base",
    "CaseNote",
    "CountyFigure",
    "DisposalCase",
    "Enterprise",
    "EnterpriseTag",
    "Figure",
    "FigureChange",
    "ImportBatch",
    "IncentivePayment",
    "Incident",
    "IpoRecord",
    "Job",
    "JobStatus",
    "LandReview",
    "LandReviewAnswer",
    "LandReviewPenalty",
    "LandReviewRow",
    "Lease",
    "Lifecycle",
    "MonitoredMonth",
    "Parcel",
    "ParcelChange",
    "PowerReading",
    "PowerReadingChange",
    "PowerSignal",
    "Project",
    "ProjectStage",
    "RequestStatus",
    "Role",
    "Run",
    "RunResult",
    "RunStatus",
    "ServiceRequest",
    "SignInThrottle",
    "StandardLandCommitment",
    "StoredPolicy",
    "TalentPerson",
    "User",
    "WebSession",
]
