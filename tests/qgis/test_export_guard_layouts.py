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


def test_a_layout_is_judged_by_every_layer_it_prints(export_guard, layer_of, clean_project):
    """Not only the visible layers: a map's own layer set, a map theme, an attribute table and the
    atlas's coverage layer print data too (a secret attribute table under a public map was missed)."""
    from qgis.core import QgsLayoutItemAttributeTable, QgsLayoutItemMap, QgsMapThemeCollection, QgsPrintLayout

    visible = layer_of("public", "visible")
    kept, themed, tabled, covered = (layer_of("secret", name) for name in ("kept", "themed", "tabled", "covered"))
    root = clean_project.layerTreeRoot()
    for layer in (kept, themed, tabled, covered):
        root.findLayer(layer.id()).setItemVisibilityChecked(False)
    theme = QgsMapThemeCollection.MapThemeRecord()
    theme.setLayerRecords([QgsMapThemeCollection.MapThemeLayerRecord(themed)])
    clean_project.mapThemeCollection().insert("themed view", theme)

    def layout_with(setup):
        layout = QgsPrintLayout(clean_project)
        layout.initializeDefaults()
        setup(layout)
        return export_guard.layouts.layout_layers(layout)

    def free_map(layout):
        layout.addLayoutItem(QgsLayoutItemMap(layout))

    def kept_map(layout):
        item = QgsLayoutItemMap(layout)
        item.setLayers([kept])
        item.setKeepLayerSet(True)
        layout.addLayoutItem(item)

    def themed_map(layout):
        item = QgsLayoutItemMap(layout)
        item.setFollowVisibilityPreset(True)
        item.setFollowVisibilityPresetName("themed view")
        layout.addLayoutItem(item)

    def table(layout):
        free_map(layout)
        frame = QgsLayoutItemAttributeTable.create(layout)
        frame.setVectorLayer(tabled)
        layout.addMultiFrame(frame)

    def atlas(layout):
        free_map(layout)
        layout.atlas().setCoverageLayer(covered)
        layout.atlas().setEnabled(True)

    assert layout_with(free_map) == [visible]
    assert layout_with(kept_map) == [kept]
    assert layout_with(themed_map) == [themed]
    assert set(layout_with(table)) == {visible, tabled}
    assert set(layout_with(atlas)) == {visible, covered}
