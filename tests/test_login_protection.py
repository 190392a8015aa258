"""Login protection: wrong passwords lock an account (and, many more, an address), a lock
ends by itself or from the member's page, sessions end when idle or with the browser, and
a production site makes the demo password's holders change it."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from branchsite.accounts import LAST_SEEN
from branchsite.lockout import client_address
from branchsite.passwords import DEMO_PASSWORD
from tests.conftest import signs_in
from tests.factories import PASSWORD

LOGIN = reverse("login")


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(world):
    client = Client()
    for _ in range(4):
        assert attempt(client, "member", "wrong-guess").status_code == 200
    locked = attempt(client, "member", "wrong-guess")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "账号已锁定" in page
    assert "支部书记" in page
    # The time to try again is the last attempt plus 30 minutes, in the page's own words.
    until = (timezone.localtime() + datetime.timedelta(minutes=30)).strftime("%H:%M")
    assert until in page
    assert 'value="member"' in page  # what was typed is kept
    assert not signs_in(Client(), "member", PASSWORD)


def test_a_name_longer_than_any_account_is_refused_on_the_form(world):
    """Found by tests/test_form_fuzz.py: on PostgreSQL the lockout's log refused the name
    (a 500)."""
    response = Client().post(reverse("login"), {"username": "x" * 10_000, "password": "x"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not AccessAttempt.objects.exists()


def test_fewer_wrong_passwords_do_not_lock_and_a_success_forgets_them(world):
    client = Client()
    for _ in range(4):
        attempt(client, "member", "wrong-guess")
    assert signs_in(Client(), "member", PASSWORD)
    for _ in range(4):
        attempt(Client(), "member", "wrong-guess")
    assert signs_in(Client(), "member", PASSWORD)


def test_a_lock_on_one_account_leaves_the_others_from_the_same_address_alone(world):
    for _ in range(5):
        attempt(Client(), "member", "wrong-guess")
    assert signs_in(Client(), "leader_a", PASSWORD)


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=8)
def test_many_wrong_passwords_from_one_address_lock_the_address(world):
    for index in range(8):
        attempt(Client(), f"guess{index}", "wrong-guess", REMOTE_ADDR="198.51.100.7")
    refused = attempt(Client(), "leader_a", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert "这个网络" in refused.content.decode()
    ok = attempt(Client(), "leader_a", PASSWORD, REMOTE_ADDR="198.51.100.8")
    assert ok.status_code == 302


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=8)
def test_logging_in_to_an_account_does_not_clear_the_addresss_failures(world):
    for index in range(7):
        attempt(Client(), f"guess{index}", "wrong-guess", REMOTE_ADDR="198.51.100.7")
    assert attempt(Client(), "leader_a", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    attempt(Client(), "guess-last", "wrong-guess", REMOTE_ADDR="198.51.100.7")
    assert attempt(Client(), "leader_b", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_the_lock_ends_by_itself_after_the_cool_off(world):
    for _ in range(5):
        attempt(Client(), "member", "wrong-guess")
    assert not signs_in(Client(), "member", PASSWORD)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert signs_in(Client(), "member", PASSWORD)


def test_a_forwarded_address_is_ignored_unless_a_proxy_header_is_configured(world):
    for index in range(5):
        forwarded = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{index}"}
        attempt(Client(), "member", "wrong-guess", **forwarded)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@override_settings(CLIENT_ADDRESS_HEADER="X-Forwarded-For")
def test_behind_a_proxy_the_address_it_appended_is_the_clients():
    factory = RequestFactory()
    spoofed = factory.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.5", REMOTE_ADDR="127.0.0.1")
    assert client_address(spoofed) == "10.0.0.5"
    garbage = factory.get("/", HTTP_X_FORWARDED_FOR="not-an-address", REMOTE_ADDR="127.0.0.1")
    assert client_address(garbage) == "127.0.0.1"
    assert client_address(factory.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


def test_the_secretary_unlocks_a_members_account_from_their_page(world, secretary_client):
    for _ in range(5):
        attempt(Client(), "member", "wrong-guess")
    page = reverse("members:member_detail", args=[world.member.pk])
    unlock = reverse("members:member_action", args=[world.member.pk, "unlock"])
    assert unlock in secretary_client.get(page).content.decode()
    response = secretary_client.post(unlock, follow=True)
    assert "可以重新登录" in response.content.decode()
    assert unlock not in secretary_client.get(page).content.decode()
    assert signs_in(Client(), "member", PASSWORD)
    latest = world.member.history.latest()
    assert latest.history_change_reason == "解除登录锁定"
    assert latest.history_user == world.secretary.user


def test_an_account_that_is_not_locked_has_nothing_to_unlock(world, secretary_client):
    unlock = reverse("members:member_action", args=[world.member.pk, "unlock"])
    response = secretary_client.get(unlock, follow=True)
    assert "账号没有被锁定" in response.content.decode()


@pytest.mark.parametrize(
    "persona, status",
    {"leader_a": 403, "leader_b": 403, "member": 403, "viewer": 403, "outsider": 404}.items(),
)
def test_only_the_committee_unlocks(world, personas, persona, status):
    for _ in range(5):
        attempt(Client(), "member", "wrong-guess")
    unlock = reverse("members:member_action", args=[world.member.pk, "unlock"])
    assert personas[persona].post(unlock).status_code == status
    assert not signs_in(Client(), "member", PASSWORD)


def test_a_password_reset_also_lifts_the_lock(world, secretary_client):
    for _ in range(5):
        attempt(Client(), "member", "wrong-guess")
    reset = reverse("members:member_action", args=[world.member.pk, "password"])
    secretary_client.post(reset, {"password": "Xin-mima-2026-12"})
    assert signs_in(Client(), "member", "Xin-mima-2026-12")


def test_a_session_lasts_a_working_day_from_the_last_request(world, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    client = Client()
    assert signs_in(client, "member", PASSWORD)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 600
    session.save()
    before = session.get_expiry_date()
    client.get(reverse("home"))
    refreshed = client.session
    assert refreshed[LAST_SEEN] >= int(time.time()) - 5
    assert refreshed.get_expiry_date() > before


def test_a_session_past_its_idle_time_must_log_in_again(world):
    client = Client()
    assert signs_in(client, "member", PASSWORD)
    session = client.session
    session.set_expiry(timezone.now() - datetime.timedelta(seconds=1))
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_on_a_shared_computer_the_session_ends_with_the_browser(world):
    client = Client()
    response = client.post(
        LOGIN, {"username": "member", "password": PASSWORD, "shared_computer": "on"}
    )
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close()
    assert response.cookies["sessionid"]["max-age"] == ""
    ordinary = Client()
    response = ordinary.post(LOGIN, {"username": "member", "password": PASSWORD})
    assert not ordinary.session.get_expire_at_browser_close()
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


def test_the_login_page_offers_the_shared_computer_choice(db):
    assert "公用电脑" in Client().get(LOGIN).content.decode()


@pytest.mark.parametrize(
    "password", [DEMO_PASSWORD, "Branchsite_Demo", "branchsite-demo-2026", "branchsite-dem0"]
)
def test_the_validators_refuse_the_demo_password_and_its_neighbours(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "演示账号" in " ".join(refused.value.messages)


def test_the_validators_accept_an_unrelated_password():
    validate_password("Qiyue-1921-hongchuan")


@pytest.fixture
def demo_password_member(world):
    user = world.member.user
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@override_settings(DEBUG=False)
def test_in_production_the_demo_password_must_be_changed_at_login(demo_password_member):
    client = Client()
    assert signs_in(client, "member", DEMO_PASSWORD)
    for url in (reverse("home"), reverse("overview:member_home")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "演示密码" in page
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Branchsite-demo1",
            "new_password2": "Branchsite-demo1",
        },
    )
    assert response.status_code == 200  # refused: too close to the demo password
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Qiyue-1921-hongchuan",
            "new_password2": "Qiyue-1921-hongchuan",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code in (200, 302)
    assert client.get(reverse("overview:member_home")).status_code == 200
    assert SESSION_KEY in client.session


@override_settings(DEBUG=True)
def test_in_development_the_demo_password_is_allowed(demo_password_member):
    client = Client()
    assert signs_in(client, "member", DEMO_PASSWORD)
    assert client.get(reverse("overview:member_home")).status_code == 200
