"""The models of `members`, one module per concept: the registry (`Member` and its enums),
transfers, and the recruitment pipeline. Every model and enum is re-exported here, so
`from members.models import X` works and Django finds the models when the app loads."""

from members.models.recruitment import (
    RECRUITMENT_DOCUMENT_TYPES,
    PeopleRole,
    RecruitmentRecord,
    RecruitmentStep,
    TimeRule,
    TimeRuleCode,
    TimeUnit,
    recruitment_document_path,
    validate_recruitment_document,
)
from members.models.registry import (
    ETHNIC_GROUPS,
    PARTY_MEMBER_CATEGORIES,
    Category,
    Education,
    Employment,
    ExitKind,
    Gender,
    Member,
    MemberQuerySet,
    Status,
)
from members.models.transfers import Transfer, TransferDirection, TransferQuerySet, TransferState

__all__ = [
    "ETHNIC_GROUPS",
    "PARTY_MEMBER_CATEGORIES",
    "RECRUITMENT_DOCUMENT_TYPES",
    "Category",
    "Education",
    "Employment",
    "ExitKind",
    "Gender",
    "Member",
    "MemberQuerySet",
    "PeopleRole",
    "RecruitmentRecord",
    "RecruitmentStep",
    "Status",
    "TimeRule",
    "TimeRuleCode",
    "TimeUnit",
    "Transfer",
    "TransferDirection",
    "TransferQuerySet",
    "TransferState",
    "recruitment_document_path",
    "validate_recruitment_document",
]
