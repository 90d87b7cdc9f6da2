"""Classification Guard: secrecy labels, export guard, access log and protected-area warnings."""


def classFactory(iface):  # noqa: N802 (QGIS entry point name)
    from classification_plugin.plugin import ClassificationGuardPlugin

    return ClassificationGuardPlugin(iface)
