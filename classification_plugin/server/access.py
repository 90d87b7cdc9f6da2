"""The access-control filter: a layer labelled above the requester's clearance does not exist for
that request (QGIS Server leaves it out of every capabilities document and refuses GetMap,
GetFeatureInfo, GetLegendGraphic, GetFeature, DescribeFeatureType, GetPrint and WFS-T on it with
an OGC service exception), and a request filter that logs each request touching a classified
layer once.

QGIS Server asks ``layerPermissions`` for each layer a request names or lists, and keys its
capabilities and tile caches on ``cacheKey``, which is the requester's clearance here: two
requesters with the same clearance see the same layers, and no cached answer crosses levels.
"""

from __future__ import annotations

import uuid

from qgis.core import QgsProject
from qgis.server import QgsAccessControlFilter, QgsServerFilter

from classification_plugin.core import server_rules
from classification_plugin.core.i18n import current_language
from classification_plugin.core.marking import export_marking
from classification_plugin.server.audit import request_event
from classification_plugin.server.marking import BannerInProject, request_frame

SESSION_ID = "server-" + uuid.uuid4().hex[:9]
MARKED_REQUESTS = {"GETMAP", "GETTILE"}  # images of the map (WMS, WMTS)


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
        self.banner = BannerInProject()

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

    # -- the rule ----------------------------------------------------------------------------------
    def allows(self, layer) -> bool:
        label = self.labels.label(layer, self.project_path())
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
        """A GetMap showing classified layers carries their banner (a GetMap allowed several layers,
        some not drawn, is over-marked: the safe side)."""
        parameters = self.parameters()
        if parameters.get("REQUEST", "").upper() not in MARKED_REQUESTS:
            return
        marking = export_marking(self.state.shown.values(), self.scheme, current_language())
        self.banner.place(layer.project() or QgsProject.instance(), marking, request_frame(parameters))

    # -- the log ---------------------------------------------------------------------------------
    def request_started(self) -> None:
        self.banner.remove()  # (a request that never completed must not leave its banner)
        self.state = RequestState()

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
