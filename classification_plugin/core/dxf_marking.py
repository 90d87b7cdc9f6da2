"""The classification marking of a DXF file QGIS has written (Project > Import/Export > Export
Project to DXF).

Pure Python, no QGIS: QGIS writes the whole DXF (ASCII, AutoCAD 2000 / AC1015) synchronously, and
the export guard then passes the file to :func:`mark_dxf_file`, which adds

- a ``999`` comment at the top of the file with the marking text;
- a layer ``CLASSIFICATION`` in the LAYER table, in the level's colour;
- on that layer, just above and just below the drawing's extent (``$EXTMIN``/``$EXTMAX``, which
  QGIS sets to the exported extent), a band (``SOLID``) in the level's background colour with the
  marking as centred ``TEXT`` in its text colour. Colours are written as the nearest basic ACI
  colour (group 62) and as true colour (group 420), as QGIS itself does. The extent in the header
  grows to take in the bands, so *Zoom Extents* in a CAD program shows them.

Everything else in the file is kept byte for byte. New entities get handles above every handle in
the file (``$HANDSEED`` is raised when needed). The text is plain ASCII whatever the file's code
page: other characters are written as DXF ``\\U+XXXX`` escapes, which AutoCAD and GDAL/OGR read
back as the original text. The new file replaces the old one in a single rename when the folder
allows it.
"""

from __future__ import annotations

import os
import tempfile

LAYER_NAME = "CLASSIFICATION"
COMMENT_PREFIX = "CLASSIFICATION: "
BAND_RATIO = 0.06  # band height against the drawing's height (or a fifth of its width when flatter)
TEXT_RATIO = 0.6  # text height against the band height
MAX_TEXT = 250  # characters of marking kept (a banner is far shorter)
# AutoCAD Color Index: the basic colours, used as the fallback of the true colour (group 420)
_ACI = {1: (255, 0, 0), 2: (255, 255, 0), 3: (0, 255, 0), 4: (0, 255, 255), 5: (0, 0, 255),
        6: (255, 0, 255), 7: (255, 255, 255), 8: (128, 128, 128), 9: (192, 192, 192)}


class DxfMarkingError(ValueError):
    """The file is not a DXF this module can mark safely (nothing was changed)."""


def dxf_text(text: str, mtext: bool = False) -> str:
    """``text`` as one ASCII DXF string value: line breaks become spaces, non-ASCII characters
    ``\\U+XXXX`` escapes (characters beyond the BMP, which DXF cannot escape, become ``?``); for
    MTEXT, its formatting characters (backslash, braces) are escaped too."""
    return "".join(_tokens(text, mtext))


def _mtext_chunks(text: str) -> list:
    """MTEXT's text as DXF wants it: 250-character pieces (escapes kept whole), all but the last
    in group 3, the last in group 1."""
    chunks = [""]
    for token in _tokens(text, True):
        if len(chunks[-1]) + len(token) > 250:
            chunks.append("")
        chunks[-1] += token
    return [(3, chunk) for chunk in chunks[:-1]] + [(1, chunks[-1])]


def _tokens(text: str, mtext: bool) -> list:
    out = []
    for char in " ".join(str(text).splitlines())[:MAX_TEXT]:
        code = ord(char)
        if code < 32:
            out.append(" ")
        elif mtext and char in "\\{}":
            out.append("\\" + char)
        elif code < 128:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\U+{code:04X}")
        else:
            out.append("?")
    return out


def _rgb(color: str) -> tuple[int, int, int]:
    value = str(color).strip().lstrip("#")
    if len(value) != 6:
        raise DxfMarkingError(f"colour {color!r} is not #RRGGBB")
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError as error:
        raise DxfMarkingError(f"colour {color!r} is not #RRGGBB") from error


def _aci(rgb) -> int:
    return min(_ACI, key=lambda index: sum((a - b) ** 2 for a, b in zip(_ACI[index], rgb)))


def _true_color(rgb) -> int:
    return (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]


def _number(value: float) -> str:
    return repr(float(value))


def _text_units(text: str) -> float:
    """Rough width of ``text`` in text heights: ideographs are square, Latin narrower."""
    return sum(1.0 if ord(char) > 0x2E80 else 0.8 for char in text) or 1.0


