"""Seed 001's year (a real school branch's 2023 summary) entered as records — its roll,
its applicants, its visits, home visits and lessons (tests/seed_001.py) — and the summary
drafted from them printed to PDF and read back with pdftotext: every figure the seed states
is in the sentence that states it. One print for all of them."""

import re
import subprocess

import pytest

from reports.yearend import services
from reports.yearend.compose import document_figures, printed_document
from reports.yearend.pdf import document_pdf
from tests import seed_001
from tests.factories import UserFactory


@pytest.fixture
def printed_text(world, tmp_path) -> str:
    clerk = UserFactory(username="clerk")
    seed_001.enter_roll(world)
    seed_001.enter_work(world, clerk)
    document = services.document_open(
        branch=world.branch, kind="summary", year=seed_001.YEAR, acting_user=world.secretary.user
    )
    year_end = seed_001.DAY.replace(month=12, day=31)
    version = services.latest_version(document)
    figures = document_figures(document, today=year_end)
    path = tmp_path / "summary.pdf"
    path.write_bytes(document_pdf(printed_document(version, figures, today=year_end)))
    text = subprocess.run(
        ["/usr/bin/pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    # Lines are broken by the grid, pages by their numbers: read the body as one run.
    text = re.sub(r"—\s*\d+\s*—", "", text)
    return re.sub(r"\s+", "", text)


def test_the_seeds_figures_are_printed_in_their_sentences(printed_text):
    s = seed_001
    home = s.HOME_VISITS
    expected = [
        f"支部现有党员{s.MEMBERS}名，其中正式党员{s.FULL_MEMBERS}名，预备党员{s.PROBATIONARY}名",
        f"现有入党申请人{s.APPLICANTS}名",
        f"党员走访慰问困难师生{s.PEOPLE_VISITED}人，帮助解决问题{s.PROBLEMS_SOLVED}件，"
        f"送去慰问金和物品折合{int(s.RELIEF_YUAN)}元",
        f"全校党员家访{sum(home.values())}人次，其中学困{home['学困']}人次、"
        f"家庭困难{home['家庭困难']}人次、因病{home['因病']}人次",
        f"党员教师上公开课、示范课{s.LESSONS_GIVEN}节，听课评课{s.LESSONS_OBSERVED_OR_REVIEWED}节",
    ]
    missing = [sentence for sentence in expected if sentence not in printed_text]
    assert missing == []
    # The lessons table beside them: 评优课 by level (80, 50, 30, 2, none at the
    # province's) and their total, the lessons given (pdftotext reads the row's label with
    # the header).
    assert f"80503020{s.LESSONS_GIVEN}支部组织志愿服务" in printed_text
