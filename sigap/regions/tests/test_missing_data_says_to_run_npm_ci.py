import pytest
from django.core.management import CommandError, call_command

from sigap.regions.loader import load_regions


@pytest.mark.django_db
def test_missing_data_says_to_run_npm_ci(tmp_path):
    with pytest.raises(CommandError, match="npm ci"):
        load_regions(source_dir=tmp_path / "nowhere")
    with pytest.raises(CommandError, match="npm ci"):
        load_regions(source_dir=tmp_path)  # the directory exists but holds no files
    with pytest.raises(CommandError, match="npm ci"):
        call_command("load_regions", source=tmp_path / "nowhere")
