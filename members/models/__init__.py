"""The models of `members`, one module per concept: the registry (`Member` and its enums),
transfers, disciplinary sanctions and the recruitment pipeline. Every model and enum is
re-exported here, so `from members.models import X` works and Django finds the models when
the app loads."""

from members.models.discipline import Sanction, SanctionKind, SanctionQuerySet
from members.models.dues import DuesBasis, DuesBracket, DuesCategory, DuesPayment, SpecialDues
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
    EXIT_GROUND_OUTCOMES,
    ON_ROLL_STATUSES,
    PARTY_MEMBER_CATEGORIES,
    Category,
    Education,
    Employment,
    ExitGround,
    ExitKind,
    Gender,
    Member,
    MemberQuerySet,
    Status,
)
from members.models.transfers import Transfer, TransferDirection, TransferQuerySet, TransferState

__all__ = [
    "ETHNIC_GROUPS",
    "EXIT_GROUND_OUTCOMES",
    "ON_ROLL_STATUSES",
    "PARTY_MEMBER_CATEGORIES",
    "RECRUITMENT_DOCUMENT_TYPES",
    "Category",
    "DuesBasis",
    "DuesBracket",
    "DuesCategory",
    "DuesPayment",
    "Education",
    "Employment",
    "ExitGround",
    "ExitKind",
    "Gender",
    "Member",
    "MemberQuerySet",
    "PeopleRole",
    "RecruitmentRecord",
    "RecruitmentStep",
    "Sanction",
    "SanctionKind",
    "SanctionQuerySet",
    "SpecialDues",
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
