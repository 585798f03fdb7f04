"""Change history keeps its reasons in one language and shows them in the reader's."""
import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from common.history import change_history, save_with_history
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_reason_written_in_english_is_stored_in_chinese_and_read_in_each_language(cast):
    person = PersonFactory()
    person.phone = "13800000000"
    with translation.override("en"):
        save_with_history(person, by=cast["inspector"], reason=gettext_lazy("修改人员信息"))
    assert person.history.latest().history_change_reason == "修改人员信息"
    with translation.override("en"):
        assert change_history(person)[0].reason == "Person details changed"
    with translation.override("zh-hans"):
        assert change_history(person)[0].reason == "修改人员信息"


def test_a_reason_the_catalog_does_not_know_is_shown_as_written(cast):
    person = PersonFactory()
    person.phone = "13900000000"
    save_with_history(person, by=None, reason="按民政局通知更正")
    with translation.override("en"):
        entry = change_history(person)[0]
    assert entry.reason == "按民政局通知更正" and entry.who == "System"


def test_the_timeline_speaks_the_readers_language(cast, facilities):
    from datetime import date

    from residents.selectors import person_detail
    from tests.factories import StayFactory, SupportStatusFactory

    person = PersonFactory()
    SupportStatusFactory(person=person, confirmed_on=date(2025, 3, 10))
    StayFactory(person=person, facility=facilities["a"], admitted_on=date(2025, 6, 1))
    with translation.override("en"):
        events = [entry.title for entry in person_detail(person=person)["timeline"]]
    assert events[0] == f"Admitted to {facilities['a'].name}" and events[1].startswith("Confirmed as ")
    assert not any("认定为" in event or event.startswith("入住") for event in events)
    with translation.override("zh-hans"):
        assert person_detail(person=person)["timeline"][1].title.startswith("认定为")
