import pytest

from sigap.regions.models import Region


@pytest.fixture(autouse=True)
def start_without_regions(request: pytest.FixtureRequest) -> None:
    """The loader's tests count what they load: start them from an empty region table.

    The session loads a few provinces for every other test; here they are removed inside the test's
    own transaction (foreign keys are checked at commit, which never comes), so other tests keep them."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    Region.objects.all()._raw_delete(Region.objects.db)  # type: ignore[attr-defined]
