"""Payroll sheets for the tests, written with openpyxl (as .xlsx; `as_xls` and `as_ods` of
tests.members.roster.other_formats rewrite them cell for cell)."""

import io

from openpyxl import Workbook

from tests.members.roster.test_importing import id_number

SECRETARY_ID = id_number("19750412", "135")
MEMBER_ID = id_number("19880923", "246")
LEADER_B_ID = id_number("19590101", "317")


def xlsx(workbook: Workbook) -> io.BytesIO:
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def simple_payroll(rows: list[list], headers=("姓名", "身份证号", "党费基数")) -> io.BytesIO:
    """Headers in row 1, a member a row from row 2."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工资表"
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    return xlsx(workbook)


def school_payroll() -> io.BytesIO:
    """A payroll sheet as a school's finance office sends it: a merged title and a note
    above a two-row header, the pay items under a merged 应发工资 and the deductions under a
    merged 代扣款项 (social insurance and housing fund among them, which are not deducted
    from the base), an amount typed as text with a thousands separator, a blank allowance,
    and a row of totals at the end.

    Rows 6–8: 书记 7180.00 (1.5 %: 107.70), 普通党员 4000.00 (1 %: 40.00), 乙组长 5000.00."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "2026年1月"
    sheet["A1"] = "某某小学2026年1月教职工工资表"
    sheet.merge_cells("A1:L1")
    sheet["A2"] = "单位：元"
    top = ["序号", "姓名", "身份证号", "应发工资", None, None, None, "代扣款项", None, None,
           "实发工资", "备注"]  # fmt: skip
    for column, header in enumerate(top, start=1):
        sheet.cell(row=4, column=column, value=header)
    for letter in "ABCKL":
        sheet.merge_cells(f"{letter}4:{letter}5")
    sheet.merge_cells("D4:G4")
    sheet.merge_cells("H4:J4")
    for column, header in enumerate(
        ["岗位工资", "薪级工资", "绩效工资", "津贴补贴", "养老保险", "住房公积金", "个人所得税"],
        start=4,
    ):
        sheet.cell(row=5, column=column, value=header)
    data = [
        [1, "书记", SECRETARY_ID, 3000, 1500.5, 2000, 800, 600, 700, 120.5, 5880, None],
        [2, "普通党员", MEMBER_ID, 2000, 800, "1,200.00", None, 400, 480, 0, 3120, None],
        [3, "乙组长", LEADER_B_ID, 3000, 1000, 700, 300, 0, 0, 0, 5000, "退休"],
        [None, "合计", None, 8000, 3300.5, 3900, 1100, 1000, 1180, 120.5, 14000, None],
    ]
    for offset, row in enumerate(data):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=6 + offset, column=column, value=value)
    return xlsx(workbook)


def staff_id(index: int) -> str:
    """A valid identity number no member of the tests has (index < 1000)."""
    return id_number("19700101", f"{index:03d}", region="440106")


def whole_staff_payroll(others: int = 80) -> io.BytesIO:
    """The school's payroll as the finance office keeps it: every member of staff, most of
    them not party members. Rows 2–4 are 书记 (7000), 普通党员 (4000) and 乙组长 (5000,
    retired); then `others` teachers who are not members, with identity numbers, some with
    cells the import would refuse in a member's row (a word for the pay, an unknown 类别)."""
    rows = [
        ["书记", SECRETARY_ID, 7000, None],
        ["普通党员", MEMBER_ID, 4000, None],
        ["乙组长", LEADER_B_ID, 5000, None],
    ]
    for index in range(others):
        pay, category = ("待定", "临时工") if index % 10 == 0 else (3000 + index, None)
        rows.append([f"教师{index:02d}", staff_id(index), pay, category])
    return simple_payroll(rows, ("姓名", "身份证号", "党费基数", "类别"))
