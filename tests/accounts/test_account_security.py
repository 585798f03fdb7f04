"""The account page, password changes and disabled accounts (等保 level 3)."""
import pytest
from django.urls import reverse

from accounts.models import Role, User
from accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db

WEAK = ["short1A!", "abcdefghijkl", "minzheng2026", "1234567890123", "password1234"]
STRONG = "Qingyang#2026x"


def test_the_account_page_links_password_change_and_tokens(cast, login):
    page = login(cast["manager_a"]).get(reverse("account_security")).content.decode()
    assert f'href="{reverse("password_change")}"' in page and f'href="{reverse("token_list")}"' in page
    nav = login(cast["manager_a"]).get(reverse("home")).content.decode().split("</nav>")[0]
    assert f'href="{reverse("account_security")}"' in nav


def test_a_disabled_users_web_session_stops_at_the_next_request(cast, login):
    client = login(cast["inspector"])
    assert client.get(reverse("home")).status_code == 200
    User.objects.filter(pk=cast["inspector"].pk).update(is_active=False)
    response = client.get(reverse("facility_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get("/api/me").status_code == 401


def test_a_disabled_users_tokens_stop_at_the_next_request(cast, client):
    _token, raw = api_token_create(user=cast["clerk"], name="财政对接")
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    User.objects.filter(pk=cast["clerk"].pk).update(is_active=False)
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.parametrize("candidate", WEAK)
def test_changing_ones_password_enforces_the_validators(cast, login, password, candidate):
    client = login(cast["clerk"])
    response = client.post(reverse("password_change"), {
        "old_password": password, "new_password1": candidate, "new_password2": candidate,
    })
    assert response.status_code == 200 and response.context["form"].errors["new_password2"]
    cast["clerk"].refresh_from_db()
    assert cast["clerk"].check_password(password)


def test_a_password_that_passes_is_saved_and_the_session_kept(cast, login, password):
    client = login(cast["clerk"])
    response = client.post(reverse("password_change"), {
        "old_password": password, "new_password1": STRONG, "new_password2": STRONG,
    })
    assert response.status_code == 302 and response["Location"] == reverse("account_security")
    cast["clerk"].refresh_from_db()
    assert cast["clerk"].check_password(STRONG)
    assert client.get(reverse("home")).status_code == 200


def test_the_password_change_needs_the_old_password(cast, login):
    response = login(cast["clerk"]).post(reverse("password_change"), {
        "old_password": "not-it", "new_password1": STRONG, "new_password2": STRONG,
    })
    assert response.status_code == 200 and "old_password" in response.context["form"].errors


def test_a_password_like_the_username_is_refused(cast, login, password):
    user = User.objects.create_user(username="zhangjianguo", full_name="张建国", role=Role.MANAGER, password=STRONG)
    response = login(user).post(reverse("password_change"), {
        "old_password": STRONG, "new_password1": "Zhangjianguo1", "new_password2": "Zhangjianguo1",
    })
    assert response.status_code == 200 and response.context["form"].errors


@pytest.mark.parametrize("candidate", WEAK)
def test_creating_a_user_in_the_admin_enforces_the_validators(cast, login, candidate):
    response = login(cast["admin"]).post(reverse("admin:accounts_user_add"), {
        "username": "new_clerk", "full_name": "新经办", "role": Role.CLERK, "region_code": "621002",
        "password1": candidate, "password2": candidate,
    })
    assert response.status_code == 200
    assert not User.objects.filter(username="new_clerk").exists()


@pytest.mark.parametrize(("candidate", "ok"), [(WEAK[0], False), (WEAK[2], False), (STRONG, True)])
def test_setting_a_users_password_in_the_admin_enforces_the_validators(cast, login, password, candidate, ok):
    url = reverse("admin:auth_user_password_change", args=[cast["manager_a"].pk])
    response = login(cast["admin"]).post(url, {"password1": candidate, "password2": candidate})
    assert response.status_code == (302 if ok else 200)
    cast["manager_a"].refresh_from_db()
    assert cast["manager_a"].check_password(STRONG if ok else password)
