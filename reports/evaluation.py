"""民主评议党员结果汇总表: per member of a round whose ballot is closed, their group, whether
they are graded, the ballot's tally, the final grade and its reason; above it the branch,
the year, how many take part and how many voted, and the check of the cap on 优秀.

It shows what the round page shows once the ballot is closed (members.evaluation.selectors)
and nothing more: the tally per member and who takes part, never who voted how (the threat
model in members.models.evaluation). There are no ballots to show, and the sheet does not
list who has voted, only how many.
"""

import datetime
import io
from dataclasses import dataclass

from django.utils.translation import gettext, pgettext
from openpyxl import Workbook

from members.evaluation.selectors import round_progress
from members.models import EvaluationRound, Grade
from reports.tables import Column, write_table


@dataclass(frozen=True)
class ResultLine:
    number: int
    name: str
    group_name: str
    graded: bool
    counts: list[int] | None  # votes per grade in the order of the grades; None: no grade
    most_given: frozenset[str]
    final_grade: str  # the grade's label, "To be set", or "" for a member without a grade
    reason: str

    @property
    def taking_part_as(self) -> str:
        if self.graded:
            return pgettext("evaluation results", "Graded")
        return pgettext("evaluation results", "Not graded")

    @property
    def count_cells(self) -> list[tuple[int | None, bool]]:
        """(votes, given most) per grade; votes None for a member without a grade."""
        if self.counts is None:
            return [(None, False)] * len(Grade.values)
        return [
            (votes, grade in self.most_given)
            for grade, votes in zip(Grade.values, self.counts, strict=True)
        ]


@dataclass(frozen=True)
class ResultsSheet:
    evaluation: EvaluationRound
    lines: list[ResultLine]
    voted: int
    excellent_cap: int
    by_grade: dict[str, int]  # final grade → members, every grade, in their order
    grades_to_set: int

    @property
    def taking_part(self) -> int:
        return len(self.lines)

    @property
    def graded(self) -> int:
        return sum(1 for line in self.lines if line.graded)

    @property
    def excellent(self) -> int:
        return self.by_grade[Grade.EXCELLENT]

    @property
    def within_cap(self) -> bool:
        return self.excellent <= self.excellent_cap

    @property
    def title(self) -> str:
        return results_title(self.evaluation)

    @property
    def participation(self) -> str:
        return gettext(
            "Branch: %(branch)s; year: %(year)s; taking part: %(taking_part)s (graded "
            "%(graded)s, taking part without a grade %(not_graded)s); voted in the ballot: "
            "%(voted)s."
        ) % {
            "branch": self.evaluation.branch.name,
            "year": self.evaluation.year,
            "taking_part": self.taking_part,
            "graded": self.graded,
            "not_graded": self.taking_part - self.graded,
            "voted": self.voted,
        }

    @property
    def cap_check(self) -> str:
        figures = {
            "excellent": self.excellent,
            "cap": self.excellent_cap,
            "denominator": self.evaluation.branch.excellent_cap_denominator,
            "graded": self.graded,
        }
        if self.within_cap:
            return (
                gettext(
                    "优秀: %(excellent)s, at most %(cap)s (one in %(denominator)s of the "
                    "%(graded)s graded full members): within the cap."
                )
                % figures
            )
        return (
            gettext(
                "优秀: %(excellent)s, at most %(cap)s (one in %(denominator)s of the "
                "%(graded)s graded full members): over the cap."
            )
            % figures
        )

    @property
    def outcome(self) -> str:
        """The final grades by count ("优秀3名、合格25名…") and any still to be set."""
        labels = grade_names()
        grades = "、".join(
            gettext("%(grade)s %(count)s") % {"grade": labels[grade], "count": count}
            for grade, count in self.by_grade.items()
        )
        if self.grades_to_set:
            return gettext("Final grades: %(grades)s; still to be set: %(count)s.") % {
                "grades": grades,
                "count": self.grades_to_set,
            }
        return gettext("Final grades: %(grades)s.") % {"grades": grades}


def grade_names() -> dict[str, str]:
    """优秀, 合格…: the grades' labels as text (spreadsheet cells take no lazy strings)."""
    return {value: str(label) for value, label in Grade.choices}


def results_title(evaluation: EvaluationRound) -> str:
    return gettext("%(branch)s %(year)s member evaluation results") % {
        "branch": evaluation.branch.name,
        "year": evaluation.year,
    }


def results_sheet(evaluation: EvaluationRound) -> ResultsSheet:
    """The sheet of a round whose ballot is closed (the tally refuses an open one), in the
    round page's fixed number of queries."""
    progress = round_progress(evaluation)
    grade_labels = grade_names()
    lines = []
    by_grade = dict.fromkeys(Grade.values, 0)
    to_set = 0
    for number, row in enumerate(progress.rows, start=1):
        assessment = row.assessment
        if assessment.graded and assessment.final_grade:
            by_grade[assessment.final_grade] += 1
            final = grade_labels[assessment.final_grade]
        elif assessment.graded:
            to_set += 1
            final = pgettext("evaluation results", "To be set")
        else:
            final = ""
        lines.append(
            ResultLine(
                number=number,
                name=assessment.member.name,
                group_name=row.group_name,
                graded=assessment.graded,
                counts=[votes for _, votes, _ in row.count_list] if assessment.graded else None,
                most_given=frozenset(row.most_given),
                final_grade=final,
                reason=assessment.reason,
            )
        )
    return ResultsSheet(
        evaluation=evaluation,
        lines=lines,
        voted=progress.voted,
        excellent_cap=progress.excellent_cap,
        by_grade=by_grade,
        grades_to_set=to_set,
    )


def results_columns() -> list[Column]:
    def votes(grade: str) -> Column:
        return Column(
            pgettext("evaluation results column", "%(grade)s votes")
            % {"grade": grade_names()[grade]},
            8,
        )

    return [
        Column(pgettext("evaluation results column", "No."), 6),
        Column(pgettext("evaluation results column", "Name"), 10),
        Column(pgettext("evaluation results column", "Party group"), 18, wrap=True),
        Column(pgettext("evaluation results column", "Taking part as"), 14, wrap=True),
        *(votes(grade) for grade in Grade.values),
        Column(pgettext("evaluation results column", "Final grade"), 10),
        Column(pgettext("evaluation results column", "Reason"), 32, wrap=True),
    ]


def results_workbook(sheet_data: ResultsSheet, *, today: datetime.date) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Evaluation results"))
    write_table(
        sheet,
        title=sheet_data.title,
        notes=[sheet_data.participation, f"{sheet_data.cap_check}{sheet_data.outcome}"],
        columns=results_columns(),
        rows=(
            [
                line.number,
                line.name,
                line.group_name,
                line.taking_part_as,
                *(votes for votes, _ in line.count_cells),
                line.final_grade,
                line.reason,
            ]
            for line in sheet_data.lines
        ),
        today=today,
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
