"""Real drone photos and rasters, written at test time: JPEGs with EXIF GPS as a drone camera writes
them, a DJI XMP packet, photos without a position, and small georeferenced rasters with drone EXIF/XMP.

EXIF is written by Pillow (Debian's python3-pil), not by GDAL, so reading it back through GDAL and
QGIS tests a reader against an independent writer. Positions are stored the way DJI cameras store
them: degrees/1, minutes/1, seconds/10000 with N/S and E/W references, altitude in metres with
reference 0 (above sea level) or 1 (below). The seconds are rounded to 1e-4", so what is written
differs from :attr:`Photo.lat` / :attr:`Photo.lon` by less than 3e-8 degrees.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

# EXIF tag numbers (EXIF 2.32 / TIFF 6.0)
MAKE, MODEL, EXIF_IFD, GPS_IFD = 0x010F, 0x0110, 0x8769, 0x8825
DATE_TIME_ORIGINAL = 0x9003
GPS_VERSION, LAT_REF, LAT, LON_REF, LON, ALT_REF, ALT = 0, 1, 2, 3, 4, 5, 6

DJI_XMP_NAMESPACE = "http://www.dji.com/drone-dji/1.0/"


@dataclass(frozen=True)
class Photo:
    """One JPEG: ``lat``/``lon`` in signed decimal degrees (None: no GPS block at all)."""

    name: str
    lat: float | None = None
    lon: float | None = None
    alt: float | None = None
    make: str = "DJI"
    model: str = "FC6310"
    taken: str = "2026:11:03 10:15:00"
    xmp: bool = False  # add a DJI XMP packet (drone-dji namespace) after the EXIF block
    exif: bool = True  # False: a JPEG with no EXIF block at all
    encoding: str = "dms"  # how the rationals hold a coordinate: "dms", "minutes" or "degrees"

    @property
    def geotagged(self) -> bool:
        return self.lat is not None and self.lon is not None


#: A survey flight: positions in all four hemispheres, one inside the demo military zone
#: (Restricted Area 17, 116.38-116.42 E, 39.93-39.955 N), one in a sub-folder, one below sea level.
FLIGHT = (
    Photo("DJI_0001.JPG", 39.941234, 116.401234, 95.5, xmp=True),  # N/E, inside the zone
    Photo("DJI_0002.JPG", 39.850000, 116.300000, 88.25),  # N/E, ~12 km south-west of it
    Photo("DJI_0003.JPG", -33.456789, -70.654321, 612.125, make="Parrot", model="ANAFI"),  # S/W
    Photo("DJI_0004.JPG", 40.748817, -73.985428, 41.0),  # N/W
    Photo("flight2/DJI_0101.JPG", -33.856784, 151.215297, 12.5),  # S/E, in a sub-folder
    Photo("DJI_0005.JPG", 31.559000, 35.473200, -415.25),  # N/E, below sea level (Dead Sea)
)
#: Positions written as decimal degrees or decimal minutes: GDAL prints them with 6 digits.
OTHER_ENCODINGS = (
    Photo("IMG_1001.jpg", 39.9123457, 116.1234568, 1234.567, make="Apple", model="iPhone", encoding="degrees"),
    Photo("IMG_1002.jpg", -33.4567891, -70.6543219, 612.0, make="Apple", model="iPhone", encoding="degrees"),
    Photo("IMG_1003.jpg", 39.9123457, 116.1234568, encoding="minutes"),
)
#: Photos QGIS cannot place: a DJI photo taken without GPS lock, a JPEG with no EXIF at all.
WITHOUT_POSITION = (
    Photo("DJI_0006.JPG"),
    Photo("scan_0001.jpg", exif=False),
)
#: A file named .jpg that is not a JPEG (a transfer cut short).
BROKEN = "DJI_0007.JPG"


def dms(value: float) -> tuple:
    """|value| as the three EXIF rationals degrees/1, minutes/1, seconds/10000."""
    from PIL.TiffImagePlugin import IFDRational

    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600 * 10000)
    if seconds >= 600000:  # rounding reached a full minute
        minutes, seconds = minutes + 1, seconds - 600000
    if minutes >= 60:
        degrees, minutes = degrees + 1, minutes - 60
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 10000)


def rationals(value: float, encoding: str = "dms") -> tuple:
    """|value| as EXIF rationals: "dms" (DJI), "minutes" (deg/1, minutes/100000, 0/1) or "degrees"
    (degrees/10000000, 0/1, 0/1, as some phones and geotagging tools write it)."""
    from PIL.TiffImagePlugin import IFDRational

    value = abs(value)
    if encoding == "degrees":
        return IFDRational(round(value * 10**7), 10**7), IFDRational(0, 1), IFDRational(0, 1)
    if encoding == "minutes":
        return IFDRational(int(value), 1), IFDRational(round((value - int(value)) * 60 * 10**5), 10**5), \
            IFDRational(0, 1)
    return dms(value)


def exif_bytes(photo: Photo) -> bytes:
    """The EXIF block (TIFF structure) of ``photo``: Make, Model, DateTimeOriginal and GPS."""
    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational

    exif = Image.Exif()
    exif[MAKE] = photo.make
    exif[MODEL] = photo.model
    exif[EXIF_IFD] = {DATE_TIME_ORIGINAL: photo.taken}
    if photo.geotagged:
        gps = {
            GPS_VERSION: b"\x02\x03\x00\x00",
            LAT_REF: "N" if photo.lat >= 0 else "S",
            LAT: rationals(photo.lat, photo.encoding),
            LON_REF: "E" if photo.lon >= 0 else "W",
            LON: rationals(photo.lon, photo.encoding),
        }
        if photo.alt is not None:
            gps[ALT_REF] = b"\x00" if photo.alt >= 0 else b"\x01"
            gps[ALT] = IFDRational(round(abs(photo.alt) * 1000), 1000)
        exif[GPS_IFD] = gps
    return exif.tobytes()


def dji_xmp(photo: Photo) -> bytes:
    """An XMP packet as DJI cameras write it (tiff: and drone-dji: attributes)."""
    lat = f"{photo.lat:+.8f}" if photo.geotagged else ""
    lon = f"{photo.lon:+.8f}" if photo.geotagged else ""
    alt = f"{photo.alt:+.3f}" if photo.alt is not None else "+0.000"
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="DJI Meta Data" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
        f'xmlns:drone-dji="{DJI_XMP_NAMESPACE}" tiff:Make="{photo.make}" tiff:Model="{photo.model}" '
        f'drone-dji:GpsLatitude="{lat}" drone-dji:GpsLongitude="{lon}" drone-dji:AbsoluteAltitude="{alt}" '
        'drone-dji:RelativeAltitude="+80.000" drone-dji:GimbalPitchDegree="-90.00" '
        'drone-dji:FlightYawDegree="+12.30"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def with_xmp(jpeg: bytes, packet: bytes) -> bytes:
    """``jpeg`` with an APP1 XMP segment after its first APP segments (where cameras put it)."""
    assert jpeg[:2] == b"\xff\xd8", "not a JPEG"
    position = 2
    while jpeg[position] == 0xFF and 0xE0 <= jpeg[position + 1] <= 0xEF:  # skip APP0..APP15
        position += 2 + struct.unpack(">H", jpeg[position + 2:position + 4])[0]
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + packet
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:position] + segment + jpeg[position:]


def write_photo(folder: Path, photo: Photo, size=(64, 48)) -> Path:
    """Write ``photo`` under ``folder`` as a real baseline JPEG; returns its path."""
    import io

    from PIL import Image

    path = Path(folder) / photo.name
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (96, 128, 72))
    if photo.exif:
        image.save(buffer, "JPEG", quality=85, exif=exif_bytes(photo))
    else:
        image.save(buffer, "JPEG", quality=85)
    data = buffer.getvalue()
    if photo.xmp:
        data = with_xmp(data, dji_xmp(photo))
    path.write_bytes(data)
    return path


def write_flight(folder: Path, photos=FLIGHT, without_position=WITHOUT_POSITION, broken: bool = True,
                 extras: bool = True) -> Path:
    """A folder as a drone's SD card looks: geotagged photos, photos without a position, a broken file
    and (``extras``) files that are not photos at all; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for photo in (*photos, *without_position):
        write_photo(folder, photo)
    if broken:
        (folder / BROKEN).write_bytes(b"\xff\xd8\xff\xe0 transfer cut short")
    if extras:
        (folder / "flight_log.txt").write_text("not a photo\n", encoding="utf-8")
        (folder / "DJI_0001.MOV").write_bytes(b"\x00\x00\x00\x18ftypqt  ")
    return folder