class _Dxf:
    """The file as lines and (code, value) pairs; edits are collected and applied at the end."""

    def __init__(self, data: bytes):
        self.lines = data.split(b"\n")
        self.newline_cr = bool(self.lines) and self.lines[0].endswith(b"\r")
        self.pairs = []  # (code, value, index of the code line)
        index = 0
        while index + 1 < len(self.lines):
            raw = self.lines[index].strip()
            if not raw and index + 2 >= len(self.lines):
                break
            try:
                code = int(raw)
            except ValueError as error:
                raise DxfMarkingError(f"line {index + 1} is not a group code: {raw[:40]!r}") from error
            value = self.lines[index + 1].rstrip(b"\r").strip().decode("latin-1")
            self.pairs.append((code, value, index))
            index += 2
        self.inserts: list = []  # (line index, [lines])
        self.replaced: dict = {}  # line index -> new value line

    def sections(self) -> dict:
        """{name: (index of the SECTION pair, index of its ENDSEC pair)}"""
        found, pairs, start = {}, self.pairs, None
        for number, (code, value, _line) in enumerate(pairs):
            if code == 0 and value == "SECTION" and number + 1 < len(pairs) and pairs[number + 1][0] == 2:
                start = number
            elif code == 0 and value == "ENDSEC" and start is not None:
                found.setdefault(pairs[start + 1][1], (start, number))
                start = None
        return found

    def header_point(self, header, name) -> tuple[int, dict]:
        """(pair number of ``$name``, {code: pair number}) of a header variable."""
        first, last = header
        for number in range(first, last):
            code, value, _line = self.pairs[number]
            if code == 9 and value == name:
                codes = {}
                for following in range(number + 1, last):
                    if self.pairs[following][0] in (0, 9):
                        break
                    codes[self.pairs[following][0]] = following
                return number, codes
        return -1, {}

    def line(self, text: str) -> bytes:
        return text.encode("ascii") + (b"\r" if self.newline_cr else b"")

    def group_lines(self, groups) -> list:
        lines = []
        for code, value in groups:
            lines.append(self.line(f"{code:>3}"))
            lines.append(self.line(str(value)))
        return lines

    def replace_value(self, number: int, value: str) -> None:
        self.replaced[self.pairs[number][2] + 1] = self.line(value)

    def insert(self, number: int, groups, before=True) -> None:
        """New groups before (or after) pair ``number``."""
        line = self.pairs[number][2] if before else self.pairs[number][2] + 2
        self.inserts.append((line, self.group_lines(groups)))

    def result(self) -> bytes:
        lines = list(self.lines)
        for index, value in self.replaced.items():
            lines[index] = value
        for index, new in sorted(self.inserts, key=lambda item: item[0], reverse=True):
            lines[index:index] = new
        return b"\n".join(lines)


def _float(dxf, number) -> float | None:
    try:
        return float(dxf.pairs[number][1])
    except (ValueError, IndexError, TypeError):
        return None


def _extent(dxf, header, entities):
    """(xmin, ymin, xmax, ymax) from $EXTMIN/$EXTMAX, else from the entities' points."""
    _n, low = dxf.header_point(header, "$EXTMIN")
    _n, high = dxf.header_point(header, "$EXTMAX")
    values = [_float(dxf, group[code]) if code in group else None
              for group, code in ((low, 10), (low, 20), (high, 10), (high, 20))]
    if None not in values and values[0] <= values[2] and values[1] <= values[3]:
        return tuple(values)
    xs, ys = [], []
    for number in range(entities[0], entities[1]):
        code = dxf.pairs[number][0]
        if 10 <= code <= 18 or 20 <= code <= 28:
            value = _float(dxf, number)
            if value is not None:
                (xs if code < 20 else ys).append(value)
    if xs and ys:
        return min(xs), min(ys), max(xs), max(ys)
    return 0.0, 0.0, 1.0, 1.0


