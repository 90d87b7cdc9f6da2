"""Small GeoPackages written with GDAL alone, shared by the rings like ``photo_data``.

The end-to-end tests write them on the pytest side into ``tmp_path``, which the scenario in QGIS
sees as ``d.data_dir``.
"""

from __future__ import annotations


def not_null_gpkg(path):
    """A GeoPackage table ``sites`` whose ``name`` is NOT NULL, with one feature (fid 1, "a")."""
    from osgeo import ogr, osr

    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    table = source.CreateLayer("sites", srs, ogr.wkbPoint)
    field = ogr.FieldDefn("name", ogr.OFTString)
    field.SetNullable(False)
    table.CreateField(field)
    feature = ogr.Feature(table.GetLayerDefn())
    feature.SetField("name", "a")
    feature.SetGeometry(ogr.CreateGeometryFromWkt("POINT(116.39 39.91)"))
    assert table.CreateFeature(feature) == 0
    source = None
    return path


def geotiff(path, origin=(116.38, 39.95), size=(4, 4), fill=7, pixel=0.01):
    """A one-band byte GeoTIFF in EPSG:4326 whose top-left corner is ``origin`` (lon, lat)."""
    from osgeo import gdal, osr

    dataset = gdal.GetDriverByName("GTiff").Create(str(path), size[0], size[1], 1, gdal.GDT_Byte)
    dataset.SetGeoTransform((origin[0], pixel, 0, origin[1], 0, -pixel))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).Fill(fill)
    dataset = None  # written
    return path
