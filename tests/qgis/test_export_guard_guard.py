"""The export guard as a whole: unload restores what every channel installed; the online-layer check beside it."""

from __future__ import annotations

from classification_plugin.integration import export_guard as eg
from classification_plugin.integration.network_exposure import online_hosts, unapproved_hosts


def test_unload_restores_the_original_functions(qgis_processing, qgis_iface, guard_services, clean_project):
    from processing.core.Processing import Processing
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog

    # the batch dialog's after-run hook: finish on 3.22, createSummaryTable from 3.40 (no finish there)
    batch_done = "finish" if "finish" in BatchAlgorithmDialog.__dict__ else "createSummaryTable"
    # and from 3.40 each row's results as it ends (handleAlgorithmResults, called by the C++ base)
    per_row = [] if batch_done == "finish" else [(BatchAlgorithmDialog, "handleAlgorithmResults")]
    before = {(cls, name): cls.__dict__[name] for cls, name in [
        (Processing, "runAlgorithm"), (AlgorithmDialog, "runAlgorithm"), (AlgorithmDialog, "finish"),
        (BatchAlgorithmDialog, "runAlgorithm"), (BatchAlgorithmDialog, batch_done), *per_row]}
    guard = eg.ExportGuard(qgis_iface, guard_services)
    assert guard.disabled == {}
    assert all(cls.__dict__[name] is not original for (cls, name), original in before.items())
    hooked = guard.still_hooked()
    assert hooked["processing_run"] == 1 and hooked["algorithm_dialog"] == 2
    assert hooked["batch_dialog"] == 2 + len(per_row)
    guard.unload()
    assert all(cls.__dict__[name] is original for (cls, name), original in before.items())
    assert guard.still_hooked() == {}  # no patch, connection, filter or watched dialog left


def test_unloaded_guard_no_longer_blocks(qgis_processing, qgis_iface, guard_services, layer_of, tmp_path):
    import processing

    guard = eg.ExportGuard(qgis_iface, guard_services)
    guard.unload()
    secret = layer_of("secret")
    processing.run("native:savefeatures", {"INPUT": secret, "OUTPUT": str(tmp_path / "after.gpkg")})
    assert (tmp_path / "after.gpkg").exists()


def test_online_hosts():
    xyz = "type=xyz&url=https://tile.openstreetmap.org/%7Bz%7D/%7Bx%7D/%7By%7D.png&zmax=19"
    assert online_hosts("wms", xyz) == {"tile.openstreetmap.org"}
    assert online_hosts("ogr", "/data/x.gpkg") == set()
    assert unapproved_hosts("wms", xyz, ["maps.example.cn"]) == {"tile.openstreetmap.org"}
    assert unapproved_hosts("wms", xyz, ["openstreetmap.org"]) == set()
    assert unapproved_hosts("WFS", "typename=x", []) == {"?"}


def test_each_channel_undoes_only_its_own_hooks(export_guard):
    """Unloading one channel leaves the others guarding; a failed channel is named in disabled."""
    from processing.core.Processing import Processing

    assert export_guard.disabled == {}
    before = export_guard.still_hooked()
    assert {"dialogs", "processing_run", "clipboard"} <= set(before)
    export_guard.clipboard.unload()
    after = export_guard.still_hooked()
    assert "clipboard" not in after and after == {k: v for k, v in before.items() if k != "clipboard"}
    assert getattr(Processing.runAlgorithm, "classification_guard", False)  # processing.run still guarded


def test_connections_are_undone_even_when_an_object_is_already_gone(qgis_app):
    from qgis.PyQt import sip
    from qgis.PyQt.QtCore import QObject, QTimer

    from classification_plugin.integration.connections import Connections

    kept, gone = QTimer(), QObject()
    calls = []
    connections = Connections()
    connections.connect(kept.timeout, lambda: calls.append("kept"))
    connections.connect(gone.objectNameChanged, lambda *_args: calls.append("renamed"), owner=gone)
    assert len(connections) == 2
    sip.delete(gone)  # disconnecting its signal now would crash PyQt: left out
    connections.disconnect_all()
    assert len(connections) == 0
    kept.timeout.emit()
    assert "kept" not in calls
    connections.disconnect_all()  # twice is harmless
