"""The stages of recruitment (发展党员, domain §3) and the steps the code knows by name.

The steps themselves are rows (`RecruitmentStep`); `StepCode` names those whose dates the time
rules compare, or that open a stage.
"""

from members.models import Category

STAGES = [
    Category.APPLICANT,
    Category.ACTIVIST,
    Category.CANDIDATE,
    Category.PROBATIONARY,
    Category.FULL,
]
RECRUITING_STAGES = STAGES[:3]


class StepCode:
    """The steps whose dates the time rules compare. The other steps are plain data."""

    APPLICATION = "application"
    TALK = "talk"
    ACTIVIST_CHOSEN = "activist_chosen"
    MENTORS = "mentors_assigned"
    ACTIVIST_REVIEW = "activist_review"
    CANDIDATE_CHOSEN = "candidate_chosen"
    SPONSORS = "sponsors_assigned"
    TRAINING = "training"
    ADMISSION_MEETING = "admission_meeting"
    ADMISSION_APPROVAL = "admission_approval"
    CANDIDATE_NOTICE = "candidate_notice"
    PLACED_IN_GROUP = "placed_in_group"
    FULL_APPLICATION = "full_application"
    FULL_NOTICE = "full_notice"
    FULL_MEETING = "full_meeting"
    EXTENSION = "probation_extended"
    # 取消预备党员资格 (党章 第七条): the third outcome of probation; the person leaves the roll.
    PROBATION_CANCELLED = "probation_cancelled"
    FULL_APPROVAL = "full_approval"


# Steps of the full-membership round: after an extension of probation they are taken again.
FULL_MEMBERSHIP_ROUND = {
    StepCode.FULL_APPLICATION,
    StepCode.FULL_NOTICE,
    StepCode.FULL_MEETING,
    StepCode.FULL_APPROVAL,
}


# The public notices (公示): optional steps, recorded by the branches whose upper committee asks
# for them, each measured against the `public_notice` time rule.
NOTICE_STEPS = {StepCode.CANDIDATE_NOTICE, StepCode.FULL_NOTICE}


def stage_index(category: str) -> int:
    return STAGES.index(category)


# The step that opens each recruiting stage: its date is the date the person reached the stage.
STAGE_ENTRY_STEP = {
    Category.APPLICANT: StepCode.APPLICATION,
    Category.ACTIVIST: StepCode.ACTIVIST_CHOSEN,
    Category.CANDIDATE: StepCode.CANDIDATE_CHOSEN,
}
