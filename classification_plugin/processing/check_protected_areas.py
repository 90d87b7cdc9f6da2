"""classification:checkprotectedareas - survey features inside or near protected-area zones."""

from __future__ import annotations

from qgis.core import (
    QgsFeatureRequest,
    QgsField,
    QgsFields,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterVectorLayer,
    QgsVectorLayer,
    QgsWkbTypes,
)

from classification_plugin.core.i18n import tr
from classification_plugin.core.zones import ZONE_KINDS
from classification_plugin.integration.compat import (
    FIELD_ANY,
    NUMBER_DOUBLE,
    SINK_FAST_INSERT,
    SOURCE_VECTOR_ANY,
    SOURCE_VECTOR_POLYGON,
)
from classification_plugin.integration.fast_reader import is_geopackage
from classification_plugin.integration.protected_check import prepare_check, run_check
from classification_plugin.integration.protected_output import (
    OUTPUT_FIELDS,
    TableNotWritableError,
    add_pairs,
    memory_layer,
    write_geopackage,
)
from classification_plugin.processing.base import ClassificationAlgorithm


def _kind_names() -> list:
    return [tr("Military zone"), tr("Nature reserve"), tr("Critical infrastructure"), tr("Airport"), tr("Custom")]


class CheckProtectedAreasAlgorithm(ClassificationAlgorithm):
    GROUP_ID = "protectedareas"
    WRITES_INPUT_DATA = True  # its output holds the survey's geometries: the export guard judges it
    INPUT = "INPUT"
    PROTECTED = "PROTECTED"
    ZONE_NAME_FIELD = "ZONE_NAME_FIELD"
    ZONE_KIND = "ZONE_KIND"
    ZONE_KIND_FIELD = "ZONE_KIND_FIELD"
    BUFFER = "BUFFER"
    OUTPUT = "OUTPUT"
    CONFLICTS = "CONFLICTS"
    CONFLICTING_FEATURES = "CONFLICTING_FEATURES"

    def __init__(self) -> None:
        super().__init__()
        self._job = None

    def name(self) -> str:
        return "checkprotectedareas"

    def displayName(self) -> str:
        return tr("Check survey data against protected areas")

    def shortHelpString(self) -> str:
        return tr(
            "Finds every survey feature (point, track or footprint) that lies inside a protected-area "
            "zone or within the buffer distance of one. The buffer is in metres whatever the layers' "
            "CRSs. The output has one feature per (survey feature, zone) pair, with the survey "
            "feature's geometry, the zone and the distance (0 when inside)."
        )

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterVectorLayer(
            self.INPUT, tr("Survey layer"), [SOURCE_VECTOR_ANY]))
        self.addParameter(QgsProcessingParameterVectorLayer(
            self.PROTECTED, tr("Protected-area zones"), [SOURCE_VECTOR_POLYGON]))
        self.addParameter(QgsProcessingParameterField(
            self.ZONE_NAME_FIELD, tr("Zone name field"), parentLayerParameterName=self.PROTECTED,
            type=FIELD_ANY, optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.ZONE_KIND, tr("Zone kind (when there is no kind field)"), options=_kind_names(),
            defaultValue=len(ZONE_KINDS) - 1))
        self.addParameter(QgsProcessingParameterField(
            self.ZONE_KIND_FIELD, tr("Zone kind field"), parentLayerParameterName=self.PROTECTED,
            type=FIELD_ANY, optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.BUFFER, tr("Buffer distance (metres)"), type=NUMBER_DOUBLE, defaultValue=0.0,
            minValue=0.0))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Protected-area conflicts")))
        self.addOutput(QgsProcessingOutputNumber(self.CONFLICTS, tr("Conflicting pairs")))
        self.addOutput(QgsProcessingOutputNumber(self.CONFLICTING_FEATURES, tr("Conflicting survey features")))

    def prepareAlgorithm(self, parameters, context, feedback):
        # main thread: capture plain data (and a feature-source snapshot) from the layers
        survey = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        zones = self.parameterAsVectorLayer(parameters, self.PROTECTED, context)
        if survey is None or zones is None:
            raise QgsProcessingException(tr("The input layers could not be loaded"))
        kind_index = self.parameterAsEnum(parameters, self.ZONE_KIND, context)
        self._job = prepare_check(
            survey, zones, self.parameterAsDouble(parameters, self.BUFFER, context),
            zone_name_field=self.parameterAsString(parameters, self.ZONE_NAME_FIELD, context) or None,
            zone_kind=ZONE_KINDS[kind_index] if 0 <= kind_index < len(ZONE_KINDS) else "custom",
            zone_kind_field=self.parameterAsString(parameters, self.ZONE_KIND_FIELD, context) or None,
        )
        self._survey_crs = survey.crs()
        self._survey_wkb_type = survey.wkbType()
        # the check holds 2D points as x/y and other geometries as shapely read them (no M, no curves)
        wkb_type = self._survey_wkb_type
        self._held_geometries_fit = not (QgsWkbTypes.hasZ(wkb_type) or QgsWkbTypes.hasM(wkb_type)
                                         or QgsWkbTypes.isCurvedType(wkb_type))
        return True

    def processAlgorithm(self, parameters, context, feedback):
        result = run_check(self._job, feedback)
        for message in result.messages:
            feedback.pushWarning(message)
        if result.canceled:
            return {}
        sink, dest_id = self.parameterAsSink(parameters, self.OUTPUT, context, _output_fields(),
                                             self._survey_wkb_type, self._survey_crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        geometries = None
        if not self._held_geometries_fit:  # Z, M or curves: the geometries as QGIS stores them
            geometries = _survey_geometries(self._job.survey.feature_source, result.conflicting_fids())
        fields, reopened = _output_fields(), None
        table = _geopackage_table(dest_id) if geometries is None else None
        if geometries is None and table is None:
            layer = _memory_output(context, dest_id, result, fields, self._survey_wkb_type, self._survey_crs)
            if layer is not None:
                sink = None  # gone before the layer it writes to
                dest_id = _replace_temporary_layer(context, dest_id, layer)
        if table is not None:
            del sink  # QGIS made the empty table; closing its writer leaves the file to one transaction
            try:
                write_geopackage(*table, result)
            except TableNotWritableError:  # (not seen in practice) through QGIS after all
                reopened = QgsVectorLayer(dest_id, "output", "ogr")
                sink, fields = reopened.dataProvider(), reopened.fields()
            else:
                sink = None
        if sink is not None and not add_pairs(sink, result, fields, geometries, SINK_FAST_INSERT, feedback):
            if feedback.isCanceled():
                return {}
            raise QgsProcessingException(tr("The conflicting features could not be written"))
        del reopened
        pairs = tr("1 conflicting pair") if result.pair_count == 1 else tr("{count} conflicting pairs")
        features = tr("1 survey feature") if result.feature_count == 1 else tr("{count} survey features")
        feedback.pushInfo(tr("{pairs}, {features} in or near protected areas").format(
            pairs=pairs.format(count=result.pair_count), features=features.format(count=result.feature_count)))
        return {self.OUTPUT: dest_id, self.CONFLICTS: result.pair_count,
                self.CONFLICTING_FEATURES: result.feature_count}


def _output_fields() -> QgsFields:
    fields = QgsFields()
    for name, kind in OUTPUT_FIELDS:
        fields.append(_field(name, kind))
    return fields


def _memory_output(context, dest_id: str, result, fields, wkb_type, crs):
    """When the output is a memory layer of the run (Processing's "memory:" / temporary output),
    still empty: a new memory layer of the pairs filled in C++ (protected_output.memory_layer)
    under its name, to take its place; else None (the features go to the sink as usual)."""
    made = context.temporaryLayerStore().mapLayer(dest_id)
    if made is None or made.providerType() != "memory" or made.featureCount() != 0:
        return None
    return memory_layer(result, fields, wkb_type, crs, made.name())


def _replace_temporary_layer(context, dest_id: str, layer) -> str:
    """Put ``layer`` in the place of the run's temporary layer ``dest_id``, with its details for
    loading on completion; returns its id."""
    store = context.temporaryLayerStore()
    store.addMapLayer(layer)
    if context.willLoadLayerOnCompletion(dest_id):
        details = context.layersToLoadOnCompletion()
        details[layer.id()] = details.pop(dest_id)
        context.setLayersToLoadOnCompletion(details)
    store.removeMapLayer(dest_id)
    return layer.id()


def _geopackage_table(dest_id: str):
    """(path, table) when the output goes to a GeoPackage file, else None; the table is "" when
    the destination names none (QGIS then names it after the file)."""
    from qgis.core import QgsProviderRegistry

    parts = QgsProviderRegistry.instance().decodeUri("ogr", dest_id)
    path = parts.get("path") or ""
    if not is_geopackage(path):
        return None
    return path, parts.get("layerName") or ""


def _field(name: str, kind: str) -> QgsField:
    """A field of type ``kind``: QMetaType from QGIS 3.38 (Qt 6 ready), QVariant before (3.22 needs it)."""
    from qgis.core import Qgis

    if Qgis.QGIS_VERSION_INT >= 33800:
        from qgis.PyQt.QtCore import QMetaType

        return QgsField(name, getattr(QMetaType.Type, "QString" if kind == "String" else kind))
    from qgis.PyQt import QtCore

    return QgsField(name, getattr(QtCore.QVariant, kind))


def _survey_geometries(source, fids) -> dict:
    """Geometries of the conflicting survey features only (output stays proportional to conflicts)."""
    if len(fids) == 0:
        return {}
    request = QgsFeatureRequest().setFilterFids([int(f) for f in fids]).setNoAttributes()
    return {feature.id(): feature.geometry() for feature in source.getFeatures(request)}
