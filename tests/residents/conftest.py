"""Situations shared by the residents tests (a module's own fixture of the same name wins)."""
import pytest

from tests.factories import PersonFactory, StayFactory
from tests.helpers import frozen


@pytest.fixture
def frozen_today():
    """The custody and notice tests' clock, stopped at 2026-11-16 09:30 in Shanghai (tests.helpers.TODAY);
    a module asks for it with `pytest.mark.usefixtures("frozen_today")`."""
    with frozen():
        yield


@pytest.fixture
def resident(facilities):
    """A resident of facility A since 2025-02-03 (the custody tests' account holder)."""
    return StayFactory(facility=facilities["a"], person=PersonFactory(name="张桂兰")).person


@pytest.fixture
def township(regions):
    return regions["621002100"]
