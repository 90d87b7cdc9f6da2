"""What the export guard costs on unclassified work: processing.run through the guard's wrapper
against the original Processing.runAlgorithm, same public (unlabelled) layer, N runs each.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_guard.py [--runs 200] [--features 2000]

Writes bench/output/guard.json. The runs alternate (original, wrapped, original, ...) so that
drift in the machine's speed hits both sides alike; the ratio is wrapped median / original median.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, "/usr/share/qgis/python/plugins")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--features", type=int, default=2000)
    args = parser.parse_args()

    from qgis.core import QgsApplication, QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    import processing

    from classification_plugin.core.schemes import SchemeRegistry
    from classification_plugin.core.settings import Settings
    from classification_plugin.integration.export_guard import ExportGuard
    from classification_plugin.integration.label_store import LabelStore

    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=id:integer", "public_points", "memory")
    features = []
    for index in range(args.features):
        feature = QgsFeature(layer.fields())
        feature.setAttribute("id", index)
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(116 + index * 1e-4, 39 + index * 1e-4)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    QgsProject.instance().addMapLayer(layer)

    class NullRecorder:
        def record(self, *args, **kwargs):
            return None

    registry = SchemeRegistry()
    svc = SimpleNamespace(settings=Settings(), registry=registry, recorder=NullRecorder(),
                          labels=LabelStore(registry, "cn_state_secret", user="bench"))
    original = Processing.__dict__["runAlgorithm"]
    iface = SimpleNamespace(mainWindow=lambda: None, layoutDesignerOpened=_Signal(),
                            layoutDesignerWillBeClosed=_Signal(), layerSavedAs=_Signal(),
                            openLayoutDesigners=lambda: [], messageBar=lambda: None,
                            layerTreeView=lambda: None, activeLayer=lambda: None)
    guard = ExportGuard(iface, svc)
    wrapped = Processing.__dict__["runAlgorithm"]
    assert wrapped is not original

    cases = {
        "buffer_to_memory": lambda out: {"INPUT": layer, "DISTANCE": 0.001, "OUTPUT": "TEMPORARY_OUTPUT"},
        "savefeatures_to_gpkg": lambda out: {"INPUT": layer, "OUTPUT": str(out)},
    }
    algorithms = {"buffer_to_memory": "native:buffer", "savefeatures_to_gpkg": "native:savefeatures"}
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for case, make in cases.items():
            timings = {"original": [], "wrapped": []}
            for run in range(args.runs + 5):
                for side, function in (("original", original), ("wrapped", wrapped)):
                    Processing.runAlgorithm = function
                    parameters = make(Path(folder) / f"{case}_{side}_{run}.gpkg")
                    start = time.perf_counter()
                    processing.run(algorithms[case], parameters)
                    elapsed = time.perf_counter() - start
                    if run >= 5:  # warm-up runs are not counted
                        timings[side].append(elapsed)
            original_ms = statistics.median(timings["original"]) * 1000
            wrapped_ms = statistics.median(timings["wrapped"]) * 1000
            results[case] = {
                "algorithm": algorithms[case],
                "runs": args.runs,
                "features": args.features,
                "original_median_ms": round(original_ms, 3),
                "wrapped_median_ms": round(wrapped_ms, 3),
                "overhead_ms": round(wrapped_ms - original_ms, 3),
                "ratio": round(wrapped_ms / original_ms, 4),
            }
    Processing.runAlgorithm = wrapped
    guard.unload()
    assert Processing.__dict__["runAlgorithm"] is original
    report = {"benchmark": "export guard on unclassified work (processing.run wrapper vs original)",
              "qgis": __import__("qgis.core", fromlist=["Qgis"]).Qgis.QGIS_VERSION, "cases": results}
    output = ROOT / "bench" / "output" / "guard.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))


class _Signal:
    """Enough of a Qt signal for the guard's connect/disconnect without a desktop."""

    def connect(self, slot):
        pass

    def disconnect(self, slot):
        pass


if __name__ == "__main__":
    main()
