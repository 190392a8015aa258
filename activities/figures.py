"""Every figure of the branch's other work in a period, from one call: the activities
(activities.work.selectors), the ledgers of pairings, hardship, pledges and posts
(activities.ledgers.selectors) and the suggestions (activities.suggestions.selectors). The
totals page shows them; the year-end summary (工作总结) states them."""

import datetime
from dataclasses import dataclass

from activities.ledgers.selectors import LedgerFigures, ledger_figures
from activities.suggestions.selectors import SuggestionFigures, suggestion_figures
from activities.work.selectors import WorkFigures, work_figures


@dataclass(frozen=True)
class OtherWorkFigures:
    work: WorkFigures
    ledgers: LedgerFigures
    suggestions: SuggestionFigures


def other_work_figures(
    branch,
    start: datetime.date,
    end: datetime.date,
    *,
    talks: bool = True,
    today: datetime.date | None = None,
) -> OtherWorkFigures:
    """The period's figures (a fixed number of queries: 7 + 8 + 2, whatever the records);
    `talks=False` leaves the talks out, for readers who may not know of them."""
    return OtherWorkFigures(
        work=work_figures(branch, start, end, talks=talks),
        ledgers=ledger_figures(branch, start, end),
        suggestions=suggestion_figures(branch, start, end, today=today),
    )
