"""/api/docs renders the API's operations in swagger-ui, from the files ninja ships (served by the
site itself: bureaus run on intranets), under the site's Content Security Policy."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_render_the_operations_offline(page):
    outside = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(page.base) else None)
    page.goto(page.base + "/api/docs")
    submit = page.locator(".opblock-summary", has_text="/api/subsidies/batches/{batch_id}/submit")
    expect(submit).to_be_visible()
    expect(submit).to_contain_text("提交审核 / submit")
    assert page.locator(".errors-wrapper").count() == 0  # swagger-ui lists the document's parse errors here
    submit.click()
    expect(page.locator(".opblock-body").first).to_contain_text("409")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    submit.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))  # the viewport: the whole document is very long
    assert outside == []
