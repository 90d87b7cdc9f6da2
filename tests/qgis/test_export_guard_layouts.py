"""The export guard's print layout channel: the marking added to a layout for an export and removed after it."""

from __future__ import annotations


def test_layout_marking_is_added_and_removed(export_guard, guard_services, layer_of):
    from qgis.core import QgsLayoutItemLabel, QgsPrintLayout, QgsProject

    layer = layer_of("confidential")
    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    items = export_guard.layouts.add_marking(layout, [layer])
    labels = [i for i in layout.items() if isinstance(i, QgsLayoutItemLabel)]
    assert len(items) == 2 and sorted(i.text() for i in labels) == ["CONFIDENTIAL", "CONFIDENTIAL"]
    assert layout.undoStack().stack().count() == 0  # nothing the user could undo into
    export_guard.layouts.remove_marking(layout, items)
    assert not [i for i in layout.items() if isinstance(i, QgsLayoutItemLabel)]
