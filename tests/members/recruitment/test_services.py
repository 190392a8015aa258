"""Recording recruitment steps: the stage each step leads to, what is refused, what is only
warned about, and who is recorded as having done it."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import (
    Category,
    Member,
    RecruitmentRecord,
    RecruitmentStep,
    Status,
    validate_recruitment_document,
)
from members.recruitment import (
    recruitment_applicant_add,
    recruitment_step_record,
)
from tests.factories import MemberFactory
from tests.pdf_files import PDF, encrypted_pdf, one_page_pdf

D = datetime.date
LONG_AFTER = D(2100, 1, 1)


def picture(kind: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


PNG = picture("PNG")
JPEG = picture("JPEG")


def docx_bytes(*, word: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if word:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def recruit(branch, category=Category.APPLICANT, **fields) -> Member:
    fields.setdefault("birth_date", D(1990, 1, 1))
    fields.setdefault("joined_on", None)
    return MemberFactory(branch=branch, category=category, full_member_on=None, **fields)


def record(member, code, on, **fields) -> RecruitmentRecord:
    """Earlier history, entered directly."""
    return RecruitmentRecord.objects.create(
        member=member, step=RecruitmentStep.objects.get(code=code), done_on=on, **fields
    )


def take(member, code, on, *, user, **arguments):
    arguments.setdefault("reference", "档案盒1-1")
    return recruitment_step_record(
        member=member,
        step=RecruitmentStep.objects.get(code=code),
        on=on,
        acting_user=user,
        today=LONG_AFTER,
        **arguments,
    )


@pytest.fixture
def user(world):
    return world.secretary.user


# --- stages -------------------------------------------------------------------------------


def test_choosing_an_activist_makes_the_applicant_an_activist(world, user):
    person = recruit(world.branch)
    record(person, "application", D(2024, 9, 1))
    record(person, "talk", D(2024, 9, 15))

    result = take(person, "activist_chosen", D(2025, 1, 10), user=user)

    person.refresh_from_db()
    assert person.category == Category.ACTIVIST
    assert result.warnings == []
    assert result.record.step.code == "activist_chosen"
    assert person.history.latest().history_user == user
    assert result.record.history.latest().history_user == user


def test_choosing_a_candidate_after_more_than_a_year_makes_an_activist_a_candidate(world, user):
    person = recruit(world.branch, Category.ACTIVIST)
    record(person, "activist_chosen", D(2024, 1, 10))
    for code in ("activist_filed", "mentors_assigned", "activist_review"):
        record(person, code, D(2024, 7, 1))

    result = take(person, "candidate_chosen", D(2025, 1, 11), user=user)

    person.refresh_from_db()
    assert (person.category, result.warnings) == (Category.CANDIDATE, [])


def test_the_general_meeting_admits_the_candidate_from_its_date(world, user):
    person = recruit(world.branch, Category.CANDIDATE)
    record(person, "candidate_chosen", D(2024, 1, 10))
    for code in ("candidate_filed", "sponsors_assigned", "political_review", "committee_review"):
        record(person, code, D(2024, 3, 1))
    record(person, "training", D(2024, 3, 5), training_days=3)
    record(person, "pre_review", D(2024, 4, 1))
    record(person, "application_form", D(2024, 4, 10))

    result = take(person, "admission_meeting", D(2024, 5, 20), user=user)

    person.refresh_from_db()
    assert result.warnings == []
    assert person.category == Category.PROBATIONARY
    assert person.joined_on == D(2024, 5, 20)  # 入党时间
    assert person.full_member_on is None


def test_approval_of_full_membership_dates_it_from_the_end_of_probation(world, user):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2024, 2, 29))
    for code in ("upper_talk", "admission_approval", "approval_filed", "placed_in_group"):
        record(person, code, D(2024, 4, 1))
    for code in ("oath", "probation_review", "full_application"):
        record(person, code, D(2024, 7, 1))
    record(person, "full_meeting", D(2025, 3, 1))

    result = take(person, "full_approval", D(2025, 4, 15), user=user)

    person.refresh_from_db()
    assert result.warnings == []
    assert person.category == Category.FULL
    assert person.full_member_on == D(2025, 2, 28)  # a year from 29 February, not the approval


def test_after_an_extension_full_membership_counts_from_the_extended_end(world, user):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=D(2024, 1, 10))
    for code in ("upper_talk", "admission_approval", "approval_filed", "placed_in_group"):
        record(person, code, D(2024, 4, 1))
    for code in ("oath", "probation_review", "full_application"):
        record(person, code, D(2024, 7, 1))
    record(person, "full_meeting", D(2025, 1, 12))
    take(person, "probation_extended", D(2025, 1, 12), extension_months=6, user=user)

    # A new round: the application and the meeting are taken again after the extension.
    take(person, "full_application", D(2025, 7, 1), user=user)
    take(person, "full_meeting", D(2025, 7, 15), user=user)
    result = take(person, "full_approval", D(2025, 8, 1), user=user)

    person.refresh_from_db()
    assert result.warnings == []
    assert person.full_member_on == D(2025, 7, 10)


def test_a_step_of_an_earlier_stage_does_not_move_anyone_back(world, user):
    person = recruit(world.branch, Category.CANDIDATE)
    take(person, "activist_chosen", D(2024, 1, 10), user=user)
    person.refresh_from_db()
    assert person.category == Category.CANDIDATE


def test_full_membership_without_a_date_of_joining_is_refused(world, user):
    person = recruit(world.branch, Category.PROBATIONARY, joined_on=None)
    with pytest.raises(ValidationError):
        take(person, "full_approval", D(2025, 4, 15), user=user)
    person.refresh_from_db()
    assert person.category == Category.PROBATIONARY
    assert not RecruitmentRecord.objects.filter(member=person).exists()


# --- warnings -----------------------------------------------------------------------------


def test_a_candidate_chosen_too_early_is_recorded_with_the_warning(world, user):
    person = recruit(world.branch, Category.ACTIVIST, name="急于发展的人")
    record(person, "activist_chosen", D(2024, 6, 1))
    for code in ("activist_filed", "mentors_assigned", "activist_review"):
        record(person, code, D(2024, 7, 1))

    result = take(person, "candidate_chosen", D(2025, 1, 10), user=user)

    (warning,) = result.warnings
    assert "2025年6月1日" in warning  # 一年以上 includes the anniversary
    assert result.record.warnings == warning
    person.refresh_from_db()
    assert person.category == Category.CANDIDATE  # the secretary confirmed


def test_a_step_out_of_order_names_the_missing_steps_and_the_stage(world, user):
    person = recruit(world.branch, Category.APPLICANT, name="跳步的人")
    result = take(person, "candidate_chosen", D(2025, 1, 10), user=user)
    text = "\n".join(result.warnings)
    assert "跳步的人" in text
    assert "确定发展对象" in text
    assert "上级党委备案" in text  # an earlier step of the activist stage, not recorded


def test_a_date_before_an_earlier_step_is_warned_about(world, user):
    person = recruit(world.branch)
    record(person, "application", D(2025, 3, 1))
    result = take(person, "talk", D(2025, 2, 20), people=[world.secretary], user=user)
    (warning,) = result.warnings
    assert "递交入党申请书" in warning
    assert "2025年3月1日" in warning


def test_a_step_without_its_document_is_warned_about(world, user):
    person = recruit(world.branch)
    result = take(person, "application", D(2025, 3, 1), reference="", user=user)
    (warning,) = result.warnings
    assert "入党申请书" in warning


def test_the_number_of_sponsors_is_checked(world, user):
    person = recruit(world.branch, Category.CANDIDATE)
    record(person, "candidate_filed", D(2025, 3, 1))
    result = take(person, "sponsors_assigned", D(2025, 3, 5), people=[world.secretary], user=user)
    (warning,) = result.warnings
    assert "确定入党介绍人" in warning


# --- refusals -----------------------------------------------------------------------------


def test_sponsors_must_be_full_members_of_the_branch(world, user):
    person = recruit(world.branch, Category.CANDIDATE)
    probationary = MemberFactory(branch=world.branch, probationary=True, name="预备党员甲")
    with pytest.raises(ValidationError) as refusal:
        take(
            person,
            "sponsors_assigned",
            D(2025, 3, 5),
            people=[world.secretary, probationary],
            user=user,
        )
    assert "预备党员甲" in refusal.value.messages[0]
    assert not RecruitmentRecord.objects.filter(member=person).exists()


def test_mentors_from_another_branch_are_refused(world, user):
    person = recruit(world.branch, Category.ACTIVIST)
    with pytest.raises(ValidationError) as refusal:
        take(person, "mentors_assigned", D(2025, 3, 5), people=[world.outsider], user=user)
    assert "外支部书记" in refusal.value.messages[0]


def test_a_person_cannot_be_their_own_sponsor(world, user):
    person = recruit(world.branch, Category.FULL, joined_on=D(2010, 1, 1))
    with pytest.raises(ValidationError):
        take(
            person, "sponsors_assigned", D(2025, 3, 5), people=[person, world.secretary], user=user
        )


def test_a_step_dated_in_the_future_is_refused(world, user):
    person = recruit(world.branch)
    with pytest.raises(ValidationError):
        recruitment_step_record(
            member=person,
            step=RecruitmentStep.objects.get(code="application"),
            on=D(2025, 3, 2),
            acting_user=user,
            today=D(2025, 3, 1),
        )


def test_a_step_taken_once_cannot_be_recorded_twice(world, user):
    person = recruit(world.branch)
    take(person, "application", D(2025, 3, 1), user=user)
    with pytest.raises(ValidationError) as refusal:
        take(person, "application", D(2025, 3, 2), user=user)
    assert "2025年3月1日" in refusal.value.messages[0]


def test_a_repeated_step_may_be_recorded_again(world, user):
    person = recruit(world.branch, Category.ACTIVIST)
    record(person, "activist_chosen", D(2024, 1, 10))
    take(person, "activist_review", D(2024, 7, 1), user=user)
    take(person, "activist_review", D(2025, 1, 1), user=user)
    assert person.recruitment_records.filter(step__code="activist_review").count() == 2


def test_the_record_of_someone_who_left_cannot_be_continued(world, user):
    person = recruit(world.branch, status=Status.TRANSFERRED_OUT)
    with pytest.raises(ValidationError):
        take(person, "application", D(2025, 3, 1), user=user)


# --- people and history -------------------------------------------------------------------


def test_the_people_involved_are_kept_in_the_history_with_the_acting_user(world, user):
    person = recruit(world.branch, Category.ACTIVIST)
    record(person, "activist_chosen", D(2024, 1, 10))
    mentor = MemberFactory(branch=world.branch, name="培养联系人乙")

    result = take(
        person, "mentors_assigned", D(2024, 1, 20), people=[world.secretary, mentor], user=user
    )

    assert set(result.record.people.all()) == {world.secretary, mentor}
    latest = result.record.history.latest()
    assert latest.history_user == user
    assert {row.member for row in latest.people.all()} == {world.secretary, mentor}
    assert set(mentor.recruitment_roles.all()) == {result.record}


# --- documents ----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_uploaded_pdf_is_kept_under_a_random_name(world, user, media):
    person = recruit(world.branch)
    upload = SimpleUploadedFile("张三入党申请书.pdf", PDF, content_type="application/pdf")

    result = take(person, "application", D(2025, 3, 1), document=upload, reference="", user=user)

    record_ = result.record
    assert result.warnings == []
    assert record_.document_name == "张三入党申请书.pdf"
    assert record_.document.name.startswith(f"recruitment/{person.pk}/")
    assert "张三" not in record_.document.name
    assert (media / record_.document.name).read_bytes() == PDF


@pytest.mark.parametrize(
    "name, content",
    [
        ("scan.pdf", PDF),
        ("photo.jpg", JPEG),
        ("photo.JPEG", JPEG),
        ("photo.png", PNG),
        ("record.docx", docx_bytes()),
    ],
)
def test_pdf_jpeg_png_and_word_documents_are_accepted(name, content):
    validate_recruitment_document(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    "name, content",
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 32),  # an executable renamed
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.jpg", PNG),  # a PNG named .jpg: the content decides
        ("plain.docx", docx_bytes(word=False)),  # a zip, but not a Word document
        ("broken.docx", b"PK\x03\x04 not really a zip"),
        ("macro.docm", docx_bytes()),
        ("page.html", b"<html></html>"),
        ("noextension", PDF),
    ],
)
def test_other_files_are_refused_by_content_and_name(name, content):
    with pytest.raises(ValidationError):
        validate_recruitment_document(SimpleUploadedFile(name, content))


# A PDF is read for its structure, not only its first bytes (branchsite.uploads).
BROKEN_PDF = "PDF 文件无法读取，可能已损坏或不完整。请重新保存或扫描为 PDF 后再上传。"


def refusal(content: bytes, name: str = "scan.pdf") -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_recruitment_document(SimpleUploadedFile(name, content))
    return refused.value.messages


def test_a_real_one_page_pdf_is_accepted():
    assert PDF.startswith(b"%PDF-1.4")
    validate_recruitment_document(SimpleUploadedFile("scan.pdf", PDF))


def test_garbage_behind_a_pdf_header_is_refused_with_a_sentence():
    assert refusal(b"%PDF-1.4\n" + b"<html><script>alert(1)</script></html>" * 20) == [BROKEN_PDF]


@pytest.mark.parametrize("kept", [0.5, 0.9])
def test_a_pdf_cut_short_on_the_way_is_refused(kept):
    assert refusal(PDF[: int(len(PDF) * kept)]) == [BROKEN_PDF]


def test_a_pdf_without_pages_is_refused():
    assert refusal(one_page_pdf(pages=False)) == [
        "PDF 文件中没有任何页面。请重新保存或扫描为 PDF 后再上传。"
    ]


def test_a_pdf_that_is_only_a_header_and_a_trailer_is_refused():
    # What these tests used to upload as a PDF: no cross-reference table, no page tree.
    assert refusal(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n") == [BROKEN_PDF]


def test_an_encrypted_pdf_is_refused_even_if_it_opens_without_a_password():
    for content in (encrypted_pdf(), encrypted_pdf(user_password="secret")):
        (message,) = refusal(content)
        assert message.startswith("该 PDF 文件已加密")
        assert "不加密的 PDF" in message


def test_a_pdf_over_the_size_limit_is_refused_before_it_is_read(settings, monkeypatch):
    settings.RECRUITMENT_DOCUMENT_MAX_BYTES = len(PDF) - 1

    def never(*args, **kwargs):
        raise AssertionError("the PDF was read")

    monkeypatch.setattr("branchsite.uploads.PdfReader", never)
    (message,) = refusal(PDF)
    assert "MB" in message


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.RECRUITMENT_DOCUMENT_MAX_BYTES = 1000
    validate_recruitment_document(SimpleUploadedFile("ok.pdf", PDF + b" " * (1000 - len(PDF))))
    with pytest.raises(ValidationError):
        validate_recruitment_document(SimpleUploadedFile("big.pdf", PDF + b" " * 1000))


def test_the_service_refuses_a_disguised_file_and_saves_nothing(world, user, media):
    person = recruit(world.branch)
    upload = SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00" + b"\x00" * 32)
    with pytest.raises(ValidationError):
        take(person, "application", D(2025, 3, 1), document=upload, user=user)
    assert not RecruitmentRecord.objects.filter(member=person).exists()


# --- new applicants -----------------------------------------------------------------------


def test_a_new_applicant_starts_a_record_with_the_application(world, user):
    result = recruitment_applicant_add(
        branch=world.branch,
        name=" 新申请人 ",
        gender="female",
        birth_date=D(2000, 1, 1),
        applied_on=D(2025, 3, 1),
        reference="档案盒2-1",
        acting_user=user,
        today=LONG_AFTER,
    )
    person = result.record.member
    assert (person.name, person.category, person.joined_on) == (
        "新申请人",
        Category.APPLICANT,
        None,
    )
    assert result.record.step.code == "application"
    assert result.warnings == []
    assert person.history.get().history_user == user


def test_a_new_applicant_under_18_is_recorded_with_a_warning(world, user):
    result = recruitment_applicant_add(
        branch=world.branch,
        name="年轻人",
        gender="male",
        birth_date=D(2008, 6, 1),
        applied_on=D(2026, 5, 31),
        reference="档案盒2-2",
        acting_user=user,
        today=LONG_AFTER,
    )
    (warning,) = result.warnings
    assert "2026年6月1日" in warning
