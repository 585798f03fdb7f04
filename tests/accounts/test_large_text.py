"""The header's 大字 / Large text switch: kept on the account, shown on every page, back to the same page."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_switch_is_in_the_header_off_by_default(cast, login):
    html = login(cast["manager_a"]).get(reverse("home")).content.decode()
    assert 'data-testid="text-size"' in html and 'aria-pressed="false"' in html and 'class="large-text"' not in html


def test_turning_it_on_keeps_it_on_the_account_and_returns_to_the_page(cast, login):
    client = login(cast["manager_a"])
    response = client.post(reverse("text_size"), {"large": "1", "next": "/people/?page=2"})
    assert response.status_code == 302 and response["Location"] == "/people/?page=2"
    cast["manager_a"].refresh_from_db()
    assert cast["manager_a"].large_text
    assert cast["manager_a"].history.first().history_change_reason == "大字显示"
    html = client.get(reverse("home")).content.decode()
    assert 'class="large-text"' in html and 'aria-pressed="true"' in html
    client.post(reverse("text_size"), {"large": "0"})
    cast["manager_a"].refresh_from_db()
    assert not cast["manager_a"].large_text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "home", ""])
def test_it_only_returns_to_a_page_of_this_site(cast, login, target):
    response = login(cast["clerk"]).post(reverse("text_size"), {"large": "1", "next": target})
    assert response["Location"] == reverse("home")


def test_it_is_for_signed_in_users_and_by_post_only(client, cast, login):
    assert client.post(reverse("text_size"), {"large": "1"}).status_code == 302  # to the login page
    assert login(cast["admin"]).get(reverse("text_size")).status_code == 405
