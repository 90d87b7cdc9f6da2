"""Real QGIS in Simplified Chinese: the plugin's translation is loaded from the QGIS locale."""

from qgis.core import QgsApplication


def scenario(d):
    plugin = d.plugin
    yield 300
    texts = [a.text() for a in plugin.layer_actions]
    d.check("context menu entries in Chinese", "定密…" in texts and "定为机密" in texts, texts)
    d.check("panel title in Chinese", plugin.dock.windowTitle() == "密级", plugin.dock.windowTitle())
    provider = QgsApplication.processingRegistry().providerById("classification")
    names = sorted(a.displayName() for a in provider.algorithms())
    d.check("Processing algorithms in Chinese", "设置密级标签" in names, names)
    layer = d.iface.addVectorLayer("Point?crs=EPSG:4326&field=code:string", "控制点", "memory")
    from classification_plugin.core.labels import LabelRequest
    from classification_plugin.integration.services import services

    services().labels.change(layer, LabelRequest(level="top_secret", reason="测绘成果目录 2.1",
                                                 caveats=("不得分包",)))
    d.iface.mapCanvas().refreshAllLayers()
    yield 800
    d.check("banner in Chinese", plugin.banner.current_text() == "绝密 // 不得分包", plugin.banner.current_text())
    d.screenshot("chinese_ui")
