"""The access-control filter: a layer labelled above the requester's clearance does not exist for
that request (QGIS Server leaves it out of every capabilities document and refuses GetMap,
GetFeatureInfo, GetLegendGraphic, GetFeature, DescribeFeatureType, GetPrint and WFS-T on it with
an OGC service exception), and a request filter that logs each request touching a classified
layer once.

QGIS Server asks ``layerPermissions`` for each layer a request names or lists, and keys its
capabilities and tile caches on ``cacheKey``, which is the requester's clearance here: two
requesters with the same clearance see the same layers, and no cached answer crosses levels.

It does not ask for the layers a print layout brings itself: a map that keeps its own layers or
follows a map theme, an attribute table, the atlas's coverage layer (QGIS 3.22 to 3.44 print a
secret layer locked in a layout's map to anyone). So a GetPrint is judged before QGIS runs it, by
every layer its layout prints (:func:`integration.layout_marking.layout_layers`), and refused
with an OGC service exception when one is above the requester's clearance.
"""

from __future__ import annotations

import os
import uuid
from xml.sax.saxutils import escape

from qgis.core import QgsProject
from qgis.server import (
    QgsAccessControlFilter,
    QgsConfigCache,
    QgsServerException,
    QgsServerFilter,
    QgsServerSettings,
)

from classification_plugin.core import server_rules
from classification_plugin.core.i18n import current_language, tr
from classification_plugin.core.marking import export_marking
from classification_plugin.integration.layout_marking import layout_layers
from classification_plugin.server.audit import request_event
from classification_plugin.server.marking import RequestBanner, request_frame

SESSION_ID = "server-" + uuid.uuid4().hex[:9]
MAP_REQUESTS = {"GETMAP", "GETTILE"}  # images of the map (WMS, WMTS)
PRINT_REQUEST = "GETPRINT"


