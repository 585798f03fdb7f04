"""Situations shared by the public-notice tests."""
import pytest

from tests.helpers import township_changes


@pytest.fixture
def changes(regions):
    return township_changes(regions)
