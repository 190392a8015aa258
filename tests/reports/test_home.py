"""The front door: "/" sends each role to its own page; the login form and account pages."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import signs_in
from tests.factories import PASSWORD, UserFactory

NOT_LINKED = "您的账号尚未关联党员信息"


def landing_pages(world) -> dict[str, str]:
    branch = reverse("overview:branch_detail", args=[world.branch.pk])
    return {
        "secretary": branch,
        "viewer": branch,
        "leader_a": reverse("overview:group_detail", args=[world.group_a.pk]),
        "leader_b": reverse("overview:group_detail", args=[world.group_b.pk]),
        "member": reverse("overview:member_home"),
        "outsider": reverse("overview:branch_detail", args=[world.other_branch.pk]),
    }


@pytest.mark.parametrize(
    "persona", ["secretary", "viewer", "leader_a", "leader_b", "member", "outsider"]
)
def test_it_sends_each_persona_to_its_own_page(world, personas, persona):
    response = personas[persona].get("/")
    assert response.status_code == 302
    assert response["Location"] == landing_pages(world)[persona]
    # And that page opens for them.
    assert personas[persona].get(response["Location"]).status_code == 200


def test_it_sends_anonymous_visitors_to_the_login_page(world, anonymous):
    response = anonymous.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_it_tells_a_user_without_a_member_record_that_the_account_is_not_linked(db):
    client = Client()
    client.force_login(UserFactory(username="newcomer"))

    response = client.get("/")

    assert response.status_code == 200
    assert NOT_LINKED in response.content.decode()
    assert "reports/home_unlinked.html" in [t.name for t in response.templates]


def test_it_does_not_show_the_unlinked_message_to_a_linked_member(world, member_client):
    response = member_client.get("/", follow=True)
    assert NOT_LINKED not in response.content.decode()


def test_the_login_page_opens_in_chinese(world, anonymous):
    response = anonymous.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html
    assert 'name="username"' in html
    assert 'name="password"' in html


@pytest.mark.parametrize(
    "username", ["secretary", "viewer", "leader_a", "leader_b", "member", "outsider"]
)
def test_logging_in_through_the_form_lands_on_the_roles_page(world, username):
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert [url for url, _ in response.redirect_chain] == ["/", landing_pages(world)[username]]
    assert response.wsgi_request.user.username == username


def test_logging_in_honours_the_next_page(world):
    client = Client()
    target = reverse("members:member_detail", args=[world.member.pk])
    response = client.post(
        reverse("login"),
        {"username": "leader_a", "password": PASSWORD, "next": target},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == target
    assert response.status_code == 200


def test_a_wrong_password_keeps_the_visitor_on_the_login_form(world):
    client = Client()
    response = client.post(reverse("login"), {"username": "member", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_an_inactive_account_cannot_log_in(world):
    user = world.member.user
    user.is_active = False
    user.save()
    client = Client()
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_logging_out_is_a_post_that_ends_the_session(world):
    client = Client()
    assert signs_in(client, "member", PASSWORD)

    assert client.get(reverse("logout")).status_code == 405
    assert client.get("/").status_code == 302  # still logged in: sent to the own record
    assert client.get("/")["Location"] == landing_pages(world)["member"]

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")

    after = client.get("/")
    assert after["Location"].startswith(reverse("login"))


def test_every_page_offers_logout_as_a_form(world, member_client):
    html = member_client.get("/", follow=True).content.decode()
    assert f'<form method="post" action="{reverse("logout")}">' in html


def test_the_password_change_page_opens_for_a_logged_in_user(world, member_client):
    response = member_client.get(reverse("password_change"))
    assert response.status_code == 200
    assert 'name="old_password"' in response.content.decode()


def test_the_password_change_page_sends_anonymous_visitors_to_login(world, anonymous):
    url = reverse("password_change")
    response = anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_changing_the_password_keeps_the_user_logged_in_and_the_new_one_works(world):
    client = Client()
    assert signs_in(client, "member", PASSWORD)
    new_password = "a-new-and-longer-secret-2026"

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("password_change_done")).status_code == 200
    user = get_user_model().objects.get(username="member")
    assert user.check_password(new_password)
    assert not user.check_password(PASSWORD)
    assert signs_in(Client(), "member", new_password)


def test_password_reset_by_email_is_not_offered(world, anonymous, member_client):
    assert anonymous.get("/accounts/password_reset/").status_code == 404
    assert member_client.get("/accounts/password_reset/").status_code == 404
