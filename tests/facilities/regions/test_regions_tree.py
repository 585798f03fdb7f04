"""The shipped region tree: every county of 2025 and every township, loaded in bulk and idempotently."""
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from facilities.models import Region

pytestmark = pytest.mark.django_db


def _in_force_levels():
    return Counter(Region.objects.filter(valid_to__isnull=True).values_list("level", flat=True))


def test_the_whole_tree_loads_with_every_township_and_the_abolished_units_as_history():
    out = StringIO()
    call_command("load_regions", townships_within="", stdout=out)
    assert "45003" in out.getvalue()
    assert _in_force_levels() == {"province": 34, "city": 345, "county": 3172, "township": 41305}
    assert Region.objects.filter(code__startswith="62", level="township", valid_to__isnull=True).count() == 1403
    assert Region.objects.get(code="621002001").full_name == "甘肃省庆阳市西峰区北街街道"
    assert Region.objects.get(code="621002002").name == "南街街道"
    huating = Region.objects.get(code="620824")
    assert huating.valid_to is not None and list(huating.successors.values_list("code", flat=True)) == ["620881"]
    assert Region.objects.get(code="620881").full_name == "甘肃省平凉市华亭市"
    assert Region.objects.get(code="330114").name == "钱塘区"
    assert Region.objects.get(code="110101").full_name == "北京市东城区"
    assert Region.objects.get(code="441900003").parent_id == "441900"
    assert Region.objects.get(code="620201100").parent.parent_id == "620200"
    # a township without published coordinates takes its county's, marked approximate
    township = Region.objects.get(code="621002100")
    assert township.longitude == township.parent.longitude and township.location_approximate
    assert not Region.objects.filter(code__startswith="99").exists()

    again = StringIO()
    call_command("load_regions", townships_within="", stdout=again)
    assert "已是最新" in again.getvalue()
    assert Region.objects.count() == 45003 and Region.objects.filter(valid_to__isnull=False).count() == 147
