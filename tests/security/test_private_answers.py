"""Answers with personal data are never stored by a browser or proxy (`Cache-Control: no-store`), and
every answer switches off the browser features the app does not use (Permissions-Policy). Issue 25
findings 6 and 7: person pages, custody statements, staff lists, complaints and their CSV, the API's
people and staff, the token page, error pages; static files keep their cache (WhiteNoise answers them
before the middleware)."""
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def assert_private(response):
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, (response.status_code, response.get("Cache-Control"))
    policy = response.get("Permissions-Policy", "")
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy and "payment=()" in policy


def test_pages_with_personal_data_are_no_store(world, login):
    place = world.places["a"]
    client = login(world.cast["manager_a"])
    for url in (
        reverse("person_list"),
        reverse("person_detail", args=[place.person.pk]),
        reverse("custody_statement", args=[place.person.pk]),
        reverse("staff_list", args=[place.facility.pk]),
        reverse("token_list"),
        reverse("home"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response)
    inspector = login(world.cast["inspector"])
    for url in (reverse("complaint_list"), reverse("complaint_list") + "?export=csv"):
        response = inspector.get(url)
        assert response.status_code == 200, url
        assert_private(response)


def test_the_api_is_no_store_with_a_token_and_when_refused(world, client):
    place = world.places["a"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {world.token('manager_a')}"}
    for url in ("/api/people", f"/api/people/{place.person.pk}", "/api/staff"):
        response = client.get(url, **bearer)
        assert response.status_code == 200, url
        assert_private(response)
    assert_private(client.get("/api/people"))  # 401
    assert_private(client.get(f"/api/people/{world.places['y'].person.pk}", **bearer))  # 404


def test_error_and_login_pages_carry_the_headers_too(client):
    assert_private(client.get(reverse("login")))
    assert_private(client.get("/no-such-page/"))


def test_static_files_are_answered_before_the_no_store_default():
    order = settings.MIDDLEWARE
    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < order.index(
        "config.middleware.PrivateAnswersMiddleware")
