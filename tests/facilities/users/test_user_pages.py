"""User management for administrators outside /admin/ (issue 16): list, create, role and scope from
the region register, password reset, deactivation, facility assignments, second-factor reset and the
login log; every change access-logged; other roles refused."""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessAction, AccessRecord, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD1 = "Anfang-Pw-2026!"


@pytest.fixture
def admin_client(cast, login):
    return login(cast["admin"])


@pytest.mark.parametrize("who", ["manager_a", "inspector", "clerk"])
def test_other_roles_are_refused(cast, login, who):
    client = login(cast[who])
    for url in (reverse("user_list"), reverse("user_create"), reverse("login_log"),
                reverse("user_detail", args=[cast["clerk"].pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("user_deactivate", args=[cast["manager_b"].pk])).status_code == 403
    assert User.objects.get(username="manager_b").is_active


def test_the_list_is_chinese_first_with_a_fixed_query_count(cast, admin_client):
    with CaptureQueriesContext(connection) as few:
        page = admin_client.get(reverse("user_list")).content.decode()
    assert "用户管理" in page and "clerk" in page and "救助经办" in page
    for n in range(30):
        UserFactory(username=f"extra{n}")
    with CaptureQueriesContext(connection) as many:
        admin_client.get(reverse("user_list"))
    assert len(many) == len(few)


def test_creating_a_clerk_with_a_region_from_the_register(cast, admin_client, regions):
    page = admin_client.get(reverse("user_create")).content.decode()
    assert 'data-testid="region-picker-region_code"' in page and '<option value="620000">甘肃省</option>' in page
    picked = admin_client.get(reverse("region_picker"), {"name": "region_code", "scoped": "0", "levels": "province,city,county,township",
                                                          "region_code_1": "620000", "region_code_2": "621000"}).content.decode()
    assert '<option value="621002">西峰区</option>' in picked
    response = admin_client.post(reverse("user_create"), {
        "username": "clerk2", "full_name": "李经办", "role": Role.CLERK, "region_code": "621002",
        "password1": PASSWORD1, "password2": PASSWORD1})
    assert response.status_code == 302
    user = User.objects.get(username="clerk2")
    assert (user.role, user.region_code, user.must_change_password, user.is_staff) == (Role.CLERK, "621002", True, False)
    assert AccessRecord.objects.filter(action=AccessAction.ACCOUNT_CREATE, target=f"user:{user.pk}").exists()


def test_a_typed_region_or_weak_password_is_refused_with_field_errors(cast, admin_client, regions):
    response = admin_client.post(reverse("user_create"), {
        "username": "clerk3", "full_name": "王", "role": Role.CLERK, "region_code": "999999",
        "password1": "abc", "password2": "abc"})
    page = response.content.decode()
    assert response.status_code == 200 and 'name="region_code_1"' in page and "is-invalid" in page
    assert "所选行政区划不在可选范围内" in page
    assert not User.objects.filter(username="clerk3").exists()


def test_role_change_reset_assignment_deactivation_and_second_factor_reset(cast, admin_client, facilities, regions):
    manager = cast["manager_b"]
    url = lambda name: reverse(name, args=[manager.pk])
    assert admin_client.post(url("user_assignment_add"), {"facility": facilities["c"].pk}).status_code == 302
    assert manager.facility_assignments.filter(facility=facilities["c"]).exists()
    assert admin_client.post(url("user_password"), {"password1": PASSWORD1, "password2": PASSWORD1}).status_code == 302
    TOTPDevice.objects.create(user=manager, name="验证器", confirmed=True)
    assert admin_client.post(url("user_second_factor_reset")).status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert admin_client.post(url("user_role"), {"role": Role.INSPECTOR, "region_code": "621021"}).status_code == 302
    assert admin_client.post(url("user_deactivate")).status_code == 302
    manager.refresh_from_db()
    assert (manager.role, manager.region_code, manager.is_active, manager.must_change_password) == (
        Role.INSPECTOR, "621021", False, True)
    actions = set(AccessRecord.objects.filter(target=f"user:{manager.pk}").values_list("action", flat=True))
    assert actions == {AccessAction.ASSIGNMENT_ADD, AccessAction.PASSWORD_RESET, AccessAction.SECOND_FACTOR_RESET,
                       AccessAction.ROLE_GRANT, AccessAction.ACCOUNT_DEACTIVATE}


def test_an_administrator_cannot_change_their_own_role_or_deactivate_themselves(cast, admin_client, regions):
    admin = cast["admin"]
    page = admin_client.get(reverse("user_detail", args=[admin.pk])).content.decode()
    assert 'data-testid="role-form"' not in page
    response = admin_client.post(reverse("user_role", args=[admin.pk]), {"role": Role.CLERK, "region_code": "621000"})
    assert "另一位管理员" in response.content.decode()
    refused = admin_client.post(reverse("user_deactivate", args=[admin.pk]), follow=True).content.decode()
    assert "另一位管理员" in refused
    admin.refresh_from_db()
    assert (admin.role, admin.is_active) == (Role.ADMIN, True)


def test_an_assignment_only_goes_to_a_manager(cast, admin_client, facilities):
    response = admin_client.post(reverse("user_assignment_add", args=[cast["clerk"].pk]), {"facility": facilities["c"].pk})
    assert "只能把机构分配给机构负责人" in response.content.decode()


def test_the_login_log_shows_successes_failures_and_lockouts(cast, admin_client, password):
    for _ in range(5):
        Client(REMOTE_ADDR="198.51.100.7").post(reverse("login"), {"username": "inspector", "password": "wrong"})
    Client(REMOTE_ADDR="203.0.113.9").post(reverse("login"), {"username": "clerk", "password": password})
    page = admin_client.get(reverse("login_log")).content.decode()
    assert "失败，已锁定" in page and "成功" in page and "198.51.100.7" in page
    only = admin_client.get(reverse("login_log"), {"user": "clerk", "ip": "203.0.113.9"}).content.decode()
    assert "198.51.100.7" not in only and "203.0.113.9" in only
    assert admin_client.get(reverse("login_log"), {"ip": "not-an-ip"}).status_code == 200
