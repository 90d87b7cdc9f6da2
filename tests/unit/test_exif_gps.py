"""EXIF GPS read exactly from JPEGs written by Pillow (tests/photo_data.py) and by hand (big-endian)."""

import struct

import photo_data
import pytest

from classification_plugin.core.exif_gps import read_gps

EXACT = 1e-7  # degrees; the writer rounds seconds to 1e-4" (3e-8 degrees)


@pytest.mark.parametrize("photo", photo_data.FLIGHT + photo_data.OTHER_ENCODINGS, ids=lambda p: p.name)
def test_positions_in_every_hemisphere_and_encoding(tmp_path, photo):
    position = read_gps(photo_data.write_photo(tmp_path, photo))
    assert position is not None
    assert abs(position.lat - photo.lat) < EXACT and abs(position.lon - photo.lon) < EXACT, (position, photo)
    assert position.alt == pytest.approx(photo.alt, abs=1e-3) if photo.alt is not None else position.alt is None


def test_xmp_segment_before_or_after_does_not_matter(tmp_path):
    photo = photo_data.Photo("x.jpg", -12.5, 130.25, 10.0, xmp=True)
    path = photo_data.write_photo(tmp_path, photo)
    data = path.read_bytes()
    assert b"drone-dji" in data
    assert read_gps(path) == read_gps(photo_data.write_photo(tmp_path, photo_data.Photo("y.jpg", -12.5, 130.25, 10.0)))


@pytest.mark.parametrize("photo", photo_data.WITHOUT_POSITION, ids=lambda p: p.name)
def test_photos_without_a_position(tmp_path, photo):
    assert read_gps(photo_data.write_photo(tmp_path, photo)) is None


def test_files_that_are_not_jpegs_or_cut_short(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 transfer cut short")
    assert read_gps(broken) is None
    assert read_gps(tmp_path / "missing.jpg") is None
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    assert read_gps(text) is None
    whole = photo_data.write_photo(tmp_path, photo_data.FLIGHT[0]).read_bytes()
    for cut in (30, 60, 120, 200):  # cut inside the EXIF block
        part = tmp_path / f"cut{cut}.jpg"
        part.write_bytes(whole[:cut])
        assert read_gps(part) is None, cut


def big_endian_jpeg(lat_rationals, lat_ref=b"S", lon_rationals=((70, 1), (39, 1), (155556, 10000)), lon_ref=b"W"):
    """A minimal JPEG head with a big-endian ("MM") EXIF block: IFD0 -> GPS IFD with refs and rationals."""
    gps_offset = 8 + 2 + 12 + 4  # header, IFD0 with one entry, next-IFD offset
    entries = 4
    data_offset = gps_offset + 2 + 12 * entries + 4
    lat = b"".join(struct.pack(">II", *r) for r in lat_rationals)
    lon = b"".join(struct.pack(">II", *r) for r in lon_rationals)
    tiff = b"MM" + struct.pack(">HI", 42, 8)
    tiff += struct.pack(">H", 1) + struct.pack(">HHII", 0x8825, 4, 1, gps_offset) + struct.pack(">I", 0)
    tiff += struct.pack(">H", entries)
    tiff += struct.pack(">HHI", 1, 2, 2) + lat_ref + b"\x00\x00\x00"
    tiff += struct.pack(">HHII", 2, 5, len(lat_rationals), data_offset)
    tiff += struct.pack(">HHI", 3, 2, 2) + lon_ref + b"\x00\x00\x00"
    tiff += struct.pack(">HHII", 4, 5, len(lon_rationals), data_offset + len(lat))
    tiff += struct.pack(">I", 0) + lat + lon
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + b"\xff\xda"


def test_big_endian_exif(tmp_path):
    path = tmp_path / "mm.jpg"
    path.write_bytes(big_endian_jpeg(((33, 1), (27, 1), (244404, 10000))))
    position = read_gps(path)
    assert position is not None and position.alt is None
    assert abs(position.lat - -(33 + 27 / 60 + 24.4404 / 3600)) < 1e-12
    assert abs(position.lon - -(70 + 39 / 60 + 15.5556 / 3600)) < 1e-12


def test_zero_denominator_or_impossible_latitude_is_no_position(tmp_path):
    path = tmp_path / "bad.jpg"
    path.write_bytes(big_endian_jpeg(((33, 0), (27, 1), (0, 1))))
    assert read_gps(path) is None
    path.write_bytes(big_endian_jpeg(((95, 1), (0, 1), (0, 1))))
    assert read_gps(path) is None
