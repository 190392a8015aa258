"""The models of `activities`, one module per concept: meetings under 三会一课 with their
attendance, votes, files, rules and school calendar (`meetings`), committee elections
(`elections`), and the staff's suggestions with their answers (`suggestions`). Every model
and enum is re-exported here, so `from activities.models import X` works and Django finds the
models when the app loads."""

from activities.models.elections import (
    CandidateVote,
    Election,
    ElectionCandidate,
    ElectionKind,
    ElectionRound,
)
from activities.models.meetings import (
    COMMITTEE_TYPES,
    GROUP_TYPES,
    LATE_MONTH_FOR_LAST_YEAR,
    MEETING_ATTACHMENT_TYPES,
    AgendaTemplate,
    Attachment,
    Attendance,
    MakeUpStudy,
    Meeting,
    MeetingQuerySet,
    MeetingRule,
    MeetingType,
    Motion,
    Period,
    Presence,
    SchoolTerm,
    meeting_attachment_path,
    validate_meeting_attachment,
    year_counted_for,
)
from activities.models.suggestions import (
    OPEN_STATES,
    Satisfaction,
    Suggestion,
    SuggestionCategory,
    SuggestionQuerySet,
    SuggestionState,
)

__all__ = [
    "COMMITTEE_TYPES",
    "GROUP_TYPES",
    "LATE_MONTH_FOR_LAST_YEAR",
    "MEETING_ATTACHMENT_TYPES",
    "OPEN_STATES",
    "AgendaTemplate",
    "Attachment",
    "Attendance",
    "CandidateVote",
    "Election",
    "ElectionCandidate",
    "ElectionKind",
    "ElectionRound",
    "MakeUpStudy",
    "Meeting",
    "MeetingQuerySet",
    "MeetingRule",
    "MeetingType",
    "Motion",
    "Period",
    "Presence",
    "Satisfaction",
    "SchoolTerm",
    "Suggestion",
    "SuggestionCategory",
    "SuggestionQuerySet",
    "SuggestionState",
    "meeting_attachment_path",
    "validate_meeting_attachment",
    "year_counted_for",
]
