"""Role hints: which layers look like survey / drone data (plain Python, no QGIS)."""

import pytest

from classification_plugin.core.role_hints import LayerFacts, drone_maker, name_matches, suggest_role

PHOTO_TABLE = ("photo", "filename", "directory", "altitude", "direction", "rotation", "longitude",
               "latitude", "timestamp")


def test_gpx_track_is_a_track():
    facts = LayerFacts("tracks", provider="ogr", source="/data/Flight 12.GPX|layername=tracks",
                       geometry="line")
    hint = suggest_role(facts)
    assert hint is not None and hint.survey_kind == "tracks"
    assert "GPX" in hint.reason


def test_gpx_waypoints_are_points():
    facts = LayerFacts("waypoints", provider="ogr", source="/data/a.gpx|layername=waypoints",
                       geometry="point")
    assert suggest_role(facts).survey_kind == "points"


def test_gpx_needs_the_ogr_provider_and_the_extension():
    facts = LayerFacts("tracks", provider="memory", source="/data/a.gpx", geometry="line")
    assert suggest_role(facts) is None
    assert suggest_role(LayerFacts("tracks", provider="ogr", source="/data/a.gpkg|layername=tracks",
                                   geometry="line")) is None
    # a folder called gpx does not make a GeoPackage a GPX file
    assert suggest_role(LayerFacts("roads", provider="ogr", source="/data/x.gpx.d/roads.shp")) is None


def test_imported_geotagged_photos():
    facts = LayerFacts("Photos", provider="ogr", source="/tmp/p.gpkg", geometry="point", fields=PHOTO_TABLE)
    hint = suggest_role(facts)
    assert hint is not None and hint.survey_kind == "photos"


def test_a_photo_field_alone_is_not_enough():
    facts = LayerFacts("buildings", geometry="polygon", fields=("photo", "name", "height"))
    assert suggest_role(facts) is None


def test_photo_import_fields_in_another_case_still_match():
    facts = LayerFacts("x", geometry="point", fields=tuple(f.upper() for f in PHOTO_TABLE[:7]))
    assert suggest_role(facts).survey_kind == "photos"


@pytest.mark.parametrize("metadata", [
    {"EXIF_Make": "DJI", "EXIF_Model": "FC6310"},
    {"EXIF_Make": "Parrot"},
    {"xml:XMP": "<x:xmpmeta><rdf:Description drone-dji:GpsLatitude=\"39.9\"/></x:xmpmeta>"},
])
def test_raster_with_drone_metadata(metadata):
    hint = suggest_role(LayerFacts("ortho_0412", kind="raster", provider="gdal", metadata=metadata))
    assert hint is not None and hint.survey_kind == "raster"


def test_raster_from_an_ordinary_camera_is_not_a_hint():
    metadata = {"EXIF_Make": "Canon", "EXIF_Model": "EOS 5D", "AREA_OR_POINT": "Area"}
    assert drone_maker(metadata) == ""
    assert suggest_role(LayerFacts("scan", kind="raster", provider="gdal", metadata=metadata)) is None


def test_maker_names_only_count_in_make_model_or_xmp_fields():
    # a description mentioning "drone" is not a drone maker
    assert drone_maker({"TIFFTAG_IMAGEDESCRIPTION": "no drone used"}) == ""
    assert drone_maker({"EXIF_Make": "DJI"}) == "DJI"


@pytest.mark.parametrize("name,kind,geometry,expected", [
    ("drone_track", "vector", "line", "tracks"),
    ("UAV flight 3", "vector", "point", "points"),
    ("Survey footprints", "vector", "polygon", "footprints"),
    ("2026 航拍 正射影像", "raster", "", "raster"),
    ("无人机轨迹", "vector", "line", "tracks"),
    ("控制测量点", "vector", "point", "points"),
    ("flights_2026", "vector", "point", "points"),
])
def test_names(name, kind, geometry, expected):
    hint = suggest_role(LayerFacts(name, kind=kind, geometry=geometry))
    assert hint is not None and hint.survey_kind == expected, (name, hint)


@pytest.mark.parametrize("name", ["roads", "guava_farms", "countries", "resurvey_parcels", "protected_areas"])
def test_names_without_survey_words(name):
    # "guava" contains 'uav' and "resurvey" contains 'survey' inside a word: not a match
    assert name_matches(name) == ""
    assert suggest_role(LayerFacts(name, geometry="polygon")) is None


def test_other_layer_kinds_get_no_hint():
    assert suggest_role(LayerFacts("drone mesh", kind="mesh")) is None


def test_gpx_wins_over_the_name():
    facts = LayerFacts("survey", provider="ogr", source="/d/a.gpx|layername=tracks", geometry="line")
    assert "GPX" in suggest_role(facts).reason
