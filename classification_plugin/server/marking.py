"""The level's banner on GetMap images, as on the desktop's allowed map exports: a band at the top
and at the bottom of the image in the level's colours, with the banner text (and caveats).

QGIS Server draws the project's annotations over every GetMap (``QgsRenderer``'s annotation
rendering; one placed relative to the frame lands at the same place on any size), before it
encodes the image. So while a request that shows a classified layer is being answered, the
desktop's two banner annotations (:func:`integration.map_marking.marking_annotations`) sit in the
project's annotation manager, and they are taken out when the response is complete. The image is
encoded once, by QGIS, in whatever format and size the client asked for; decoding and encoding it
again in Python cost ~10 ms on a 512 x 512 PNG, a third of what the whole request costs QGIS.
QGIS Server answers one request at a time per process, so no other request sees them.
"""

from __future__ import annotations

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


class BannerInProject:
    """The banner annotations placed in one project for one request."""

    def __init__(self):
        self.project = None
        self.annotations: list = []
        self.marking = None

    def place(self, project, marking, frame: tuple) -> None:
        if marking == self.marking and project is self.project:
            return
        self.remove()
        if marking is None or project is None:
            return
        manager = project.annotationManager()
        self.project, self.marking = project, marking
        for annotation in marking_annotations(marking, *frame):
            manager.addAnnotation(annotation)  # the manager owns it from here
            self.annotations.append(annotation)

    def remove(self) -> None:
        if self.project is not None:
            manager = self.project.annotationManager()
            for annotation in self.annotations:
                if annotation in manager.annotations():
                    manager.removeAnnotation(annotation)
        self.project, self.annotations, self.marking = None, [], None
