"""Whether a general meeting could decide, and whether a motion passed (domain §2).

Only full members vote; probationary members do not. A meeting is valid when the voting
members present are more than half of the voting members who should attend (应到会有表决权的
党员). A motion passes when the votes for — written opinions handed in beforehand by voting
members who could not come included — are more than half of those who should attend, not
of those present.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from activities.models import Attendance, Motion, Presence


@dataclass(frozen=True)
class Quorum:
    voting_expected: int
    voting_present: int

    @property
    def needed(self) -> int:
        """The smallest number that is more than half of the voting members expected."""
        return self.voting_expected // 2 + 1

    @property
    def valid(self) -> bool:
        return self.voting_expected > 0 and self.voting_present >= self.needed


@dataclass(frozen=True)
class MotionResult:
    quorum: Quorum
    votes_for: int  # at the meeting and in writing

    @property
    def passed(self) -> bool:
        return self.quorum.valid and self.votes_for >= self.quorum.needed


def quorum_of(attendances: list[Attendance]) -> Quorum:
    voting = [row for row in attendances if row.votes]
    return Quorum(
        voting_expected=len(voting),
        voting_present=sum(1 for row in voting if row.presence == Presence.PRESENT),
    )


def motion_result(motion: Motion, quorum: Quorum) -> MotionResult:
    return MotionResult(quorum=quorum, votes_for=motion.votes_for + motion.written_for)


def motion_problems(motion: Motion, quorum: Quorum) -> list[str]:
    """Counts that cannot be right: more votes than voting members present, more written
    opinions than voting members absent."""
    problems = []
    cast = motion.votes_for + motion.votes_against + motion.abstentions
    if cast > quorum.voting_present:
        problems.append(
            gettext("%(cast)s votes were counted but only %(present)s voting members were present.")
            % {"cast": cast, "present": quorum.voting_present}
        )
    written = motion.written_for + motion.written_against
    absent = quorum.voting_expected - quorum.voting_present
    if written > absent:
        problems.append(
            gettext(
                "%(written)s written opinions were counted but only %(absent)s voting members "
                "were not present."
            )
            % {"written": written, "absent": absent}
        )
    return problems
