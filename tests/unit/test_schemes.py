import json

import pytest

from classification_plugin.core.schemes import (
    DEFAULT_SCHEME_ID,
    SchemeError,
    SchemeRegistry,
    load_scheme_file,
    localized,
    parse_scheme,
)


def valid_scheme():
    return {
        "id": "test",
        "names": {"en": "Test"},
        "levels": [
            {"id": "low", "names": {"en": "Low", "zh_CN": "低"}, "acronym": "L",
             "banner": {"en": "LOW"}, "colors": {"background": "#00ff00", "text": "#000000"}},
            {"id": "high", "names": {"en": "High"}, "acronym": "H",
             "banner": {"en": "HIGH"}, "colors": {"background": "#ff0000", "text": "#ffffff"},
             "iso_code": "secret"},
        ],
    }


def test_builtin_schemes_load_in_order():
    registry = SchemeRegistry()
    assert set(registry.ids()) >= {"cn_state_secret", "iso19115", "nato", "generic"}
    assert registry.errors == []
    cn = registry.get(DEFAULT_SCHEME_ID)
    assert cn.level_ids() == ["public", "internal", "confidential", "secret", "top_secret"]
    assert [cn.level(i).name("zh_CN") for i in cn.level_ids()] == ["公开", "内部", "秘密", "机密", "绝密"]
    assert cn.level("secret").rank > cn.level("confidential").rank
    assert cn.default_level == "public"


def test_every_builtin_level_has_chinese_names_and_banner():
    for scheme in SchemeRegistry().schemes.values():
        assert "zh_CN" in scheme.names
        for level in scheme.levels:
            assert "zh_CN" in level.names and "zh_CN" in level.banner, (scheme.id, level.id)


def test_highest_ignores_unknown_levels():
    cn = SchemeRegistry().get(DEFAULT_SCHEME_ID)
    assert cn.highest(["internal", "secret", "bogus"]).id == "secret"
    assert cn.highest(["bogus"]) is None


def test_localized_falls_back_to_base_language_then_english():
    assert localized({"en": "A", "zh_CN": "甲"}, "zh_TW") == "甲"
    assert localized({"en": "A"}, "fr") == "A"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("levels"), "field 'levels' is missing"),
        (lambda d: d.update(levels=[]), "field 'levels' is empty"),
        (lambda d: d["levels"][0]["colors"].update(background="red"), "colour 'background' is 'red'"),
        (lambda d: d["levels"][1].update(id="low"), "repeated: low"),
        (lambda d: d["levels"][0].update(acronym=""), "'acronym' must have 1 to 6"),
        (lambda d: d["levels"][0]["names"].pop("en"), "needs an English"),
        (lambda d: d.update(default_level="nope"), "'default_level' is 'nope'"),
        (lambda d: d["levels"][1].update(iso_code="ultra"), "'iso_code' is 'ultra'"),
        (lambda d: d.update(id="Bad Id"), "field 'id' is 'Bad Id'"),
        (lambda d: d["levels"][0].update(names="Low"), "field 'names' must be an object, not str"),
    ],
)
def test_invalid_scheme_errors_name_file_field_and_problem(mutate, message):
    data = valid_scheme()
    mutate(data)
    with pytest.raises(SchemeError) as error:
        parse_scheme(data, "office.json")
    assert str(error.value).startswith("office.json")
    assert message in str(error.value)


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"id": "x",\n  "names": }', encoding="utf-8")
    with pytest.raises(SchemeError, match=r"broken.json: invalid JSON at line 2, column 12"):
        load_scheme_file(path)


def test_admin_folder_adds_schemes_and_reports_broken_ones(tmp_path):
    (tmp_path / "office.json").write_text(json.dumps(valid_scheme()), encoding="utf-8")
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    registry = SchemeRegistry(tmp_path)
    assert registry.get("test").level_ids() == ["low", "high"]
    assert len(registry.errors) == 1 and registry.errors[0].startswith("bad.json")
    assert "cn_state_secret" in registry.ids()


def test_missing_admin_folder_is_reported_not_fatal(tmp_path):
    registry = SchemeRegistry(tmp_path / "nope")
    assert "does not exist" in registry.errors[0]
    with pytest.raises(SchemeError, match="Unknown classification scheme 'zzz'"):
        registry.get("zzz")
