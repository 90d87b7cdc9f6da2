"""Warn when classified layers are shown together with online layers from unapproved hosts.

Online layers (XYZ/WMS/WMTS, WFS, vector tiles, ArcGIS REST) send the map extent to their
server with every request, so viewing classified data over them tells that server where the
classified data is. Warned once per combination; ``hide_online_layers`` hides such online layers
while classified layers are visible and shows them again afterwards.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from qgis.core import Qgis, QgsProject

from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.i18n import tr

ONLINE_PROVIDERS = {"wms", "wfs", "vectortile", "arcgismapserver", "arcgisfeatureserver"}
_HOST_RE = re.compile(r"(?:https?|wss?)://(?:[^@/?#&\s'\"]*@)?([^/:?#&\s'\"]+)", re.IGNORECASE)


def online_hosts(provider: str, source: str) -> set[str]:
    """Host names an online layer talks to (empty for local providers)."""
    if provider.lower() not in ONLINE_PROVIDERS:
        return set()
    text = unquote(unquote(source or ""))
    return {match.lower() for match in _HOST_RE.findall(text)}


def unapproved_hosts(provider: str, source: str, approved) -> set[str]:
    approved = {str(h).lower().strip() for h in approved or () if str(h).strip()}
    hosts = online_hosts(provider, source)
    if provider.lower() in ONLINE_PROVIDERS and not hosts:
        return {"?"}  # an online layer whose host we cannot read counts as unapproved
    return {h for h in hosts if h not in approved and not any(h.endswith("." + a) for a in approved)}


class NetworkExposure:
    def __init__(self, iface, svc):
        self.iface = iface
        self.svc = svc
        self.canvas = iface.mapCanvas()
        self.warned: set = set()
        self.hidden: set[str] = set()  # layer ids this object hid
        self._busy = False
        self.canvas.layersChanged.connect(self.check)
        svc.labels.labelChanged.connect(self.check)
        self.check()

    def _root(self):
        return QgsProject.instance().layerTreeRoot()

    def _visible_layers(self) -> list:
        return [layer for layer in self._root().checkedLayers() if layer is not None]

    def check(self, *_args) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            self._check()
        finally:
            self._busy = False

    def _check(self) -> None:
        labels = self.svc.labels
        settings = self.svc.settings
        visible = self._visible_layers()
        lowest = labels.scheme.levels[0].id if labels.scheme.levels else ""
        classified = [layer for layer in visible if labels.label(layer) is not None
                      and labels.label(layer).level != lowest]
        if not classified:
            self._restore_hidden()
            return
        exposed = []
        for layer in visible:
            hosts = unapproved_hosts(layer.providerType(), layer.source(), settings.approved_hosts)
            if hosts and labels.label(layer) is None:
                exposed.append((layer, sorted(hosts)))
        key_classified = tuple(sorted(layer.id() for layer in classified))
        for layer, hosts in exposed:
            key = (key_classified, layer.id())
            hide = bool(settings.hide_online_layers)
            if key not in self.warned:
                self.warned.add(key)
                names = ", ".join(c.name() for c in classified)
                if hide:
                    text = tr("Online layer '{online}' ({hosts}) was hidden: it would send the extent of "
                              "classified layers ({names}) to a server that is not approved").format(
                        online=layer.name(), hosts=", ".join(hosts), names=names)
                else:
                    text = tr("Online layer '{online}' ({hosts}) is shown together with classified layers "
                              "({names}): its server learns which area you are looking at").format(
                        online=layer.name(), hosts=", ".join(hosts), names=names)
                self.iface.messageBar().pushMessage(tr("Network exposure"), text, Qgis.MessageLevel.Warning, 10)
                self.svc.recorder.record(Action.EXPORT_ATTEMPTED, classified[0], outcome=Outcome.WARNING,
                                         details={"channel": "network", "online_layer": layer.name(),
                                                  "hosts": hosts, "hidden": hide})
            if hide:
                node = self._root().findLayer(layer.id())
                if node is not None and node.isVisible():
                    self.hidden.add(layer.id())
                    node.setItemVisibilityChecked(False)

    def _restore_hidden(self) -> None:
        for layer_id in list(self.hidden):
            node = self._root().findLayer(layer_id)
            if node is not None:
                node.setItemVisibilityChecked(True)
        self.hidden.clear()

    def unload(self) -> None:
        self.canvas.layersChanged.disconnect(self.check)
        self.svc.labels.labelChanged.disconnect(self.check)
        self._busy = True
        self._restore_hidden()
