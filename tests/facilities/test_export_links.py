"""The export and paging links of the list pages lead where they say (the link as rendered, not a typed URL)."""
import re
from datetime import date

import pytest
from django.urls import reverse

from residents.models import Relation
from staffing.relatives import services as relatives
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def link(page: str, text: str) -> str:
    found = re.search(r'<a[^>]*href="([^"]+)"[^>]*>' + re.escape(text) + "</a>", page)
    assert found, f"no link {text!r}"
    return found.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("url_name", ["facility_list", "complaint_list"])
def test_the_csv_link_of_a_filtered_list_downloads_the_csv(cast, facilities, login, url_name):
    client = login(cast["inspector"])
    page = client.get(reverse(url_name), {"q": "院"} if url_name == "facility_list" else {}).content.decode()
    href = link(page, "导出 CSV")
    assert href.startswith("?") and not href.startswith("??") and "export=csv" in href
    response = client.get(reverse(url_name) + href)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_the_relatives_register_pages_on(cast, facilities, login, regions):
    inspector = cast["inspector"]
    for serial in range(30):
        relatives.relative_declare(by=inspector, relation=Relation.SIBLING, relative_name=f"亲属{serial}",
                                   relative_id_number=make_id_number(born=date(1960, 1, 1), serial=serial),
                                   declared_on=date(2026, 1, 5))
    client = login(inspector)
    page = client.get(reverse("relative_register")).content.decode()
    href = link(page, "下一页")
    assert href.startswith("?") and not href.startswith("??") and "page=2" in href
    assert client.get(reverse("relative_register") + href).status_code == 200
