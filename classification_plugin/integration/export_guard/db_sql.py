"""DB Manager's SQL window (Database > DB Manager > SQL Window, a core plugin).

A query runs in the database and shows its rows in the window; two things take them further:
*Copy* of the selected result rows (the clipboard), and *Load as New Layer*, a query layer added to
the project. Which tables a query reads cannot be told for sure from its text (views, functions,
any SQL the database accepts), so every table of the database the query *names* counts: its own
label (a GeoPackage table's is in the file) and those of the project's layers reading it. A name
that is also a column's or an alias's only makes the decision stricter, never looser.

* Copying result rows is judged like any export to the clipboard: refused for data that may not
  leave, a justification where the policy asks one; nothing is copied when refused.
* A query layer is not an export (it stays in the project): it inherits the highest label of the
  tables its query names, so whatever is done with it next is judged by that label.

``executeSql`` is wrapped to remember the query whose rows the window shows (the editor's text can
change after it ran); ``copySelectedResults`` and ``loadSqlLayer`` are wrapped to judge.

:class:`QueryLayersChannel` does the same for a query layer from anywhere else (QGIS's own Execute
SQL window of a Browser connection, a project, a script), when it is added to the project.
"""

from __future__ import annotations

from qgis.core import QgsProject

from classification_plugin.core.i18n import tr
from classification_plugin.core.labels import highest_label
from classification_plugin.core.sql_names import named_identifiers
from classification_plugin.integration.export_guard.gate import Channel
from classification_plugin.integration.export_guard.patches import PatchingChannel
from classification_plugin.integration.tables import layers_reading_the_same_table

SQL_WINDOW = "DlgSqlWindow"  # db_manager/dlg_sql_window.py, 3.22 to 3.44
SHOWN_QUERY = "_classification_guard_query"  # the query whose rows the window shows


def tables_named(database, sql: str) -> list:
    """DB Manager's table objects of ``database`` whose name ``sql`` names."""
    names = named_identifiers(sql)
    if not names:
        return []
    try:
        tables = database.tables()
    except Exception:  # noqa: BLE001 - a database DB Manager cannot list: nothing to match
        return []
    return [table for table in tables if str(table.name).lower() in names]


class DbManagerSqlChannel(PatchingChannel):
    def install(self) -> None:
        try:
            from db_manager.dlg_sql_window import DlgSqlWindow
        except ImportError:  # DB Manager not installed: nothing to guard
            return
        channel = self

        def wrap_execute(original):
            def executeSql(dialog):
                setattr(dialog, SHOWN_QUERY, query_of(dialog))
                return original(dialog)

            return executeSql

        def wrap_copy(original):
            def copySelectedResults(dialog):
                if channel.judge_copy(dialog):
                    return original(dialog)
                return None

            return copySelectedResults

        def wrap_load(original):
            def loadSqlLayer(dialog):
                before = set(QgsProject.instance().mapLayers())
                result = original(dialog)
                added = [layer for layer_id, layer in QgsProject.instance().mapLayers().items()
                         if layer_id not in before]
                channel.label_query_layers(dialog, added)
                return result

            return loadSqlLayer

        for name, wrap in (("executeSql", wrap_execute), ("copySelectedResults", wrap_copy),
                           ("loadSqlLayer", wrap_load)):
            self.patches.patch(DlgSqlWindow, name, wrap)

    def sources(self, dialog, sql: str) -> list:
        """The layers of the tables ``sql`` names in the window's database, and the project's
        layers reading them."""
        layers = []
        for table in tables_named(getattr(dialog, "db", None), sql):
            try:
                layer = table.toMapLayer()
            except Exception:  # noqa: BLE001 - a table DB Manager cannot open as a layer
                continue
            if layer is not None and layer.isValid():
                layers += [layer, *layers_reading_the_same_table(layer)]
        return layers

    def judge_copy(self, dialog) -> bool:
        """Whether the selected result rows may go to the clipboard (asks or refuses as needed)."""
        view = getattr(dialog, "viewResult", None)
        selection = view.selectionModel() if view is not None else None
        if selection is None or not selection.selectedIndexes():
            return True  # their method copies nothing then
        sql = getattr(dialog, SHOWN_QUERY, None) or query_of(dialog)
        layers = self.sources(dialog, sql)
        if not layers:
            return True
        gate = self.gate
        rows = len(selection.selectedRows())
        what = tr("Copying {count} query result rows to the clipboard (DB Manager)").format(count=rows)
        ok, _message = gate.gate(layers, what, "db_manager_sql", {"dialog": SQL_WINDOW, "rows": rows,
                                                                  "query": sql[:500]},
                                 ask=lambda prompt: gate.ask(prompt, dialog), refuse=gate.refuse_later)
        return ok

    def label_query_layers(self, dialog, added) -> None:
        if not added:
            return
        sql = query_of(dialog)
        labels = [self.gate.label(layer) for layer in self.sources(dialog, sql)]
        if any(labels):
            self.gate.label_written_layers(added, labels, tr("Derived by a DB Manager query"))


def query_of(dialog) -> str:
    """The query the window runs now: the selected text of its editor, or all of it."""
    getter = getattr(dialog, "_getSqlQuery", None)
    try:
        return getter() if callable(getter) else ""
    except Exception:  # noqa: BLE001 - a window whose editor is gone
        return ""


class QueryLayersChannel(Channel):
    """A query layer added to the project (from DB Manager, QGIS's Execute SQL window, a project or
    a script) takes the highest label of the tables its query names, and keeps its own when that is
    higher: what is derived from classified tables is classified like them, whatever then takes it
    out (each way out judges it by that label)."""

    def install(self) -> None:
        self.connections.connect(QgsProject.instance().layersAdded, self.layers_added)

    def layers_added(self, layers) -> list:
        labelled = []
        for layer in layers:
            labels = self.gate.svc.labels.query_source_labels(layer)
            if not any(labels):
                continue
            current = self.gate.svc.labels.label(layer)
            top = highest_label([*labels, current], self.gate.scheme)
            if current is not None and top is not None and top.level == current.level:
                continue  # already as high as its tables (or higher)
            labelled += self.gate.label_written_layers([layer], [*labels, current], tr("Derived by a query"))
        return labelled