def ogc_exception(code: str, message: str) -> bytes:
    """A WMS 1.3.0 service exception report, as QGIS Server writes its own."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<ServiceExceptionReport xmlns="http://www.opengis.net/ogc" version="1.3.0">\n'
            f' <ServiceException code="{escape(code)}">{escape(message)}</ServiceException>\n'
            '</ServiceExceptionReport>\n').encode()


class RequestState:
    """What one request has told the filters so far (QGIS Server handles one request at a time
    per process: FastCGI processes, and qgis_mapserver, which serves its queue in order)."""

    def __init__(self):
        self.who = None  # server_rules.Requester, read from the headers on first use
        self.decisions: dict = {}  # layer id -> (layer, level id, rank, allowed) of classified layers
        self.shown: dict = {}  # layer id -> label of the classified layers it was allowed to read
        self.parameters: dict | None = None  # the request's parameters, upper-case keys, read once


class Guard:
    """What the two filters share: the rules, the labels, the current request and the log."""

    def __init__(self, server_iface, policy, scheme, labels, writer=None, environ=None):
        self.iface = server_iface
        self.policy = policy
        self.scheme = scheme
        self.rules = server_rules.server_rules(policy, environ)
        self.labels = labels  # server.labels.LabelCache
        self.writer = writer  # server.audit.BackgroundWriter, or None for no log
        self.state = RequestState()
        self.banner = RequestBanner()
        self._server_settings = None

    # -- the request -----------------------------------------------------------------------------
    def header(self, name: str) -> str:
        handler = self.iface.requestHandler()
        value = handler.requestHeader(name) if handler is not None else ""
        if not value:  # FastCGI: headers QGIS does not know reach it only as HTTP_* variables
            value = self.iface.getEnv("HTTP_" + name.upper().replace("-", "_")) or ""
        return value.strip()

    def requester(self) -> server_rules.Requester:
        if self.state.who is None:
            groups = server_rules.parse_groups(self.header(self.rules.groups_header))
            self.state.who = server_rules.requester(self.policy, self.scheme, self.rules,
                                                    self.header(self.rules.user_header), groups)
        return self.state.who

    def project_path(self) -> str:
        return self.iface.configFilePath() or ""

    def request_name(self) -> str:
        return self.parameters().get("REQUEST", "").upper()

    def requested_project(self):
        """The project this request is for, as QGIS Server will take it from its project cache
        (the server has not read it yet when the request is ready; it then finds it there)."""
        path = self.iface.getEnv("QGIS_PROJECT_FILE") or os.environ.get("QGIS_PROJECT_FILE") \
            or self.parameters().get("MAP") or self.project_path()
        if not path:
            return None
        if self._server_settings is None:
            self._server_settings = QgsServerSettings()
            self._server_settings.load()  # what the server read: the same environment and ini file
        return QgsConfigCache.instance().project(path, self._server_settings)

    # -- the rule ----------------------------------------------------------------------------------
    def allows(self, layer, project_path: str | None = None) -> bool:
        label = self.labels.label(layer, project_path or self.project_path())
        level = server_rules.layer_level(label.level if label is not None else None, self.scheme, self.rules)
        who = self.requester()
        allowed = server_rules.may_see(level, who, self.scheme)
        if server_rules.is_classified(level, self.scheme) or not allowed:
            self.state.decisions[layer.id()] = (layer, level, self.scheme.level(level).rank, allowed)
            if allowed and label is not None:
                self.state.shown[layer.id()] = label
                self._mark(layer)
        return allowed

    def parameters(self) -> dict:
        if self.state.parameters is None:
            handler = self.iface.requestHandler()
            self.state.parameters = {str(k).upper(): str(v) for k, v in (handler.parameterMap() or {}).items()} \
                if handler is not None else {}
        return self.state.parameters

    def _mark(self, layer) -> None:
        """A GetMap or GetPrint showing classified layers carries their banner (one allowed several
        layers, some not drawn, is over-marked: the safe side)."""
        request = self.request_name()
        if request not in MAP_REQUESTS and request != PRINT_REQUEST:
            return
        marking = export_marking(self.state.shown.values(), self.scheme, current_language())
        project = layer.project() or QgsProject.instance()
        if request == PRINT_REQUEST:
            layout = project.layoutManager().layoutByName(self.parameters().get("TEMPLATE", ""))
            if layout is not None:
                self.banner.on_layout(layout, marking)
        else:
            self.banner.on_map(project, marking, request_frame(self.parameters()))

    def judge_print(self) -> None:
        """Refuse a GetPrint whose layout prints a layer above the requester's clearance by itself
        (the layers the request names are QGIS's to judge through :class:`LabelAccessControl`)."""
        project = self.requested_project()
        layout = project.layoutManager().layoutByName(self.parameters().get("TEMPLATE", "")) \
            if project is not None else None
        if layout is None:
            return  # QGIS answers an unknown template or project itself
        path = project.fileName()  # (the server's own path for it is set only after this)
        refused = [layer.name() for layer in layout_layers(layout, project) if not self.allows(layer, path)]
        if refused:
            self.refuse(tr("The print layout '{layout}' shows layers above your clearance: {layers}").format(
                layout=layout.name(), layers=", ".join(refused)))

    def refuse(self, message: str) -> None:
        """Answer this request with an OGC service exception (403) instead of running it."""
        handler = self.iface.requestHandler()
        # a raised exception is what stops QGIS running the request (3.22's requestReady has no
        # return value); its plain document is then replaced by the one WMS clients read
        handler.setServiceException(QgsServerException(message, 403))
        handler.clearBody()
        handler.setResponseHeader("Content-Type", "text/xml; charset=utf-8")
        handler.appendBody(ogc_exception("Security", message))

    # -- the log ---------------------------------------------------------------------------------
    def request_started(self) -> None:
        self.banner.remove()  # (a request that never completed must not leave its banner)
        self.state = RequestState()
        if self.request_name() == PRINT_REQUEST:
            self.judge_print()

    def request_done(self) -> None:
        self.banner.remove()
        parameters = self.parameters()
        state, self.state = self.state, RequestState()
        if not state.decisions or state.who is None or self.writer is None:
            return
        client = self.header("X-Forwarded-For") or self.iface.getEnv("REMOTE_ADDR") or ""
        self.writer.put(request_event(SESSION_ID, self.project_path(), state.who, parameters,
                                      list(state.decisions.values()), client))


class LabelAccessControl(QgsAccessControlFilter):
    def __init__(self, server_iface, guard: Guard):
        super().__init__(server_iface)
        self.guard = guard

    def layerPermissions(self, layer):  # noqa: N802 - QGIS's name
        permissions = QgsAccessControlFilter.LayerPermissions()
        allowed = self.guard.allows(layer)
        permissions.canRead = permissions.canInsert = permissions.canUpdate = permissions.canDelete = allowed
        return permissions

    def cacheKey(self):  # noqa: N802 - QGIS's name
        return self.guard.requester().cache_key


class RequestLogFilter(QgsServerFilter):
    def __init__(self, server_iface, guard: Guard):
        super().__init__(server_iface)
        self.guard = guard

    # QGIS 3.24+ calls the on...() forms and reads their bool (false would stop the request);
    # 3.22 has only the void forms, which QGIS 4 drops.
    def onRequestReady(self) -> bool:  # noqa: N802 - QGIS's name
        self.guard.request_started()
        return True

    def onResponseComplete(self) -> bool:  # noqa: N802 - QGIS's name
        self.guard.request_done()
        return True

    def requestReady(self):  # noqa: N802 - QGIS 3.22
        self.guard.request_started()

    def responseComplete(self):  # noqa: N802 - QGIS 3.22
        self.guard.request_done()
