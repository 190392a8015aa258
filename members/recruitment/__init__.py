"""Recruitment (发展党员, domain §3): recording the steps, the rules that check them, and the
to-do list they produce.

The steps and the time limits are rows (`RecruitmentStep`, `TimeRule`); this package knows what
each rule means — which two dates it compares — and looks its value up in the rule book.

- `stages`: the stages and the steps the code knows by name (`StepCode`);
- `rules`: the rule book (`RuleBook`, the rule in force on a date) and lengths of time;
- `timeline`: one person's steps in date order, and the end of their probation;
- `checks`: what refuses a step, and what only warns (the user confirms);
- `services`: writes (`recruitment_step_record`, `recruitment_applicant_add`);
- `todo`: what is due for one person;
- `selectors`: reads (`recruitment_todo`, `recruitment_pipeline`, `recruitment_person`);
- `admin`: the workbench pages of the steps, rules and records.

The names other code uses are re-exported here, so `from members.recruitment import X` works.
"""

from members.recruitment.checks import StepInput, recruitment_step_check
from members.recruitment.rules import RuleBook, add_period, describe
from members.recruitment.selectors import (
    PersonSummary,
    StepRow,
    next_step,
    recruitment_person,
    recruitment_pipeline,
    recruitment_todo,
)
from members.recruitment.services import (
    StepRecorded,
    recruitment_applicant_add,
    recruitment_applicant_check,
    recruitment_step_record,
)
from members.recruitment.stages import (
    FULL_MEMBERSHIP_ROUND,
    NOTICE_STEPS,
    RECRUITING_STAGES,
    STAGE_ENTRY_STEP,
    STAGES,
    StepCode,
    stage_index,
)
from members.recruitment.timeline import Timeline, probation_end, records_prefetch
from members.recruitment.todo import LEVEL_RANK, TodoItem, member_todo

__all__ = [
    "FULL_MEMBERSHIP_ROUND",
    "LEVEL_RANK",
    "NOTICE_STEPS",
    "RECRUITING_STAGES",
    "STAGES",
    "STAGE_ENTRY_STEP",
    "PersonSummary",
    "RuleBook",
    "StepCode",
    "StepInput",
    "StepRecorded",
    "StepRow",
    "Timeline",
    "TodoItem",
    "add_period",
    "describe",
    "member_todo",
    "next_step",
    "probation_end",
    "records_prefetch",
    "recruitment_applicant_add",
    "recruitment_applicant_check",
    "recruitment_person",
    "recruitment_pipeline",
    "recruitment_step_check",
    "recruitment_step_record",
    "recruitment_todo",
    "stage_index",
]
