"""End-to-end: with QGIS set to zh_CN the plugin speaks Simplified Chinese."""

from harness import assert_checks, run_scenario


def test_plugin_follows_the_qgis_locale(tmp_path):
    result = run_scenario("chinese", "scenario_chinese.py", tmp_path, locale="zh_CN")
    assert_checks(result, ["context menu entries in Chinese", "panel title in Chinese",
                           "Processing algorithms in Chinese", "banner in Chinese"])
