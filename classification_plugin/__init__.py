"""Classification Guard: secrecy labels, export guard, access log and protected-area warnings;
on QGIS Server, published layers respect labels and the requester's clearance."""


def classFactory(iface):  # noqa: N802 (QGIS entry point name)
    from classification_plugin.plugin import ClassificationGuardPlugin

    return ClassificationGuardPlugin(iface)


def serverClassFactory(serverIface):  # noqa: N802,N803 (QGIS Server entry point name)
    from classification_plugin.server.plugin import ClassificationGuardServer

    return ClassificationGuardServer(serverIface)
