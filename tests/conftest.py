"""Shared by all three rings. Being a rootdir-level conftest of a folder without ``__init__.py``,
pytest puts ``tests/`` on ``sys.path`` when it loads this file, so shared test-data writers such as
``photo_data`` import by name. Nothing here imports QGIS (the unit ring runs without it)."""

from __future__ import annotations

import pytest


@pytest.fixture
def drone_flight(tmp_path):
    """A folder of real geotagged drone photos (see ``photo_data.FLIGHT``), photos without a
    position, a broken JPEG and non-photo files; returns (folder, photo_data module)."""
    import photo_data  # needs Pillow: python3-pil, installed by the Makefile's APT_PACKAGES

    return photo_data.write_flight(tmp_path / "sd_card"), photo_data
