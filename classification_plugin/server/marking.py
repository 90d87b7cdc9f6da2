"""The level's banner on the maps and prints QGIS Server makes, as on the desktop's allowed
exports: a band at the top and at the bottom in the level's colours, with the banner text (and
caveats).

GetMap and WMTS GetTile: QGIS Server draws the project's annotations over every GetMap
(``QgsRenderer``'s annotation rendering; one placed relative to the frame lands at the same place
on any size), before it encodes the image. So while a request that shows a classified layer is
being answered, the desktop's two banner annotations
(:func:`integration.map_marking.marking_annotations`) sit in the project's annotation manager. The
image is encoded once, by QGIS, in whatever format and size the client asked for; decoding and
encoding it again in Python cost ~10 ms on a 512 x 512 PNG, a third of what the whole request
costs QGIS.

GetPrint: QGIS prints a copy of the project's layout, made after the access control has judged
the layers, so the banner's label items are put into the project's layout for that request. Their
id is new each time: GetPrint sets the text of (or removes) a layout label whose id the request
names, and a client must not be able to name these.

Either is taken out again when the response is complete. QGIS Server answers one request at a
time per process, so no other request sees them.
"""

from __future__ import annotations

import secrets

from classification_plugin.integration.layout_marking import add_layout_marking, remove_layout_marking
from classification_plugin.integration.map_marking import marking_annotations

OGC_DOTS_PER_MM = int(1 / 0.00028) / 1000.0  # QGIS Server's default resolution (0.28 mm pixels)


def request_frame(parameters: dict) -> tuple:
    """(width px, height px, dpi) of a GetMap from its parameters, as QGIS Server reads them."""
    def number(name: str, default: float) -> float:
        try:
            return float(parameters.get(name) or default)
        except ValueError:
            return default

    dpi = number("DPI", 0.0) or OGC_DOTS_PER_MM * 25.4
    return number("WIDTH", 256.0), number("HEIGHT", 256.0), dpi


def _add_annotations(project, marking, frame) -> list:
    manager = project.annotationManager()
    annotations = marking_annotations(marking, *frame)
    for annotation in annotations:
        manager.addAnnotation(annotation)  # the manager owns it from here
    return annotations


def _remove_annotations(project, annotations) -> None:
    manager = project.annotationManager()
    for annotation in annotations:
        if annotation in manager.annotations():
            manager.removeAnnotation(annotation)


class RequestBanner:
    """The banner placed for one request: on a project's maps or in one print layout."""

    def __init__(self):
        self.target = None  # the project or layout it is in
        self.marking = None
        self.items: list = []
        self._remove = None

    def on_map(self, project, marking, frame: tuple) -> None:
        self._place(project, marking, lambda: _add_annotations(project, marking, frame), _remove_annotations)

    def on_layout(self, layout, marking) -> None:
        self._place(layout, marking, lambda: add_layout_marking(layout, marking, "marking_" + secrets.token_hex(8)),
                    remove_layout_marking)

    def _place(self, target, marking, add, remove) -> None:
        if marking == self.marking and target is self.target:
            return
        self.remove()
        if marking is None or target is None:
            return
        self.target, self.marking, self._remove = target, marking, remove
        self.items = add()

    def remove(self) -> None:
        if self.target is not None:
            try:
                self._remove(self.target, self.items)
            except RuntimeError:  # the project or layout is already gone
                pass
        self.target, self.marking, self.items, self._remove = None, None, [], None
