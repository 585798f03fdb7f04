"""Situations shared by the residents tests (a module's own fixture of the same name wins)."""
import pytest

from .factories import PersonFactory, StayFactory


@pytest.fixture
def resident(facilities):
    """A resident of facility A since 2025-02-03 (the custody tests' account holder)."""
    return StayFactory(facility=facilities["a"], person=PersonFactory(name="张桂兰")).person