def mark_dxf(data: bytes, text: str, background: str, foreground: str) -> bytes:
    """``data`` (an ASCII DXF) with the marking ``text`` in the given ``#RRGGBB`` colours.

    Raises :class:`DxfMarkingError` when the file is not a complete ASCII DXF with HEADER and
    ENTITIES sections."""
    if data.startswith(b"AutoCAD Binary DXF"):
        raise DxfMarkingError("binary DXF")
    dxf = _Dxf(data)
    if not dxf.pairs or dxf.pairs[-1][:2] != (0, "EOF"):
        raise DxfMarkingError("no EOF at the end: the file is incomplete")
    sections = dxf.sections()
    if "ENTITIES" not in sections or "HEADER" not in sections:
        raise DxfMarkingError("no HEADER or ENTITIES section")
    header, entities = sections["HEADER"], sections["ENTITIES"]
    back, fore = _rgb(background), _rgb(foreground)
    label = dxf_text(text)

    # handles: above every one in the file, and below $HANDSEED
    used = [int(value, 16) for code, value, _line in dxf.pairs[header[1]:]
            if code in (5, 105) and value and all(c in "0123456789abcdefABCDEF" for c in value)]
    next_handle = max(used, default=0x20) + 1
    seed_at, seed_codes = dxf.header_point(header, "$HANDSEED")

    def handle():
        nonlocal next_handle
        next_handle += 1
        return f"{next_handle - 1:X}"

    # the bands: just outside the drawing, so they never cover a feature
    xmin, ymin, xmax, ymax = _extent(dxf, header, entities)
    width, height = xmax - xmin, ymax - ymin
    span = max(height, width / 5) or 1.0
    if width <= 0:
        xmin, xmax, width = xmin - span / 2, xmax + span / 2, span
    band = span * BAND_RATIO
    size = min(band * TEXT_RATIO, 0.95 * width / _text_units(str(text)[:MAX_TEXT]))
    middle = (xmin + xmax) / 2
    entities_groups = []
    for low in (ymax, ymin - band):
        high = low + band
        entities_groups += [
            (0, "SOLID"), (5, handle()), (100, "AcDbEntity"), (8, LAYER_NAME), (62, _aci(back)),
            (420, _true_color(back)), (100, "AcDbTrace"),
            (10, _number(xmin)), (20, _number(low)), (30, "0.0"),
            (11, _number(xmax)), (21, _number(low)), (31, "0.0"),
            (12, _number(xmin)), (22, _number(high)), (32, "0.0"),
            (13, _number(xmax)), (23, _number(high)), (33, "0.0"),
            (0, "MTEXT"), (5, handle()), (100, "AcDbEntity"), (8, LAYER_NAME), (62, _aci(fore)),
            (420, _true_color(fore)), (100, "AcDbMText"),
            (10, _number(middle)), (20, _number(low + band / 2)), (30, "0.0"),
            (40, _number(size)), (41, _number(width)), (71, 5), (72, 1), *_mtext_chunks(text),
        ]
    dxf.insert(entities[1], entities_groups)

    # the layer, unless the drawing has one of that name already
    layer_table = None
    if "TABLES" in sections:
        first, last = sections["TABLES"]
        for number in range(first, last):
            if dxf.pairs[number][:2] == (0, "TABLE") and dxf.pairs[number + 1][:2] == (2, "LAYER"):
                layer_table = number
                break
    if layer_table is not None:
        end = next((n for n in range(layer_table, len(dxf.pairs)) if dxf.pairs[n][:2] == (0, "ENDTAB")), None)
        names = [value for code, value, _line in dxf.pairs[layer_table:end] if code == 2]
        records = [n for n in range(layer_table + 1, end or layer_table) if dxf.pairs[n][:2] == (0, "LAYER")]
        if end is not None and LAYER_NAME not in names[1:]:
            plot_style = next((dxf.pairs[n][1] for n in range(records[0], end) if dxf.pairs[n][0] == 390),
                              None) if records else None
            record = [(0, "LAYER"), (5, handle()), (100, "AcDbSymbolTableRecord"), (100, "AcDbLayerTableRecord"),
                      (2, LAYER_NAME), (70, "     0"), (62, _aci(back)), (420, _true_color(back)),
                      (6, "CONTINUOUS")]
            if plot_style:
                record.append((390, plot_style))
            dxf.insert(end, record)
            count = next((n for n in range(layer_table + 2, records[0] if records else end)
                          if dxf.pairs[n][0] == 70), None)
            if count is not None and dxf.pairs[count][1].isdigit():
                dxf.replace_value(count, f"{int(dxf.pairs[count][1]) + 1:>6}")

    # $HANDSEED above the new handles; the extent takes in the bands
    if seed_at >= 0 and 5 in seed_codes:
        try:
            seed = int(dxf.pairs[seed_codes[5]][1], 16)
        except ValueError:
            seed = 0
        if seed <= next_handle:
            dxf.replace_value(seed_codes[5], f"{next_handle + 1:X}")
    for name, y in (("$EXTMIN", ymin - band), ("$EXTMAX", ymax + band)):
        _n, codes = dxf.header_point(header, name)
        if 20 in codes:
            dxf.replace_value(codes[20], _number(y))
    dxf.inserts.append((0, dxf.group_lines([(999, COMMENT_PREFIX + label)])))
    return dxf.result()


def mark_dxf_file(path, text: str, background: str, foreground: str) -> None:
    """Mark the DXF file at ``path`` in place: a new file renamed over it, or, when the folder
    does not allow a new file, the same file rewritten."""
    path = os.fspath(path)
    with open(path, "rb") as handle:
        data = handle.read()
    marked = mark_dxf(data, text, background, foreground)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".classification-", suffix=".dxf", dir=folder)
    except OSError:
        with open(path, "r+b") as handle:
            handle.write(marked)
            handle.truncate()
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(marked)
        try:
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        except OSError:
            pass
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
