"""The export guard: classified layers cannot leave QGIS through its own export paths unnoticed.

One :class:`ExportGuard` (:mod:`.guard`) installs each channel on its own, and its ``unload()``
has each channel undo what it installed. Every channel goes through one :class:`~.gate.Gate`
(:mod:`.gate`): it decides (:mod:`classification_plugin.core.policy`), asks for a justification,
refuses, records every refusal, justification and allowed export of classified data through
``services().recorder``, and labels what was written. The channels:

- :mod:`.dialogs`: a 100 ms watch on the active modal dialog: Save Features As / raster Save As /
  Save Map as Image or PDF / DXF export dialogs are refused as they open (or need a justification
  first), and so are the temporal controller's Export Animation, the elevation profile's exports
  and a 3D map view's (Save as Image, Export 3D Scene, animation); Raster Calculator, Mesh
  Calculator, a raster added to Align Rasters (3.22) and Convert to Offline Project are judged
  when accepted;
- :mod:`.map_export`: a watch on the task manager: the render task of an allowed Save Map as
  Image / PDF gets the level's banner at the top and bottom (:mod:`..map_marking`), or is
  cancelled when layers shown after the dialog was checked are not allowed out;
- :mod:`.dxf`: on a DXF export dialog, its accepted and destroyed signals: QGIS 3.22 writes the
  file after the dialog is accepted and before it destroys the dialog (``QgisApp::dxfExport``);
  when it is accepted the layers ticked in its own layer list are judged (a refusal makes
  ``exec()`` return Rejected), when it is destroyed the written file gets the marking of those
  layers (:mod:`classification_plugin.core.dxf_marking`);
- :mod:`.drops`: event filters on the Browser panels' views and on those of dialogs made later
  (the Data Source Manager, modal or not): drops of classified layers or data sources are refused;
- :mod:`.processing`: wrappers around ``Processing.runAlgorithm`` (``processing.run``),
  ``AlgorithmDialog`` and ``BatchAlgorithmDialog`` ``runAlgorithm``/``finish``: classified inputs
  with file or database outputs are checked before the run, outputs are labelled (high-water
  mark) after it (Align Rasters from 3.26 included);
- :mod:`.db_import`: a wrapper around DB Manager's import dialog's ``accept()``, which writes into
  the database before the dialog's accepted signal (:mod:`.patches` holds the wrapping helpers);
- :mod:`.db_export`: the same for DB Manager's Export to File, judged by the table's own label;
- :mod:`.layouts`: proxies for the print layout designer's export and print actions
  (:mod:`.proxies` puts a checking proxy in place of a C++ window's action);
- :mod:`.georeferencer`: proxies for the Georeferencer's Start Georeferencing, Save GCP Points and
  Generate GDAL Script, judged by the file in its own map canvas; the output named in its
  Transformation Settings (read by the dialog watch) or the layer it loads is labelled;
- :mod:`.clipboard`: a clipboard watch that clears copied features of a blocked layer;
- :mod:`.records`: connections recording Save as Layer Definition / Copy Layer and labelling
  Save As outputs.

Scripts supply a justification for ``processing.run`` with :func:`justified`::

    from classification_plugin.integration.export_guard import justified
    with justified("Delivery to the survey bureau, contract 2024-17"):
        processing.run("native:savefeatures", {...})
"""

from __future__ import annotations

from classification_plugin.integration.export_guard.clipboard import clipboard_sources
from classification_plugin.integration.export_guard.dialogs import (
    MAP_DIALOGS,
    OFFLINE_DIALOG,
    POLL_MS,
    RASTER_CALC_DIALOG,
    SAVE_DIALOGS,
    offline_selected_layers,
    raster_calculator_inputs,
    raster_calculator_output,
)
from classification_plugin.integration.export_guard.drops import BROWSER_SCANNED, LAYER_TREE_MIME, URI_MIME
from classification_plugin.integration.export_guard.dxf import DXF_DIALOG, dxf_selected_layers
from classification_plugin.integration.export_guard.gate import APPROVED_LAYERS, Gate
from classification_plugin.integration.export_guard.guard import ExportGuard
from classification_plugin.integration.export_guard.layouts import LAYOUT_ACTIONS
from classification_plugin.integration.export_guard.outputs import (
    DATABASE_PREFIXES,
    TEMPORARY_OUTPUT,
    Output,
    destination_path,
    is_temporary,
)
from classification_plugin.integration.export_guard.patches import MissingHookError
from classification_plugin.integration.export_guard.processing import (
    LAYER_PARAMETER_TYPES,
    OWN_PROVIDER,
    current_justification,
    database_targets,
    justified,
    processing_inputs,
    processing_outputs,
)
from classification_plugin.integration.export_guard.records import RECORD_ONLY_ACTIONS

__all__ = [
    "APPROVED_LAYERS", "BROWSER_SCANNED", "DATABASE_PREFIXES", "DXF_DIALOG", "LAYER_PARAMETER_TYPES",
    "LAYER_TREE_MIME", "LAYOUT_ACTIONS", "MAP_DIALOGS", "OFFLINE_DIALOG", "OWN_PROVIDER", "POLL_MS",
    "RASTER_CALC_DIALOG", "RECORD_ONLY_ACTIONS", "SAVE_DIALOGS", "TEMPORARY_OUTPUT", "URI_MIME",
    "ExportGuard", "Gate", "MissingHookError", "Output", "clipboard_sources", "current_justification",
    "database_targets", "destination_path", "dxf_selected_layers", "is_temporary", "justified",
    "offline_selected_layers", "processing_inputs", "processing_outputs", "raster_calculator_inputs",
    "raster_calculator_output",
]