# -- rasters ---------------------------------------------------------------------------------------
def write_jpeg_raster(path: Path, bounds, make: str = "DJI", model: str = "FC6310", size=(40, 25)) -> Path:
    """An orthophoto as a JPEG with EXIF Make/Model, a world file (.jgw) and its CRS (EPSG:4326) in
    a GDAL .aux.xml; ``bounds`` = (west, south, east, north) in degrees."""
    from PIL import Image

    path = Path(path)
    west, south, east, north = bounds
    width, height = size
    photo = Photo(path.name, make=make, model=model)
    Image.new("RGB", size, (90, 120, 60)).save(path, "JPEG", quality=85, exif=exif_bytes(photo))
    dx, dy = (east - west) / width, (north - south) / height
    # a world file gives the centre of the top-left pixel
    path.with_suffix(".jgw").write_text(f"{dx!r}\n0\n0\n{-dy!r}\n{west + dx / 2!r}\n{north - dy / 2!r}\n",
                                        encoding="ascii")
    Path(f"{path}.aux.xml").write_text("<PAMDataset><SRS>EPSG:4326</SRS></PAMDataset>\n", encoding="ascii")
    return path


def write_geotiff(path: Path, bounds, xmp: bytes | None = None, make: str = "", model: str = "",
                  size=(40, 25)) -> Path:
    """A GeoTIFF in EPSG:4326 covering ``bounds`` (west, south, east, north); ``xmp`` goes into TIFF tag
    700, where photogrammetry software keeps the drone's XMP; ``make``/``model`` into tags 271/272."""
    from PIL import Image
    from PIL.TiffImagePlugin import ImageFileDirectory_v2

    west, south, east, north = bounds
    width, height = size
    tags = ImageFileDirectory_v2()
    tags[33550] = ((east - west) / width, (north - south) / height, 0.0)  # ModelPixelScale
    tags.tagtype[33550] = 12  # DOUBLE
    tags[33922] = (0.0, 0.0, 0.0, west, north, 0.0)  # ModelTiepoint: pixel (0, 0) is the NW corner
    tags.tagtype[33922] = 12
    # GeoKeyDirectory: model type geographic, raster pixel-is-area, geographic CRS EPSG:4326
    tags[34735] = (1, 1, 0, 3, 1024, 0, 1, 2, 1025, 0, 1, 1, 2048, 0, 1, 4326)
    tags.tagtype[34735] = 3  # SHORT
    if make:
        tags[MAKE] = make
    if model:
        tags[MODEL] = model
    if xmp is not None:
        tags[700] = xmp
        tags.tagtype[700] = 1  # BYTE
    Image.new("RGB", size, (90, 120, 60)).save(Path(path), "TIFF", tiffinfo=tags)
    return Path(path)
