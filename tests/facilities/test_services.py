"""Writes to the registry: rights, validation, history."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from facilities import services
from facilities.models import Facility

pytestmark = pytest.mark.django_db


def _create(by, region, **overrides):
    values = {"name": "新建敬老院", "kind": "care_home", "region": region, "address": "某镇1号", "bed_capacity": 30, "operator": "public"}
    values.update(overrides)
    return services.facility_create(by=by, **values)


def test_inspector_registers_in_own_region_with_history(cast, regions):
    facility = _create(cast["inspector"], regions["621002100"], opened_on=date(2020, 1, 2))
    record = facility.history.get()
    assert record.history_user == cast["inspector"] and record.history_change_reason == "登记机构"


@pytest.mark.parametrize("who", ["inspector_other", "clerk", "manager_a"])
def test_others_cannot_register_in_this_region(cast, regions, who):
    with pytest.raises(PermissionDenied):
        _create(cast[who], regions["621002100"])
    assert not Facility.objects.filter(name="新建敬老院").exists()


def test_facilities_are_registered_at_county_or_township_level(cast, regions):
    with pytest.raises(ValidationError) as error:
        _create(cast["admin"], regions["621000"])
    assert "region" in error.value.message_dict


def test_credit_code_is_checked(cast, regions):
    with pytest.raises(ValidationError) as error:
        _create(cast["inspector"], regions["621002100"], credit_code="91350100M000100Y44")
    assert "credit_code" in error.value.message_dict
    assert _create(cast["inspector"], regions["621002100"], credit_code="91350100M000100Y43").pk


def test_name_is_unique_within_a_region(cast, facilities, regions):
    with pytest.raises(ValidationError):
        _create(cast["inspector"], regions["621002100"], name=facilities["a"].name)


def test_update_records_only_changed_fields(cast, facilities):
    facility = services.facility_update(by=cast["inspector"], facility=facilities["a"], bed_capacity=121)
    latest = facility.history.first()
    assert [c.field for c in latest.diff_against(latest.prev_record).changes if c.field != "updated_at"] == ["bed_capacity"]
    assert latest.history_user == cast["inspector"]


def test_update_with_no_change_writes_no_history(cast, facilities):
    before = facilities["a"].history.count()
    services.facility_update(by=cast["inspector"], facility=facilities["a"], bed_capacity=120)
    assert facilities["a"].history.count() == before


def test_inspector_cannot_move_a_facility_out_of_their_region(cast, facilities, regions):
    with pytest.raises(PermissionDenied):
        services.facility_update(by=cast["inspector"], facility=facilities["a"], region=regions["621021"])


def test_manager_updates_contact_of_own_facility_only(cast, facilities):
    services.facility_update_contact(by=cast["manager_a"], facility=facilities["a"], contact_person="甲", contact_phone="1")
    with pytest.raises(PermissionDenied):
        services.facility_update_contact(by=cast["manager_a"], facility=facilities["b"], contact_person="乙", contact_phone="2")
    with pytest.raises(PermissionDenied):
        services.facility_update(by=cast["manager_a"], facility=facilities["a"], bed_capacity=1)


def test_disabled_inspector_can_do_nothing(cast, regions):
    cast["inspector"].is_active = False
    with pytest.raises(PermissionDenied):
        _create(cast["inspector"], regions["621002100"])
