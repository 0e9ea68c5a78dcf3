import pytest


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    """Every test keeps its documents in its own temporary folder."""
    settings.SIGAP_DOCUMENTS_DIR = tmp_path / "documents"
    return settings.SIGAP_DOCUMENTS_DIR
