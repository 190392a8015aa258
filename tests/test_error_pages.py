"""Error pages speak Chinese and say what to do next."""

from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error


def test_a_wrong_role_gets_a_chinese_page_pointing_to_the_secretary(world, leader_b_client):
    response = leader_b_client.get(reverse("overview:group_detail", args=[world.group_a.pk]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "您的账号无权打开此页面" in html
    assert "请联系支部书记" in html
    assert reverse("home") in html


def test_a_missing_page_gets_a_chinese_page(world, secretary_client):
    response = secretary_client.get("/groups/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_server_error_page_says_nothing_was_saved(db):
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "您填写的内容没有保存" in html
    assert '<html lang="zh-CN">' in html


def test_anonymous_visitors_still_go_to_login_not_to_an_error_page(world):
    response = Client().get(reverse("overview:group_detail", args=[world.group_a.pk]))
    assert response.status_code == 302


def test_a_not_found_meant_for_the_user_keeps_its_sentence(world, secretary_client):
    # An expired or unknown roster upload: still 404, but it says what to do.
    response = secretary_client.get(reverse("admin:members_member_roster_preview"), {"token": "x"})
    html = response.content.decode()
    assert response.status_code == 404
    assert "上传的文件已过期，请重新上传。" in html


def test_djangos_own_not_found_messages_stay_hidden(world, secretary_client):
    response = secretary_client.get(reverse("members:member_detail", args=[999999]))
    assert "matches the given query" not in response.content.decode()
