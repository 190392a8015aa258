"""Correcting a member's registry from their page (编辑): the committee only, through the
service and the history; bad input keeps what was typed; status changes sit apart, under
更多操作."""

import pytest
from django.urls import reverse

from members.models import Member
from tests.conftest import assert_matrix

EXPECTED = {
    "secretary": 200,
    "leader_a": 403,
    "leader_b": 403,
    "member": 403,
    "viewer": 403,
    "outsider": 404,
}


def edit_url(member) -> str:
    return reverse("members:member_edit", args=[member.pk])


def form_data(member, **changes) -> dict:
    data = {
        "name": member.name,
        "gender": member.gender,
        "id_number": member.id_number,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "native_place": member.native_place,
        "education": member.education,
        "job": member.job,
        "employment": member.employment,
        "office": member.office,
        "position": member.position,
        "professional_title": member.professional_title,
        "work_started_on": member.work_started_on.isoformat() if member.work_started_on else "",
        "phone": member.phone,
        "address": member.address,
    }
    return {**data, **changes}


def test_only_the_committee_opens_the_edit_page(personas, world):
    assert_matrix(personas, "get", edit_url(world.member), EXPECTED)


def test_only_the_committee_saves(personas, world):
    personas = {name: client for name, client in personas.items() if name != "secretary"}
    expected = {name: status for name, status in EXPECTED.items() if name in personas}
    data = form_data(world.member, phone="13900000000")
    assert_matrix(personas, "post", edit_url(world.member), expected, data=data)
    world.member.refresh_from_db()
    assert world.member.phone != "13900000000"


def test_the_secretary_corrects_a_phone_number_with_who_and_when(world, secretary_client):
    response = secretary_client.post(
        edit_url(world.member), form_data(world.member, phone="13912345678")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:member_detail", args=[world.member.pk])
    world.member.refresh_from_db()
    assert world.member.phone == "13912345678"
    latest = world.member.history.latest()
    assert (latest.history_type, latest.history_user) == ("~", world.secretary.user)
    page = secretary_client.get(response["Location"]).content.decode()
    assert "已保存：联系电话。" in page


def test_saving_nothing_new_writes_no_history(world, secretary_client):
    before = world.member.history.count()
    response = secretary_client.post(edit_url(world.member), form_data(world.member), follow=True)
    assert "没有修改任何内容。" in response.content.decode()
    assert world.member.history.count() == before


def test_a_bad_identity_number_is_refused_and_what_was_typed_stays(world, secretary_client):
    response = secretary_client.post(
        edit_url(world.member),
        form_data(world.member, id_number="110101199001011234", address="新地址 8 号"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["form"].errors
    assert 'value="新地址 8 号"' in html and 'value="110101199001011234"' in html
    world.member.refresh_from_db()
    assert world.member.address != "新地址 8 号"


def test_an_identity_number_already_used_is_refused(world, secretary_client):
    other = Member.objects.exclude(pk=world.member.pk).filter(branch=world.branch).first()
    Member.objects.filter(pk=other.pk).update(id_number="11010519491231002X", gender="female")
    response = secretary_client.post(
        edit_url(world.member),
        form_data(
            world.member, id_number="11010519491231002x", gender="female", birth_date="1949-12-31"
        ),
    )
    assert response.status_code == 200
    assert "这个公民身份号码已在本系统登记" in response.content.decode()
    world.member.refresh_from_db()
    assert world.member.id_number != "11010519491231002X"


@pytest.mark.parametrize("persona, shown", [("secretary", True), ("leader_a", False)])
def test_the_member_page_offers_edit_and_puts_status_changes_under_more(
    world, personas, persona, shown
):
    html = personas[persona].get(reverse("members:member_detail", args=[world.member.pk]))
    html = html.content.decode()
    assert (edit_url(world.member) in html) is shown
    if shown:
        menu = html[html.index('class="dropdown-menu"') :]
        menu = menu[: menu.index("</ul>")]
        exit_url = reverse("members:member_action", args=[world.member.pk, "exit"])
        password_url = reverse("members:member_action", args=[world.member.pk, "password"])
        assert exit_url in menu and "更多操作" in html
        assert password_url in html and password_url not in menu
