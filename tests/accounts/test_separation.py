"""Administrators and working roles are disjoint by construction (issue 16, item 1): whatever writes
the account, a working role is never staff or superuser; an administrator cannot change their own
role, scope or active state in /admin/; a change of role, scope or password ends the account's
sessions and API tokens; what an administrator does to accounts is access-logged and shown to the
other administrators."""
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import AccessAction, AccessRecord, ApiToken, Role, User
from accounts.tokens import api_token_create
from facilities.models import FacilityAssignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Neu-Passwort-2026!"


def _admin_form(user, **changes) -> dict:
    data = {"username": user.username, "full_name": user.full_name, "phone": user.phone, "email": user.email,
            "role": user.role, "region_code": user.region_code, "is_active": "on" if user.is_active else ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.fixture
def admin2(db):
    return UserFactory(username="admin2", full_name="第二管理员", role=Role.ADMIN)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_working_role_is_never_staff_whatever_the_save_says(cast):
    clerk = cast["clerk"]
    clerk.is_staff = True
    clerk.save()
    clerk.refresh_from_db()
    assert clerk.is_staff is False
    assert User.objects.get(username="admin").is_staff is True


def test_the_database_refuses_a_clerk_with_administrator_flags(cast):
    for flags in ({"is_staff": True}, {"is_superuser": True}):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(pk=cast["clerk"].pk).update(**flags)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast["admin"].pk).update(role=Role.CLERK, region_code="621000")


def test_model_validation_refuses_a_superuser_with_a_working_role(cast):
    admin = cast["admin"]
    admin.role, admin.region_code = Role.CLERK, "621000"
    with pytest.raises(ValidationError) as caught:
        admin.full_clean()
    assert "role" in caught.value.message_dict


def test_createsuperuser_makes_an_administrator_only(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", NEW_PASSWORD)
    call_command("createsuperuser", username="recovery", email="r@example.org", interactive=False, verbosity=0)
    user = User.objects.get(username="recovery")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.ADMIN, True, True)


def test_an_administrator_cannot_turn_themselves_into_a_clerk_in_the_admin_site(cast, login, facilities):
    """Issue 16's finding 1: edit own account to clerk of 621000, then read every person."""
    admin = cast["admin"]
    client = login(admin)
    url = reverse("admin:accounts_user_change", args=[admin.pk])
    page = client.get(url).content.decode()
    assert 'name="role"' not in page and 'name="region_code"' not in page
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    client.post(url, _admin_form(admin, role=Role.CLERK, region_code="621000", is_superuser="on"))
    admin.refresh_from_db()
    assert (admin.role, admin.region_code) == (Role.ADMIN, "")
    assert client.get("/api/people").json()["count"] == 0


def test_an_administrator_without_the_superuser_flag_manages_accounts(cast, admin2):
    client = _signed_in(admin2)
    assert not admin2.is_superuser
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:facilities_facilityassignment_changelist")).status_code == 200
    assert client.get("/admin/residents/").status_code == 404


def test_a_role_change_by_another_administrator_ends_sessions_and_tokens_and_is_logged(cast, admin2):
    clerk = cast["clerk"]
    session = _signed_in(clerk)
    _token, raw = api_token_create(user=clerk, name="对接")
    assert session.get("/api/me").status_code == 200
    response = _signed_in(admin2).post(reverse("admin:accounts_user_change", args=[clerk.pk]),
                                       _admin_form(clerk, region_code="621000"))
    assert response.status_code == 302
    assert session.get("/api/me").status_code == 401
    assert session.get(reverse("home")).status_code == 302  # to the login page
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None
    record = AccessRecord.objects.get(action=AccessAction.ROLE_GRANT)
    assert (record.username, record.target) == ("admin2", f"user:{clerk.pk}") and "621000" in record.detail
    assert clerk.history.first().region_code == "621000"


def test_a_token_is_refused_when_the_owner_changes_behind_the_models_back(cast):
    """Even a bulk update (no save, no revocation) ends the token: its stamp no longer matches."""
    _token, raw = api_token_create(user=cast["inspector"], name="对接")
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    User.objects.filter(pk=cast["inspector"].pk).update(region_code="621000")
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_creating_a_clerk_in_the_admin_site_is_logged_and_the_password_must_be_changed(cast, admin2):
    client = _signed_in(admin2)
    response = client.post(reverse("admin:accounts_user_add"), {
        "username": "clerk_new", "full_name": "新经办", "role": Role.CLERK, "region_code": "621002",
        "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="clerk_new")
    assert user.must_change_password and not user.is_staff
    assert AccessRecord.objects.filter(action=AccessAction.ACCOUNT_CREATE, target=f"user:{user.pk}").exists()
    # The administrator who made it cannot use it: the new clerk reaches only the password change.
    as_clerk = Client()
    as_clerk.post(reverse("login"), {"username": "clerk_new", "password": NEW_PASSWORD})
    assert as_clerk.get(reverse("person_list"))["Location"].startswith(reverse("password_change"))
    assert as_clerk.get("/api/people").status_code == 401
    changed = as_clerk.post(reverse("password_change"), {
        "old_password": NEW_PASSWORD, "new_password1": "Eigenes-Pw-2026#", "new_password2": "Eigenes-Pw-2026#"})
    assert changed.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert as_clerk.get(reverse("person_list")).status_code == 200


def test_a_password_reset_in_the_admin_site_is_logged_ends_sessions_and_must_be_changed(cast, admin2):
    clerk = cast["clerk"]
    session = _signed_in(clerk)
    _token, raw = api_token_create(user=clerk, name="对接")
    response = _signed_in(admin2).post(reverse("admin:auth_user_password_change", args=[clerk.pk]), {
        "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.must_change_password
    assert session.get("/api/me").status_code == 401
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AccessRecord.objects.filter(action=AccessAction.PASSWORD_RESET, target=f"user:{clerk.pk}",
                                       username="admin2").exists()


def test_an_assignment_added_in_the_admin_site_is_logged_and_only_managers_get_one(cast, admin2, facilities):
    client = _signed_in(admin2)
    url = reverse("admin:facilities_facilityassignment_add")
    manager = UserFactory(username="manager_new")
    assert client.post(url, {"user": manager.pk, "facility": facilities["c"].pk}).status_code == 302
    assert AccessRecord.objects.filter(action=AccessAction.ASSIGNMENT_ADD, target=f"user:{manager.pk}").exists()
    page = client.post(url, {"user": cast["clerk"].pk, "facility": facilities["c"].pk}).content.decode()
    assert "只能把机构分配给机构负责人" in page
    assert not FacilityAssignment.objects.filter(user=cast["clerk"]).exists()


def test_the_other_administrators_see_account_actions_on_their_home_page(cast, admin2, login):
    clerk = cast["clerk"]
    _signed_in(admin2).post(reverse("admin:accounts_user_change", args=[clerk.pk]),
                            _admin_form(clerk, region_code="621000"))
    page = login(cast["admin"]).get(reverse("home")).content.decode()
    actions = page.split('data-testid="account-actions"')[1]
    assert "admin2" in actions and "621000" in actions
    own = Client()
    own.force_login(admin2)
    assert "621000" not in own.get(reverse("home")).content.decode().split('data-testid="account-actions"')[1]
