"""What the export guard costs on unclassified work, each way out with and without its hook on the
same public (unlabelled) data, N runs each:

- ``processing.run`` through the guard's wrapper against the original ``Processing.runAlgorithm``
  (a buffer to memory, a save to a GeoPackage, and on QGIS 3.26+ Raster > Align Rasters, whose
  files are named inside its LAYERS parameter);
- DB Manager's Import Layer/File into a GeoPackage: its dialog's wrapped ``accept()`` against the
  original;
- the dialog watch's poll (every 100 ms while QGIS runs): the time one look takes, as a share of
  the interval.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_guard.py [--runs 200] [--features 2000]

Writes bench/output/guard.json. The runs alternate (original, wrapped, original, ...) so that
drift in the machine's speed hits both sides alike; the ratio is wrapped median / original median.
"""

from __future__ import annotations

import argparse
import json
import shutil
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

    app = QgsApplication([], True)  # DB Manager's dialog is a widget
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

    folder = tempfile.mkdtemp()
    raster = _public_raster(Path(folder) / "public_dem.tif")
    cases = {
        "buffer_to_memory": ("native:buffer",
                             lambda out: {"INPUT": layer, "DISTANCE": 0.001, "OUTPUT": "TEMPORARY_OUTPUT"}),
        "savefeatures_to_gpkg": ("native:savefeatures", lambda out: {"INPUT": layer, "OUTPUT": str(out)}),
        "align_rasters": ("native:alignrasters", lambda out: {
            "LAYERS": [{"inputFile": raster, "outputFile": str(out.with_suffix(".tif")), "resampleMethod": 0,
                        "rescale": False}], "REFERENCE_LAYER": raster}),
    }
    results = {}
    for case, (algorithm, make) in cases.items():
        if QgsApplication.processingRegistry().algorithmById(algorithm) is None:
            continue  # native:alignrasters: QGIS 3.26+

        def run(side, index, algorithm=algorithm, make=make, case=case):
            Processing.runAlgorithm = original if side == "original" else wrapped
            processing.run(algorithm, make(Path(folder) / f"{case}_{side}_{index}.gpkg"))

        results[case] = {"algorithm": algorithm, "features": args.features, **_side_by_side(run, args.runs)}
    Processing.runAlgorithm = wrapped
    results["db_manager_import"] = _db_manager_import(layer, Path(folder), max(20, args.runs // 4))
    results["dialog_watch_poll"] = _poll_cost(guard, args.runs * 10)
    shutil.rmtree(folder, ignore_errors=True)
    Processing.runAlgorithm = wrapped
    guard.unload()
    assert Processing.__dict__["runAlgorithm"] is original
    report = {"benchmark": "export guard on unclassified work (each hook vs QGIS's own function)",
              "qgis": __import__("qgis.core", fromlist=["Qgis"]).Qgis.QGIS_VERSION, "cases": results}
    output = ROOT / "bench" / "output" / "guard.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))


def _side_by_side(run, runs: int) -> dict:
    """``run(side, index)`` for side original / wrapped alternately, 5 warm-up rounds uncounted."""
    timings = {"original": [], "wrapped": []}
    for index in range(runs + 5):
        for side in timings:
            start = time.perf_counter()
            run(side, index)
            elapsed = time.perf_counter() - start
            if index >= 5:
                timings[side].append(elapsed)
    original_ms = statistics.median(timings["original"]) * 1000
    wrapped_ms = statistics.median(timings["wrapped"]) * 1000
    return {"runs": runs, "original_median_ms": round(original_ms, 3), "wrapped_median_ms": round(wrapped_ms, 3),
            "overhead_ms": round(wrapped_ms - original_ms, 3), "ratio": round(wrapped_ms / original_ms, 4)}


def _public_raster(path: Path) -> str:
    from osgeo import gdal, osr

    dataset = gdal.GetDriverByName("GTiff").Create(str(path), 200, 200, 1, gdal.GDT_Byte)
    dataset.SetGeoTransform((116.38, 0.0001, 0, 39.95, 0, -0.0001))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).Fill(7)
    dataset = None
    return str(path)


def _db_manager_import(layer, folder: Path, runs: int) -> dict:
    """DB Manager's Import Layer/File of ``layer`` into a GeoPackage, its dialog's accept() as the
    guard wraps it against the original (a new table each run)."""
    from db_manager.db_plugins.gpkg.plugin import GPKGDBPlugin
    from db_manager.dlg_import_vector import DlgImportVector
    from osgeo import ogr
    from qgis.core import QgsDataSourceUri, QgsProviderRegistry
    from qgis.PyQt import sip
    from qgis.PyQt.QtWidgets import QMessageBox

    target = folder / "db_manager_target.gpkg"
    ogr.GetDriverByName("GPKG").CreateDataSource(str(target)).FlushCache()
    uri = QgsDataSourceUri()
    uri.setDatabase(str(target))
    GPKGDBPlugin.addConnection("classification_guard_bench", uri)
    plugin = GPKGDBPlugin("classification_guard_bench")
    plugin.connect()
    wrapped = DlgImportVector.__dict__["accept"]
    original = getattr(wrapped, "__wrapped__", None)
    information = QMessageBox.information
    QMessageBox.information = staticmethod(lambda *args: None)  # DB Manager's "Import was successful." box
    kept = []  # DB Manager's database objects are not collected mid-run (see the DB Manager test)
    try:
        def run(side, index):
            DlgImportVector.accept = original if side == "original" else wrapped
            dialog = DlgImportVector(None, plugin.database(), plugin.database().uri())
            dialog.cboInputLayer.setCurrentIndex(dialog.cboInputLayer.findData(layer.id()))
            dialog.cboTable.setEditText(f"{side}_{index}")
            dialog.accept()
            kept.append(plugin.database())
            sip.delete(dialog)

        return {"what": "DlgImportVector.accept", "features": layer.featureCount(), **_side_by_side(run, runs)}
    finally:
        DlgImportVector.accept = wrapped
        QMessageBox.information = information
        QgsProviderRegistry.instance().providerMetadata("ogr").deleteConnection("classification_guard_bench")


def _poll_cost(guard, looks: int) -> dict:
    """One look of the dialog watch (QGIS's top-level windows, no export dialog open), and its share
    of the 100 ms between looks. The desktop has some 140 top-level widgets (menus, docks' title
    bars, tool tips), which the look walks: as many hidden ones are made here."""
    from qgis.PyQt.QtWidgets import QApplication, QWidget

    _windows = [QWidget() for _ in range(max(0, 140 - len(QApplication.topLevelWidgets())))]
    times = []
    for _ in range(looks):
        start = time.perf_counter()
        guard.dialogs.check_now()
        times.append(time.perf_counter() - start)
    median_ms = statistics.median(times) * 1000
    return {"looks": looks, "top_level_widgets": len(QApplication.topLevelWidgets()),
            "median_ms": round(median_ms, 4), "share_of_time": round(median_ms / 100, 5)}


class _Signal:
    """Enough of a Qt signal for the guard's connect/disconnect without a desktop."""

    def connect(self, slot):
        pass

    def disconnect(self, slot):
        pass


if __name__ == "__main__":
    main()
