"""Real QGIS whose Python lacks shapely 2: the plugin loads, labels work, the zone checks say why
they are missing."""

from qgis.core import QgsApplication


def scenario(d):
    plugin = d.plugin
    yield 300
    d.check("plugin loaded without shapely 2", plugin is not None and plugin.dock is not None)
    d.check("protected-area UI not installed", plugin.protected is None)
    bar = [item.text() for item in d.iface.messageBar().items()]
    d.check("message says to install shapely 2", any("shapely 2" in text for text in bar), bar)
    provider = QgsApplication.processingRegistry().providerById("classification")
    names = sorted(a.name() for a in provider.algorithms())
    d.check("labels, access-log and custody algorithms still there, only the zone check gone", names == [
        "closecopy", "exportauditlog", "exportregister", "getlabel", "handover", "receivehandover", "setlabel",
        "verifyauditlog"], names)
    layer = d.iface.addVectorLayer("Point?crs=EPSG:4326&field=code:string", "pts", "memory")
    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.integration.services import services

    services().labels.change(layer, LabelRequest(level="secret", reason="r"))
    d.iface.mapCanvas().refreshAllLayers()
    yield 500
    d.check("labelling works", plugin.banner.current_text() == "SECRET", plugin.banner.current_text())
