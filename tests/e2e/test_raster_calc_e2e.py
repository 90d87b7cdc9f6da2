"""End-to-end: the Raster Calculator in the real desktop asks the label of the rasters it reads."""

from harness import assert_checks, run_scenario


def test_the_raster_calculator_is_guarded(tmp_path):
    result = run_scenario("raster_calc", "scenario_raster_calc.py", tmp_path, timeout_s=120)
    assert_checks(result, [
        "the Raster Calculator action exists",
        "secret: refused when accepted, no file written",
        "internal: written and the output carries the label",
        "public: written, nothing asked or refused",
    ])
