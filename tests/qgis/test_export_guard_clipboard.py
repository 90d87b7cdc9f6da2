"""The export guard's clipboard channel: copied features of a layer that may not leave are cleared."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QApplication


def test_clipboard_copy_of_secret_features_is_cleared(export_guard, layer_of, guard_services):
    secret = layer_of("secret", "control_points")
    secret.selectAll()
    clipboard = QApplication.clipboard()
    clipboard.setText("wkt_geom\tname\nPoint (116.39 39.91)\tf0\n")
    QApplication.processEvents()
    assert clipboard.text() == ""
    assert guard_services.recorder.events[-1][:3] == ("export_blocked", "control_points", "blocked")
    clipboard.setText("unrelated text")  # other copies are left alone
    QApplication.processEvents()
    assert clipboard.text() == "unrelated text"


def test_a_secret_feature_copied_without_a_selection_is_cleared(export_guard, layer_of, guard_services):
    """The Identify Results panel's Copy Feature copies one feature of a layer with nothing selected."""
    layer_of("secret", "control_points")
    clipboard = QApplication.clipboard()
    clipboard.setText("wkt_geom\tname\nPoint (116.39 39.91)\tf0\n")  # what QgsClipboard writes for it
    QApplication.processEvents()
    assert clipboard.text() == ""
    action, layer_name, outcome, details = guard_services.recorder.events[-1]
    assert (action, layer_name, outcome) == ("export_blocked", "control_points", "blocked")
    assert details["features"] == 1 and details["selected"] == 0


def test_a_copy_from_a_selected_public_layer_with_the_same_columns_is_left_alone(export_guard, layer_of,
                                                                                guard_services):
    layer_of("secret", "control_points")
    public = layer_of("public", "published_points")  # same columns: the copy is the selected one's
    public.selectAll()
    clipboard = QApplication.clipboard()
    text = "wkt_geom\tname\nPoint (116.39 39.91)\tf0\nPoint (116.40 39.92)\tf1\n"
    clipboard.setText(text)
    QApplication.processEvents()
    assert clipboard.text() == text
    assert not [e for e in guard_services.recorder.events if e[0] == "export_blocked"]
