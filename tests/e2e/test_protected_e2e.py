"""End-to-end: protected-area warnings in the real QGIS desktop (issue: protected-area warnings)."""

from harness import assert_checks, run_scenario


def test_drone_track_in_military_zone_is_warned_listed_and_shown(tmp_path, drone_flight):
    # drone_flight wrote tmp_path/sd_card (tests/photo_data.py), which the scenario imports
    result = run_scenario("protected", "scenario_protected.py", tmp_path)
    assert_checks(result, [
        "survey role suggested for drone_track",
        "not marked before the user confirms",
        "layer menu has the role entry",
        "zones marked protected",
        "warning in the message bar",
        "warning names the zone",
        "offending feature selected",
        "offending feature highlighted",
        "panel lists the pair",
        "label raised to the zone's level",
        "control_photos opened with its CRS",
        "photo check: one inside, one in the buffer",
        "edit inside the zone recorded once",
        "panel row takes the committed id",
        "photo import runs as a task",
        "photo folder imported",
        "imported photos are survey data",
        "import names the photos without GPS",
        "imported photos checked within 30 s",
        "photo inside the zone warned",
        "panel lists the photo inside",
    ])
