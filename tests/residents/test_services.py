"""Specs for residents.services: every write about people, every refusal and its message.

The clock stands still on Monday 2026-11-16 (Asia/Shanghai) so "today" and "in the future" are fixed.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from facilities.models import FacilityKind, FacilityStatus, RegionPolicy
from residents import services
from residents.models import (
    CareAgreement,
    Person,
    SelfCareAssessment,
    Stay,
    StayEndReason,
    SupportForm,
    SupportKind,
    SupportStatus,
    Visit,
)
from residents.rules import NO_LABOUR_CAPACITY_RULE, id_check_character
from tests.factories import (
    FacilityFactory,
    PersonFactory,
    StayFactory,
    SupportStatusFactory,
    make_id_number,
    with_wrong_check,
)

TODAY = date(2026, 11, 16)
TOMORROW = TODAY + timedelta(days=1)
FUTURE = ["日期不能晚于今天"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.combine(TODAY, time(9, 30), tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def refusal(exc_info, field):
    """The messages a ValidationError gives for one field."""
    return exc_info.value.message_dict[field]


def unable(count: int) -> dict[str, bool]:
    """The six indicators with the first `count` marked as not achievable."""
    return {name: index < count for index, name in enumerate(SelfCareAssessment.INDICATOR_FIELDS)}


def years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


@pytest.fixture
def elder(regions):
    """A 76-year-old registered in Xifeng county, not yet in a facility."""
    return PersonFactory(name="李桂英", born=date(1950, 5, 17), male=False, hukou_region=regions["621002"])


@pytest.fixture
def resident(elder, facility_a):
    """The elder, living in facility A since February 2025."""
    StayFactory(person=elder, facility=facility_a, admitted_on=date(2025, 2, 3))
    return elder


@pytest.fixture
def dispersed(regions, township):
    """A 70-year-old under dispersed support at home in 肖金镇."""
    person = PersonFactory(name="赵德福", born=date(1956, 4, 1), hukou_region=regions["621002"], residence_region=township)
    SupportStatusFactory(person=person, support_form=SupportForm.DISPERSED, confirmed_on=date(2025, 3, 3))
    return person


# --- person_register ---------------------------------------------------------------------


@pytest.fixture
def register(cast, regions):
    def _register(by=None, **changes):
        fields = {
            "name": "王秀兰", "id_number": make_id_number(born=date(1948, 3, 5), male=False),
            "hukou_region": regions["621002"], "hukou_type": "rural",
        }
        return services.person_register(by=by or cast["inspector"], **{**fields, **changes})

    return _register


def id_number_ending_in_x() -> str:
    return next(
        number for serial in range(500)
        if (number := make_id_number(born=date(1950, 1, 1), serial=serial)).endswith("X")
    )


def test_register_takes_birth_date_and_sex_from_the_id_number(register):
    woman = register(id_number=make_id_number(born=date(1948, 3, 5), male=False))
    man = register(name="张建国", id_number=make_id_number(born=date(1939, 12, 31), male=True))

    assert (woman.birth_date, woman.sex) == (date(1948, 3, 5), "F")
    assert (man.birth_date, man.sex) == (date(1939, 12, 31), "M")
    woman.refresh_from_db()
    assert (woman.birth_date, woman.sex) == (date(1948, 3, 5), "F")


def test_register_stores_a_lowercase_x_as_uppercase(register):
    number = id_number_ending_in_x()

    person = register(id_number=number.lower())

    assert person.id_number == number


def test_register_refuses_a_wrong_check_character(register):
    with pytest.raises(ValidationError) as exc:
        register(id_number=with_wrong_check(make_id_number(born=date(1948, 3, 5))))

    assert refusal(exc, "id_number") == ["身份证号码校验位错误，请核对每一位"]  # the reader's half (common.bilingual)
    assert not Person.objects.exists()


@pytest.mark.parametrize("birth", ["19480230", "19481301", "19470229", "19480000"])
def test_register_refuses_an_impossible_birth_date(register, birth):
    body = f"621002{birth}001"

    with pytest.raises(ValidationError) as exc:
        register(id_number=body + id_check_character(body))

    assert refusal(exc, "id_number") == ["身份证号码中的出生日期不存在"]


@pytest.mark.parametrize("length", [15, 17, 19])
def test_register_refuses_a_number_of_the_wrong_length(register, length):
    number = (make_id_number(born=date(1948, 3, 5)) + "1")[:length]

    with pytest.raises(ValidationError) as exc:
        register(id_number=number)

    assert refusal(exc, "id_number") == [f"身份证号码应为18位，实际为{length}位"]


def test_register_refuses_a_birth_date_after_today(register):
    with pytest.raises(ValidationError) as exc:
        register(id_number=make_id_number(born=TOMORROW))

    assert refusal(exc, "id_number") == ["身份证号码中的出生日期晚于今天"]


def test_register_accepts_a_baby_born_today(register):
    assert register(id_number=make_id_number(born=TODAY)).birth_date == TODAY


def test_register_refuses_an_id_number_already_registered(register):
    number = id_number_ending_in_x()
    register(id_number=number)

    with pytest.raises(ValidationError) as exc:
        register(name="另一人", id_number=number.lower())

    assert refusal(exc, "id_number") == ["该身份证号码已登记，请勿重复登记"]
    assert Person.objects.count() == 1


def test_register_refuses_a_disability_grade_without_a_category(register):
    with pytest.raises(ValidationError) as exc:
        register(disability_grade=2)

    assert refusal(exc, "disability_category") == ["填写残疾等级时须选择残疾类别"]


def test_register_refuses_a_disability_grade_outside_one_to_four(register):
    with pytest.raises(ValidationError) as exc:
        register(disability_category="physical", disability_grade=5)

    assert "disability_grade" in exc.value.message_dict


def test_clerk_cannot_register_people(register, cast):
    with pytest.raises(PermissionDenied, match="您无权登记人员"):
        register(by=cast["clerk"])

    assert not Person.objects.exists()


def test_register_records_the_acting_user_in_history(register, cast):
    person = register(by=cast["manager_a"])

    record = person.history.get()
    assert record.history_user == cast["manager_a"]
    assert record.history_change_reason == "登记人员"


# --- support_status_confirm ---------------------------------------------------------------

CONFIRMED_ON = date(2026, 11, 2)


def confirm(by, person, kind=SupportKind.HARDSHIP, support_form=SupportForm.CENTRALISED, confirmed_on=CONFIRMED_ON):
    return services.support_status_confirm(
        by=by, person=person, kind=kind, confirmed_on=confirmed_on, support_form=support_form,
    )


@pytest.mark.parametrize(
    ("born", "age"),
    [
        (years_before(CONFIRMED_ON, 60), 60),
        (years_before(CONFIRMED_ON, 85), 85),
        (years_before(CONFIRMED_ON, 16) + timedelta(days=1), 15),
        (CONFIRMED_ON - timedelta(days=30), 0),
    ],
    ids=["exactly-60", "85", "15-the-day-before-16", "a-baby"],
)
def test_hardship_is_confirmed_for_the_old_and_the_young(cast, regions, born, age):
    person = PersonFactory(born=born, hukou_region=regions["621002"])

    status = confirm(cast["inspector"], person)

    assert status.kind == SupportKind.HARDSHIP
    assert status.support_form == SupportForm.CENTRALISED
    assert status.terminated_on is None


@pytest.mark.parametrize(
    ("category", "grade"),
    [("intellectual", 1), ("intellectual", 2), ("intellectual", 3), ("mental", 1), ("mental", 2), ("mental", 3),
     ("physical", 1), ("physical", 2), ("vision", 1)],
)
def test_hardship_is_confirmed_for_a_forty_year_old_with_a_qualifying_disability(cast, regions, category, grade):
    person = PersonFactory(
        born=years_before(CONFIRMED_ON, 40), hukou_region=regions["621002"],
        disability_category=category, disability_grade=grade,
    )

    assert confirm(cast["inspector"], person).pk


def test_hardship_is_refused_for_a_forty_year_old_without_a_disability_naming_the_rule(cast, regions):
    person = PersonFactory(born=years_before(CONFIRMED_ON, 40), hukou_region=regions["621002"])

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], person)

    assert refusal(exc, "kind") == [f"不符合特困人员无劳动能力条件（{NO_LABOUR_CAPACITY_RULE}）。该人员 40 周岁，残疾情况：无。"]
    assert "《特困人员认定办法》" in refusal(exc, "kind")[0]
    assert not SupportStatus.objects.exists()


@pytest.mark.parametrize(
    ("category", "grade", "described"),
    [("intellectual", 4, "智力残疾4级"), ("mental", 4, "精神残疾4级"), ("physical", 3, "肢体残疾3级"),
     ("physical", 4, "肢体残疾4级"), ("vision", 2, "视力残疾2级"), ("hearing", 1, "听力残疾1级"),
     ("speech", 1, "言语残疾1级"), ("multiple", 1, "多重残疾1级")],
)
def test_hardship_is_refused_for_a_non_qualifying_disability(cast, regions, category, grade, described):
    person = PersonFactory(
        born=years_before(CONFIRMED_ON, 40), hukou_region=regions["621002"],
        disability_category=category, disability_grade=grade,
    )

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], person)

    assert refusal(exc, "kind") == [f"不符合特困人员无劳动能力条件（{NO_LABOUR_CAPACITY_RULE}）。该人员 40 周岁，残疾情况：{described}。"]


def test_a_disability_without_a_grade_is_described_without_one(cast, regions):
    person = PersonFactory(born=years_before(CONFIRMED_ON, 40), hukou_region=regions["621002"], disability_category="physical")

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], person)

    assert refusal(exc, "kind")[0].endswith("该人员 40 周岁，残疾情况：肢体残疾。")


def test_hardship_is_refused_on_the_sixteenth_birthday(cast, regions):
    person = PersonFactory(born=years_before(CONFIRMED_ON, 16), hukou_region=regions["621002"])

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], person)

    assert "该人员 16 周岁" in refusal(exc, "kind")[0]


def test_hardship_is_refused_the_day_before_the_sixtieth_birthday(cast, regions):
    person = PersonFactory(born=years_before(CONFIRMED_ON, 60) + timedelta(days=1), hukou_region=regions["621002"])

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], person)

    assert "该人员 59 周岁" in refusal(exc, "kind")[0]


@pytest.mark.parametrize("support_form", ["", "at_home"])
def test_hardship_needs_a_support_form(cast, elder, support_form):
    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], elder, support_form=support_form)

    assert refusal(exc, "support_form") == ["特困人员须选择供养方式（集中或分散）"]


def test_dispersed_support_is_confirmed_for_a_person_living_in_a_township(cast, elder, township):
    elder.residence_region = township
    elder.save()

    status = confirm(cast["inspector"], elder, support_form=SupportForm.DISPERSED)

    assert status.support_form == SupportForm.DISPERSED


@pytest.mark.parametrize("residence", [None, "621002"], ids=["no-residence", "county-not-township"])
def test_dispersed_support_needs_a_township_residence(cast, regions, elder, residence):
    elder.residence_region = regions[residence] if residence else None
    elder.save()

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], elder, support_form=SupportForm.DISPERSED)

    assert refusal(exc, "support_form") == ["分散供养人员须先填写现居住乡镇（街道）"]


def test_dispersed_support_is_refused_for_a_person_living_in_a_facility(cast, resident, township):
    resident.residence_region = township
    resident.save()

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], resident, support_form=SupportForm.DISPERSED)

    assert refusal(exc, "support_form") == ["该人员正在机构入住，不能同时分散供养"]


@pytest.mark.parametrize("kind", [SupportKind.ORPHAN, SupportKind.UNSUPPORTED_CHILD])
def test_child_support_is_confirmed_the_day_before_the_eighteenth_birthday(cast, regions, kind):
    child = PersonFactory(born=years_before(CONFIRMED_ON, 18) + timedelta(days=1), hukou_region=regions["621002"])

    assert confirm(cast["inspector"], child, kind=kind, support_form="").kind == kind


@pytest.mark.parametrize("kind", [SupportKind.ORPHAN, SupportKind.UNSUPPORTED_CHILD])
def test_child_support_is_refused_from_the_eighteenth_birthday(cast, regions, kind):
    adult = PersonFactory(born=years_before(CONFIRMED_ON, 18), hukou_region=regions["621002"])

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], adult, kind=kind, support_form="")

    assert refusal(exc, "kind") == ["孤儿和事实无人抚养儿童须未满18周岁"]


def test_minimum_living_allowance_carries_no_support_form(cast, elder):
    status = confirm(cast["inspector"], elder, kind=SupportKind.DIBAO, support_form=SupportForm.CENTRALISED)

    assert status.support_form == ""


def test_only_one_open_status_per_kind(cast, elder):
    confirm(cast["inspector"], elder)

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], elder, confirmed_on=CONFIRMED_ON + timedelta(days=1))

    assert refusal(exc, "kind") == ["该人员已有未终止的同类认定，请先终止原认定"]
    assert confirm(cast["inspector"], elder, kind=SupportKind.DIBAO).kind == SupportKind.DIBAO


def test_a_terminated_status_can_be_confirmed_again(cast, elder):
    first = confirm(cast["inspector"], elder, confirmed_on=date(2026, 1, 5))
    services.support_status_terminate(by=cast["inspector"], status=first, terminated_on=date(2026, 6, 1), reason="收入超标")

    again = confirm(cast["inspector"], elder)

    assert again.pk != first.pk


def test_confirmation_date_may_not_be_in_the_future(cast, elder):
    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], elder, confirmed_on=TOMORROW)

    assert refusal(exc, "confirmed_on") == FUTURE


def test_confirmation_date_may_not_be_before_birth(cast, regions):
    baby = PersonFactory(born=date(2026, 10, 1), hukou_region=regions["621002"])

    with pytest.raises(ValidationError) as exc:
        confirm(cast["inspector"], baby, confirmed_on=date(2026, 9, 30))

    assert refusal(exc, "confirmed_on") == ["认定日期不能早于出生日期"]


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "clerk", "inspector_other", "admin"])
def test_only_inspectors_of_the_region_may_confirm(cast, elder, who):
    with pytest.raises(PermissionDenied, match="认定须由该人员所在区划的民政督查办理"):
        confirm(cast[who], elder)

    assert not SupportStatus.objects.exists()


@pytest.mark.parametrize("who", ["inspector", "inspector_city"])
def test_inspectors_of_the_county_or_city_may_confirm(cast, elder, who):
    assert confirm(cast[who], elder).pk


def test_the_region_that_counts_is_where_the_person_lives(cast, regions, township):
    """Registered in Yunnan, living in 肖金镇: Xifeng's inspector decides, Yunnan's does not."""
    person = PersonFactory(hukou_region=regions["530102"], residence_region=township)

    with pytest.raises(PermissionDenied):
        confirm(cast["inspector_other"], person)
    assert confirm(cast["inspector"], person).pk


def test_confirmation_records_the_inspector_in_history(cast, elder):
    status = confirm(cast["inspector"], elder)

    record = status.history.get()
    assert record.history_user == cast["inspector"]
    assert record.history_change_reason == "认定"


# --- support_status_terminate --------------------------------------------------------------


@pytest.fixture
def status(elder):
    return SupportStatusFactory(person=elder, confirmed_on=date(2025, 1, 6))


def test_termination_records_date_reason_and_inspector(cast, status):
    services.support_status_terminate(by=cast["inspector"], status=status, terminated_on=date(2026, 11, 1), reason=" 迁出本县 ")

    status.refresh_from_db()
    assert (status.terminated_on, status.termination_reason) == (date(2026, 11, 1), "迁出本县")
    assert status.history.latest().history_user == cast["inspector"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_termination_needs_a_reason(cast, status, reason):
    with pytest.raises(ValidationError) as exc:
        services.support_status_terminate(by=cast["inspector"], status=status, terminated_on=date(2026, 11, 1), reason=reason)

    assert refusal(exc, "termination_reason") == ["请填写终止原因"]


def test_termination_may_not_precede_confirmation(cast, status):
    with pytest.raises(ValidationError) as exc:
        services.support_status_terminate(by=cast["inspector"], status=status, terminated_on=date(2025, 1, 5), reason="x")

    assert refusal(exc, "terminated_on") == ["终止日期不能早于认定日期"]


def test_termination_may_not_be_in_the_future(cast, status):
    with pytest.raises(ValidationError) as exc:
        services.support_status_terminate(by=cast["inspector"], status=status, terminated_on=TOMORROW, reason="x")

    assert refusal(exc, "terminated_on") == FUTURE


def test_a_terminated_status_cannot_be_terminated_again(cast, status):
    services.support_status_terminate(by=cast["inspector"], status=status, terminated_on=date(2026, 1, 1), reason="x")

    with pytest.raises(ValidationError) as exc:
        services.support_status_terminate(by=cast["inspector"], status=status, terminated_on=date(2026, 2, 1), reason="y")

    assert refusal(exc, "terminated_on") == ["该认定已终止"]
    status.refresh_from_db()
    assert status.terminated_on == date(2026, 1, 1)


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other"])
def test_only_inspectors_of_the_region_may_terminate(cast, status, who):
    with pytest.raises(PermissionDenied, match="终止须由该人员所在区划的民政督查办理"):
        services.support_status_terminate(by=cast[who], status=status, terminated_on=date(2026, 1, 1), reason="x")


# --- stay_admit ---------------------------------------------------------------------------


def admit(by, person, facility, admitted_on=date(2026, 11, 10)):
    return services.stay_admit(by=by, facility=facility, person=person, admitted_on=admitted_on)


def test_manager_admits_a_person_to_their_facility(cast, elder, facility_a):
    stay = admit(cast["manager_a"], elder, facility_a)

    assert (stay.person, stay.facility, stay.admitted_on, stay.ended_on) == (elder, facility_a, date(2026, 11, 10), None)
    record = stay.history.get()
    assert record.history_user == cast["manager_a"]
    assert record.history_change_reason == "入住"


@pytest.mark.parametrize("who", ["manager_b", "inspector", "clerk", "inspector_other", "admin"])
def test_only_the_facilitys_manager_may_admit(cast, elder, facility_a, who):
    with pytest.raises(PermissionDenied, match="您无权为该机构办理入住"):
        admit(cast[who], elder, facility_a)

    assert not Stay.objects.exists()


def test_a_person_already_in_a_facility_cannot_be_admitted_to_another(cast, resident, facility_b):
    with pytest.raises(ValidationError) as exc:
        admit(cast["manager_b"], resident, facility_b)

    assert refusal(exc, "person") == ["该人员已在机构入住，请先办理离开或转院"]


def test_the_database_allows_one_active_stay_per_person(elder, facility_a, facility_b):
    Stay.objects.create(person=elder, facility=facility_a, admitted_on=date(2026, 1, 1))

    with pytest.raises(IntegrityError, match="stay_one_active_per_person|UNIQUE"), transaction.atomic():
        Stay.objects.create(person=elder, facility=facility_b, admitted_on=date(2026, 2, 1))


def test_the_database_allows_ended_stays_beside_an_active_one(elder, facility_a, facility_b):
    Stay.objects.create(person=elder, facility=facility_a, admitted_on=date(2026, 1, 1), ended_on=date(2026, 2, 1), end_reason="moved_home")

    assert Stay.objects.create(person=elder, facility=facility_b, admitted_on=date(2026, 2, 1)).pk


def test_admission_to_a_full_facility_is_refused_naming_beds_and_occupancy(cast, elder, regions):
    small = FacilityFactory(name="肖金小型敬老院", region=regions["621002100"], bed_capacity=2)
    cast["manager_a"].facility_assignments.create(facility=small)
    StayFactory.create_batch(2, facility=small)

    with pytest.raises(ValidationError) as exc:
        admit(cast["manager_a"], elder, small)

    assert refusal(exc, "facility") == ["肖金小型敬老院 床位已满（2 张床位，已入住 2 人），不能再入住"]


def test_the_last_free_bed_can_be_taken_and_ended_stays_free_beds(cast, elder, regions):
    small = FacilityFactory(name="肖金小型敬老院", region=regions["621002100"], bed_capacity=2)
    cast["manager_a"].facility_assignments.create(facility=small)
    StayFactory(facility=small)
    StayFactory(facility=small, ended_on=date(2026, 1, 1), end_reason="moved_home")

    assert admit(cast["manager_a"], elder, small).pk


def test_a_minor_is_admitted_only_to_a_child_welfare_institution(cast, regions, facility_a):
    child = PersonFactory(born=date(2012, 6, 1), hukou_region=regions["621002"])
    home = FacilityFactory(name="庆阳市儿童福利院", kind=FacilityKind.CHILD_WELFARE, region=regions["621002"])
    cast["manager_b"].facility_assignments.create(facility=home)

    with pytest.raises(ValidationError) as exc:
        admit(cast["manager_a"], child, facility_a)

    assert refusal(exc, "facility") == ["未成年人须安置在儿童福利机构"]
    assert admit(cast["manager_b"], child, home).facility == home


def test_a_person_admitted_on_their_eighteenth_birthday_is_an_adult(cast, regions, facility_a):
    admitted_on = date(2026, 11, 10)
    young = PersonFactory(born=years_before(admitted_on, 18), hukou_region=regions["621002"])

    assert admit(cast["manager_a"], young, facility_a, admitted_on=admitted_on).pk


def test_a_person_under_dispersed_support_cannot_be_admitted(cast, dispersed, facility_a):
    with pytest.raises(ValidationError) as exc:
        admit(cast["manager_a"], dispersed, facility_a)

    assert refusal(exc, "person") == ["该人员为分散供养，不能同时入住机构；请先将供养方式变更为集中供养"]


def test_admission_date_may_not_be_in_the_future(cast, elder, facility_a):
    with pytest.raises(ValidationError) as exc:
        admit(cast["manager_a"], elder, facility_a, admitted_on=TOMORROW)

    assert refusal(exc, "admitted_on") == FUTURE


def test_admission_date_may_be_today(cast, elder, facility_a):
    assert admit(cast["manager_a"], elder, facility_a, admitted_on=TODAY).admitted_on == TODAY


def test_admission_date_may_not_be_before_birth(cast, elder, facility_a):
    with pytest.raises(ValidationError) as exc:
        admit(cast["manager_a"], elder, facility_a, admitted_on=date(1950, 5, 16))

    assert refusal(exc, "admitted_on") == ["入住日期不能早于出生日期"]


@pytest.mark.parametrize("status", [FacilityStatus.SUSPENDED, FacilityStatus.CLOSED])
def test_a_facility_not_operating_admits_nobody(cast, elder, facility_a, status):
    facility_a.status = status
    facility_a.save()

    with pytest.raises(ValidationError) as exc:
        admit(cast["manager_a"], elder, facility_a)

    assert refusal(exc, "facility") == ["该机构不在运营中，不能入住"]


def test_admission_may_not_precede_the_end_of_the_previous_stay(cast, elder, facility_a):
    StayFactory(person=elder, facility=facility_a, admitted_on=date(2025, 1, 1), ended_on=date(2026, 6, 30), end_reason="moved_home")

    with pytest.raises(ValidationError) as exc:
        admit(cast["manager_a"], elder, facility_a, admitted_on=date(2026, 6, 29))

    assert refusal(exc, "admitted_on") == ["入住日期早于该人员上一次离开的日期"]
    assert admit(cast["manager_a"], elder, facility_a, admitted_on=date(2026, 6, 30)).pk


def test_a_person_who_died_cannot_be_admitted(cast, elder, facility_a, facility_b):
    StayFactory(person=elder, facility=facility_a, admitted_on=date(2025, 1, 1), ended_on=date(2026, 6, 30), end_reason="died")

    with pytest.raises(ValidationError) as exc:
        admit(cast["manager_b"], elder, facility_b)

    assert refusal(exc, "person") == ["该人员已登记死亡，不能入住"]


# --- stay_transfer -------------------------------------------------------------------------


@pytest.fixture
def stay(resident):
    return resident.stays.get()


def test_transfer_ends_the_stay_as_transferred_and_opens_one_at_the_target(cast, stay, facility_b):
    new = services.stay_transfer(by=cast["manager_a"], stay=stay, to_facility=facility_b, transferred_on=date(2026, 11, 2))

    stay.refresh_from_db()
    assert (stay.ended_on, stay.end_reason) == (date(2026, 11, 2), StayEndReason.TRANSFERRED)
    assert stay.note == "转至西峰区董志特困供养服务中心"
    assert (new.person, new.facility, new.admitted_on, new.ended_on) == (stay.person, facility_b, date(2026, 11, 2), None)
    assert new.note == "由西峰区中心敬老院转入"
    assert stay.history.latest().history_user == cast["manager_a"]
    assert new.history.get().history_user == cast["manager_a"]


def test_transfer_checks_capacity_at_the_target_and_changes_nothing_when_full(cast, stay, facility_b):
    facility_b.bed_capacity = 1
    facility_b.save()
    StayFactory(facility=facility_b)

    with pytest.raises(ValidationError) as exc:
        services.stay_transfer(by=cast["manager_a"], stay=stay, to_facility=facility_b, transferred_on=date(2026, 11, 2))

    assert refusal(exc, "facility") == ["西峰区董志特困供养服务中心 床位已满（1 张床位，已入住 1 人），不能再入住"]
    stay.refresh_from_db()
    assert stay.ended_on is None


def test_transfer_to_a_facility_not_operating_is_refused(cast, stay, facility_b):
    facility_b.status = FacilityStatus.SUSPENDED
    facility_b.save()

    with pytest.raises(ValidationError) as exc:
        services.stay_transfer(by=cast["manager_a"], stay=stay, to_facility=facility_b, transferred_on=date(2026, 11, 2))

    assert refusal(exc, "facility") == ["该机构不在运营中，不能入住"]


def test_transfer_to_the_same_facility_is_refused(cast, stay, facility_a):
    with pytest.raises(ValidationError) as exc:
        services.stay_transfer(by=cast["manager_a"], stay=stay, to_facility=facility_a, transferred_on=date(2026, 11, 2))

    assert refusal(exc, "to_facility") == ["转入机构与当前机构相同"]


def test_an_ended_stay_cannot_be_transferred(cast, stay, facility_b):
    services.stay_discharge(by=cast["manager_a"], stay=stay, ended_on=date(2026, 11, 1), reason="moved_home")

    with pytest.raises(ValidationError) as exc:
        services.stay_transfer(by=cast["manager_a"], stay=stay, to_facility=facility_b, transferred_on=date(2026, 11, 2))

    assert refusal(exc, "transferred_on") == ["该入住记录已结束"]


@pytest.mark.parametrize(
    ("transferred_on", "message"),
    [(date(2025, 2, 2), "转院日期不能早于入住日期"), (TOMORROW, "日期不能晚于今天")],
)
def test_transfer_date_lies_between_admission_and_today(cast, stay, facility_b, transferred_on, message):
    with pytest.raises(ValidationError) as exc:
        services.stay_transfer(by=cast["manager_a"], stay=stay, to_facility=facility_b, transferred_on=transferred_on)

    assert refusal(exc, "transferred_on") == [message]


@pytest.mark.parametrize("who", ["manager_b", "inspector"])
def test_only_the_current_facilitys_manager_may_transfer(cast, stay, facility_b, who):
    with pytest.raises(PermissionDenied, match="您无权为该机构办理转院"):
        services.stay_transfer(by=cast[who], stay=stay, to_facility=facility_b, transferred_on=date(2026, 11, 2))


# --- stay_discharge ------------------------------------------------------------------------


def test_discharge_ends_the_stay_with_its_reason(cast, stay):
    services.stay_discharge(by=cast["manager_a"], stay=stay, ended_on=date(2026, 11, 1), reason="moved_home", note="回家由侄子照料")

    stay.refresh_from_db()
    assert (stay.ended_on, stay.end_reason, stay.note) == (date(2026, 11, 1), "moved_home", "回家由侄子照料")
    record = stay.history.latest()
    assert (record.history_user, record.history_change_reason) == (cast["manager_a"], "离开")


@pytest.mark.parametrize("reason", ["", "eloped"])
def test_discharge_needs_a_known_reason(cast, stay, reason):
    with pytest.raises(ValidationError) as exc:
        services.stay_discharge(by=cast["manager_a"], stay=stay, ended_on=date(2026, 11, 1), reason=reason)

    assert refusal(exc, "end_reason") == ["请选择离开原因"]
    stay.refresh_from_db()
    assert stay.ended_on is None


@pytest.mark.parametrize(
    ("ended_on", "message"),
    [(date(2025, 2, 2), "离开日期不能早于入住日期"), (TOMORROW, "日期不能晚于今天")],
)
def test_discharge_date_lies_between_admission_and_today(cast, stay, ended_on, message):
    with pytest.raises(ValidationError) as exc:
        services.stay_discharge(by=cast["manager_a"], stay=stay, ended_on=ended_on, reason="moved_home")

    assert refusal(exc, "ended_on") == [message]


def test_an_ended_stay_cannot_be_discharged_again(cast, stay):
    services.stay_discharge(by=cast["manager_a"], stay=stay, ended_on=date(2026, 11, 1), reason="moved_home")

    with pytest.raises(ValidationError) as exc:
        services.stay_discharge(by=cast["manager_a"], stay=stay, ended_on=date(2026, 11, 2), reason="died")

    assert refusal(exc, "ended_on") == ["该入住记录已结束"]


@pytest.mark.parametrize("who", ["manager_b", "inspector"])
def test_only_the_facilitys_manager_may_discharge(cast, stay, who):
    with pytest.raises(PermissionDenied, match="您无权为该机构办理离开"):
        services.stay_discharge(by=cast[who], stay=stay, ended_on=date(2026, 11, 1), reason="moved_home")


def test_death_terminates_every_open_support_status(cast, stay):
    person = stay.person
    hardship = SupportStatusFactory(person=person, confirmed_on=date(2025, 1, 6))
    dibao = SupportStatusFactory(person=person, kind=SupportKind.DIBAO, support_form="", confirmed_on=date(2024, 5, 1))
    old = SupportStatusFactory(
        person=person, kind=SupportKind.ORPHAN, support_form="", confirmed_on=date(1960, 1, 1),
        terminated_on=date(1968, 5, 17), termination_reason="年满18周岁",
    )

    services.stay_discharge(by=cast["manager_a"], stay=stay, ended_on=date(2026, 11, 3), reason=StayEndReason.DIED)

    for status in (hardship, dibao):
        status.refresh_from_db()
        assert (status.terminated_on, status.termination_reason) == (date(2026, 11, 3), "死亡")
        record = status.history.latest()
        assert (record.history_user, record.history_change_reason) == (cast["manager_a"], "死亡终止")
    old.refresh_from_db()
    assert old.terminated_on == date(1968, 5, 17)


def test_moving_home_leaves_support_statuses_open(cast, stay):
    hardship = SupportStatusFactory(person=stay.person)

    services.stay_discharge(by=cast["manager_a"], stay=stay, ended_on=date(2026, 11, 3), reason="moved_home")

    hardship.refresh_from_db()
    assert hardship.terminated_on is None


# --- assessment_record ---------------------------------------------------------------------


def assess(by, person, count=0, assessed_on=date(2026, 3, 31), **extra):
    return services.assessment_record(
        by=by, person=person, assessed_on=assessed_on, unable=unable(count), assessors=" 张医生、李护士 ",
        reason="initial", **extra,
    )


@pytest.mark.parametrize(
    ("count", "category"),
    [(0, "self_care"), (1, "partial"), (2, "partial"), (3, "partial"), (4, "full"), (5, "full"), (6, "full")],
)
def test_category_follows_from_the_six_indicators(cast, resident, count, category):
    assessment = assess(cast["manager_a"], resident, count)

    assert (assessment.computed_category, assessment.category, assessment.override_category) == (category, category, "")
    assert assessment.unable_count == count
    assert assessment.assessors == "张医生、李护士"
    assert assessment.recorded_by == cast["manager_a"]


def test_the_indicators_that_count_are_the_ones_marked(cast, resident):
    marks = {name: name in ("bathing_unable", "walking_unable") for name in SelfCareAssessment.INDICATOR_FIELDS}

    assessment = services.assessment_record(
        by=cast["manager_a"], person=resident, assessed_on=date(2026, 3, 31), unable=marks, assessors="张医生", reason="initial",
    )

    assert (assessment.bathing_unable, assessment.walking_unable, assessment.eating_unable) == (True, True, False)
    assert assessment.category == "partial"


def test_an_override_needs_a_reason(cast, resident):
    with pytest.raises(ValidationError) as exc:
        assess(cast["manager_a"], resident, 2, override_category="full", override_reason="  ")

    assert refusal(exc, "override_reason") == ["调整评估类别须填写理由"]
    assert not SelfCareAssessment.objects.exists()


def test_an_override_with_a_reason_sets_the_category(cast, resident):
    assessment = assess(cast["manager_a"], resident, 2, override_category="full", override_reason="夜间需专人看护 ")

    assert (assessment.computed_category, assessment.override_category, assessment.category) == ("partial", "full", "full")
    assert assessment.override_reason == "夜间需专人看护"


@pytest.mark.parametrize("override_reason", ["与计算一致", ""])
def test_an_override_equal_to_the_computed_category_is_dropped(cast, resident, override_reason):
    assessment = assess(cast["manager_a"], resident, 2, override_category="partial", override_reason=override_reason)

    assert (assessment.category, assessment.override_category, assessment.override_reason) == ("partial", "", "")


def test_an_unknown_override_category_is_refused(cast, resident):
    with pytest.raises(ValidationError) as exc:
        assess(cast["manager_a"], resident, 2, override_category="bedridden", override_reason="x")

    assert "override_category" in exc.value.message_dict


def test_missing_indicators_are_refused(cast, resident):
    marks = unable(0)
    del marks["bathing_unable"]

    with pytest.raises(ValidationError, match="bathing_unable"):
        services.assessment_record(
            by=cast["manager_a"], person=resident, assessed_on=date(2026, 3, 31), unable=marks, assessors="张医生", reason="initial",
        )


def test_assessors_are_required(cast, resident):
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(
            by=cast["manager_a"], person=resident, assessed_on=date(2026, 3, 31), unable=unable(0), assessors="  ", reason="initial",
        )

    assert "assessors" in exc.value.message_dict


@pytest.mark.parametrize(
    ("assessed_on", "message"),
    [(TOMORROW, "日期不能晚于今天"), (date(1950, 5, 16), "评估日期不能早于出生日期")],
)
def test_assessment_date_lies_between_birth_and_today(cast, resident, assessed_on, message):
    with pytest.raises(ValidationError) as exc:
        assess(cast["manager_a"], resident, assessed_on=assessed_on)

    assert refusal(exc, "assessed_on") == [message]


@pytest.mark.parametrize(
    ("assessed_on", "due_on"),
    [(date(2026, 3, 31), date(2027, 3, 31)), (date(2024, 2, 29), date(2025, 2, 28))],
)
def test_reassessment_falls_due_twelve_months_later_by_default(cast, resident, assessed_on, due_on):
    assess(cast["manager_a"], resident, assessed_on=assessed_on)

    resident.refresh_from_db()
    assert resident.assessment_due_on == due_on


def test_a_county_policy_of_six_months_shortens_the_interval(cast, regions, resident):
    RegionPolicy.objects.create(region=regions["621002"], effective_from=date(2026, 1, 1), reassessment_months=6)

    assess(cast["manager_a"], resident, assessed_on=date(2026, 3, 31))

    resident.refresh_from_db()
    assert resident.assessment_due_on == date(2026, 9, 30)


def test_a_policy_of_another_county_or_not_yet_in_force_does_not_apply(cast, regions, resident):
    RegionPolicy.objects.create(region=regions["621021"], effective_from=date(2026, 1, 1), reassessment_months=6)
    RegionPolicy.objects.create(region=regions["621002"], effective_from=date(2026, 4, 1), reassessment_months=3)

    assess(cast["manager_a"], resident, assessed_on=date(2026, 3, 31))

    resident.refresh_from_db()
    assert resident.assessment_due_on == date(2027, 3, 31)


def test_a_back_dated_assessment_does_not_bring_the_due_date_forward(cast, resident):
    assess(cast["manager_a"], resident, assessed_on=date(2026, 6, 1))
    assess(cast["manager_a"], resident, assessed_on=date(2026, 1, 10))

    resident.refresh_from_db()
    assert resident.assessment_due_on == date(2027, 6, 1)


def test_assessment_records_the_facility_and_the_manager_in_history(cast, resident, facility_a):
    assessment = assess(cast["manager_a"], resident)

    assert assessment.facility == facility_a
    assert assessment.history.get().history_user == cast["manager_a"]
    record = resident.history.latest()
    assert (record.history_user, record.history_change_reason, record.assessment_due_on) == (
        cast["manager_a"], "评估后更新复评日期", date(2027, 3, 31),
    )


@pytest.mark.parametrize("who", ["manager_b", "inspector", "clerk"])
def test_only_the_facilitys_manager_assesses_a_resident(cast, resident, who):
    with pytest.raises(PermissionDenied, match="您无权为该人员录入评估"):
        assess(cast[who], resident)


def test_an_inspector_assesses_a_person_living_at_home(cast, dispersed):
    assessment = assess(cast["inspector"], dispersed, 5)

    assert (assessment.facility, assessment.category) == (None, "full")


@pytest.mark.parametrize("who", ["manager_a", "inspector_other", "clerk"])
def test_managers_and_other_regions_cannot_assess_a_person_living_at_home(cast, dispersed, who):
    with pytest.raises(PermissionDenied, match="您无权为该人员录入评估"):
        assess(cast[who], dispersed)


# --- assessment_change_report --------------------------------------------------------------

REPORTED_ON = date(2026, 9, 30)  # the Wednesday before the National Day holiday


def chinese_working_days_after(start: date, days: int) -> date:
    """Counted independently, day by day, with chinese_calendar."""
    day = start
    while days:
        day += timedelta(days=1)
        days -= chinese_calendar.is_workday(day)
    return day


def test_the_2026_national_day_calendar_is_what_this_test_assumes():
    assert not any(chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday, a make-up working day (调休)
    assert not chinese_calendar.is_workday(date(2026, 10, 11))


def test_a_reported_change_makes_reassessment_due_in_ten_chinese_working_days(cast, resident):
    resident.assessment_due_on = date(2027, 3, 31)
    resident.save()

    due = services.assessment_change_report(by=cast["manager_a"], person=resident, reported_on=REPORTED_ON)

    # 10-08, 10-09, 10-10 (Saturday, 调休), 10-12 … 10-16, 10-19, 10-20: the holiday and weekend skipped.
    assert due == date(2026, 10, 20) == chinese_working_days_after(REPORTED_ON, 10)
    resident.refresh_from_db()
    assert resident.assessment_due_on == date(2026, 10, 20)
    record = resident.history.latest()
    assert (record.history_user, record.history_change_reason) == (cast["manager_a"], "状况变化，提前复评")


def test_a_county_policy_changes_the_number_of_working_days(cast, regions, resident):
    RegionPolicy.objects.create(region=regions["621002"], effective_from=date(2026, 1, 1), change_reassessment_working_days=3)

    due = services.assessment_change_report(by=cast["manager_a"], person=resident, reported_on=REPORTED_ON)

    assert due == date(2026, 10, 10) == chinese_working_days_after(REPORTED_ON, 3)


def test_a_reported_change_never_postpones_an_earlier_due_date(cast, resident):
    assess(cast["manager_a"], resident, assessed_on=date(2025, 10, 9))  # re-assessment due 12 months later

    due = services.assessment_change_report(by=cast["manager_a"], person=resident, reported_on=REPORTED_ON)

    assert due == date(2026, 10, 9)
    resident.refresh_from_db()
    assert resident.assessment_due_on == date(2026, 10, 9)


def test_a_change_report_sets_a_due_date_for_a_person_never_assessed(cast, resident):
    assert services.assessment_change_report(by=cast["manager_a"], person=resident, reported_on=REPORTED_ON) == date(2026, 10, 20)


def test_a_change_report_may_not_be_dated_in_the_future(cast, resident):
    with pytest.raises(ValidationError) as exc:
        services.assessment_change_report(by=cast["manager_a"], person=resident, reported_on=TOMORROW)

    assert refusal(exc, "reported_on") == FUTURE


def test_only_the_facilitys_manager_reports_a_residents_change(cast, resident):
    with pytest.raises(PermissionDenied, match="您无权为该人员录入评估"):
        services.assessment_change_report(by=cast["manager_b"], person=resident, reported_on=REPORTED_ON)


# --- visit_record and care_agreement_record ------------------------------------------------


def visit(by, person, visited_on=date(2026, 11, 12)):
    return services.visit_record(by=by, person=person, visited_on=visited_on, visitor=" 村干部刘某 ", mode="home", findings="身体尚好，屋内取暖正常")


def agree(by, person, signed_on=date(2026, 1, 1), valid_until=date(2026, 12, 31)):
    return services.care_agreement_record(
        by=by, person=person, caregiver_name=" 赵小红 ", township_party="肖金镇人民政府", signed_on=signed_on,
        valid_until=valid_until, caregiver_relation="侄女",
    )


@pytest.mark.parametrize("who", ["inspector", "inspector_city"])
def test_inspectors_of_the_region_record_visits_and_care_agreements(cast, dispersed, who):
    recorded = visit(cast[who], dispersed)
    agreement = agree(cast[who], dispersed)

    assert (recorded.visitor, recorded.recorded_by) == ("村干部刘某", cast[who])
    assert recorded.history.get().history_user == cast[who]
    assert agreement.caregiver_name == "赵小红"
    assert agreement.history.get().history_user == cast[who]


@pytest.mark.parametrize("who", ["manager_a", "clerk", "inspector_other", "admin"])
def test_others_cannot_record_visits_or_care_agreements(cast, dispersed, who):
    with pytest.raises(PermissionDenied, match="分散供养事务由该人员所在区划的民政督查办理"):
        visit(cast[who], dispersed)
    with pytest.raises(PermissionDenied, match="分散供养事务由该人员所在区划的民政督查办理"):
        agree(cast[who], dispersed)

    assert not Visit.objects.exists()
    assert not CareAgreement.objects.exists()


def test_a_visit_may_not_be_dated_in_the_future(cast, dispersed):
    with pytest.raises(ValidationError) as exc:
        visit(cast["inspector"], dispersed, visited_on=TOMORROW)

    assert refusal(exc, "visited_on") == FUTURE


def test_a_visit_needs_a_known_mode_and_findings(cast, dispersed):
    with pytest.raises(ValidationError) as exc:
        services.visit_record(by=cast["inspector"], person=dispersed, visited_on=TODAY, visitor="刘某", mode="letter", findings=" ")

    assert {"mode", "findings"} <= set(exc.value.message_dict)


def test_a_care_agreement_may_not_expire_before_it_is_signed(cast, dispersed):
    with pytest.raises(ValidationError) as exc:
        agree(cast["inspector"], dispersed, signed_on=date(2026, 1, 1), valid_until=date(2025, 12, 31))

    assert refusal(exc, "valid_until") == ["有效期不能早于签订日期"]


def test_a_care_agreement_may_not_be_signed_in_the_future(cast, dispersed):
    with pytest.raises(ValidationError) as exc:
        agree(cast["inspector"], dispersed, signed_on=TOMORROW, valid_until=date(2027, 12, 31))

    assert refusal(exc, "signed_on") == FUTURE


# --- person_update -------------------------------------------------------------------------


def test_the_facilitys_manager_updates_a_resident_and_history_names_them(cast, resident):
    services.person_update(by=cast["manager_a"], person=resident, phone="13900000000")

    resident.refresh_from_db()
    assert resident.phone == "13900000000"
    assert resident.history.latest().history_user == cast["manager_a"]


def test_another_facilitys_manager_cannot_update_a_resident(cast, resident):
    with pytest.raises(PermissionDenied, match="您无权修改该人员信息"):
        services.person_update(by=cast["manager_b"], person=resident, phone="13900000000")
