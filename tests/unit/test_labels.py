import pytest

from classification_plugin.core.labels import (
    Label,
    LabelError,
    LabelRequest,
    apply_change,
    highest_label,
    inherited_label,
)
from classification_plugin.core.schemes import SchemeRegistry

SCHEME = SchemeRegistry().get("cn_state_secret")


def apply(current, **kwargs):
    return apply_change(current, LabelRequest(**kwargs), SCHEME, "alice", now="2026-11-23T10:00:00Z")


def test_first_label_needs_a_reason():
    with pytest.raises(LabelError, match="reason"):
        apply(None, level="secret")
    label = apply(None, level="secret", reason="catalogue item 3.2", caveats=("no subcontracting", " "))
    assert (label.scheme, label.level, label.reason, label.classified_by) == (
        "cn_state_secret", "secret", "catalogue item 3.2", "alice")
    assert label.caveats == ("no subcontracting",)
    assert len(label.uid) == 36
    assert [(h.action, h.old_level, h.new_level) for h in label.history] == [("applied", "", "secret")]


def test_raise_needs_reason_lower_and_remove_need_justification():
    label = apply(None, level="internal", reason="r")
    with pytest.raises(LabelError, match="reason"):
        apply(label, level="top_secret")
    raised = apply(label, level="top_secret", reason="new survey")
    with pytest.raises(LabelError, match="justification"):
        apply(raised, level="confidential", reason="just because")
    lowered = apply(raised, level="confidential", justification="declassified by order 12")
    with pytest.raises(LabelError, match="justification"):
        apply(lowered, level=None)
    assert apply(lowered, level=None, justification="published") is None
    assert [h.action for h in lowered.history] == ["applied", "raised", "lowered"]
    assert lowered.history[-1].justification == "declassified by order 12"
    assert lowered.uid == label.uid  # the identifier is stable across changes


def test_same_level_updates_without_reason_and_keeps_fields():
    label = apply(None, level="secret", reason="r", owner="Unit 1", review_date="2027-01-01")
    updated = apply(label, level="secret", caveats=("this unit only",))
    assert updated.owner == "Unit 1" and updated.review_date == "2027-01-01"
    assert updated.caveats == ("this unit only",)
    assert updated.history[-1].action == "updated"


def test_unknown_level_bad_date_and_nothing_to_remove_are_refused():
    with pytest.raises(LabelError, match="not a level of scheme 'cn_state_secret'"):
        apply(None, level="cosmic", reason="r")
    with pytest.raises(LabelError, match="not a date"):
        apply(None, level="secret", reason="r", review_date="next year")
    with pytest.raises(LabelError, match="no label to remove"):
        apply(None, level=None, justification="j")


def test_label_from_another_scheme_counts_as_downgrade():
    nato = Label(scheme="nato", level="nato_secret")
    with pytest.raises(LabelError, match="justification"):
        apply(nato, level="top_secret", reason="r")


def test_json_round_trip_keeps_everything():
    label = apply(None, level="secret", reason="原因", caveats=("仅限本单位",), owner="测绘院")
    again = Label.from_json(label.to_json())
    assert again == label
    assert "仅限本单位" in label.to_json()  # stored readable, not escaped


def test_from_json_rejects_garbage():
    with pytest.raises(LabelError):
        Label.from_json("not json")
    with pytest.raises(LabelError):
        Label.from_json('{"scheme": "cn_state_secret"}')


def test_highest_and_inherited_label():
    a = apply(None, level="internal", reason="r", caveats=("a",))
    b = apply(None, level="secret", reason="r", caveats=("b",))
    assert highest_label([a, None, b], SCHEME) is b
    derived = inherited_label([a, b], SCHEME, "bob", "derived by native:buffer")
    assert derived.level == "secret" and set(derived.caveats) == {"a", "b"}
    assert derived.uid != b.uid
    assert inherited_label([None], SCHEME, "bob", "x") is None


def test_marking_text_is_the_highest_level_with_its_caveats_and_none_for_unclassified():
    from classification_plugin.core.marking import banner_text, export_marking

    public = apply(None, level="public", reason="r")
    internal = apply(None, level="internal", reason="r", caveats=("survey",))
    secret_a = apply(None, level="secret", reason="r", caveats=("no onward transfer",))
    secret_b = apply(None, level="secret", reason="r", caveats=("railway", "no onward transfer"))
    assert banner_text([public, None], SCHEME, "en") == (SCHEME.level("public").banner_text("en"),
                                                         SCHEME.level("public").background,
                                                         SCHEME.level("public").text_color)
    assert export_marking([public, None], SCHEME, "en") is None  # public needs no export marking
    assert export_marking([], SCHEME, "en") is None and banner_text([None], SCHEME, "en") is None
    text = export_marking([internal, secret_a, public, secret_b], SCHEME, "en")[0]
    assert text == SCHEME.level("secret").banner_text("en") + " // no onward transfer / railway"
    assert "survey" not in text  # caveats of lower levels are not the marking's
    assert export_marking([secret_a], SCHEME, "zh_CN")[0].startswith(SCHEME.level("secret").banner_text("zh_CN"))
