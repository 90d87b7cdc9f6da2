"""A snapshot of the register of classified holdings, so that the Register panel opens at once.

The register is derived from the access log's custody events (:func:`core.custody.derive_register`);
for 100,000 copies that reads and decodes 170,000 events, seconds of work. A snapshot keeps the
derived register as it stood at one entry of the log, bound to that entry:

* its header names the entry's ``seq`` and its chain hash. An entry's hash covers every entry
  before it, so a snapshot whose entry still carries that hash was derived from the log as it is
  now, up to that entry; one that does not (a rewritten or cut log, another log) is not used;
* the body's digest is in the header: an HMAC with the log's administrator key when the log has
  one (nobody without the key can write a snapshot that passes), a SHA-256 otherwise (which
  catches a damaged file, not a forged one);
* the events after the snapshot's entry are read from the log and applied on top.

A snapshot is a cache, never the record: whoever opens the register from one also derives the
register from the whole log in the background and compares (:func:`same_register`), so a forged
snapshot is shown for seconds at most and then reported. Nothing here imports QGIS.

File format (UTF-8): one header line of JSON, then the body, JSON of the register's copies
(column by column, a repeated value written once), datasets and anomalies as plain arrays (JSON,
not pickle: a file that can be written by others must never run code when read).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from pathlib import Path

from classification_plugin.core.custody import Copy, DatasetEntry, Party, Register, paused_gc
from classification_plugin.core.i18n import tr

SNAPSHOT_FORMAT = "classification-guard-register/2"
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def _party_to_json(party: Party) -> list:
    return [party.unit, party.person]


def _party_from_json(value) -> Party:
    return Party(*value)


# how a copy's field is written, by the name of the Copy field: as JSON (what the snapshot holds)
# and back (what the register holds)
_TO_JSON = {"sender": _party_to_json, "recipient": _party_to_json, "caveats": list,
            "datasets": lambda datasets: [list(d) for d in datasets]}
_FROM_JSON = {"sender": _party_from_json, "recipient": _party_from_json, "caveats": tuple,
              "datasets": lambda value: tuple(tuple(d) for d in value)}


class SnapshotError(ValueError):
    """A snapshot that cannot be used; its message says why (the register is then derived)."""


def _digest(body: bytes, key: bytes | None) -> str:
    if key:
        return hmac.new(key, body, hashlib.sha256).hexdigest()
    return hashlib.sha256(body).hexdigest()


def _column(values: list, to_json=None):
    """A column of the copies: the values themselves, or, when they repeat (states, units,
    dates, the datasets of a package), ``{"values": each distinct value once, "index": the
    place of each row's}``. Repeated values are then read once, and shared when read back.
    ``to_json`` turns a value (Party, tuple) into what JSON holds."""
    places: dict = {}
    index = [places.setdefault(value, len(places)) for value in values]  # a copy's values are hashable
    if len(places) * 2 > len(values):
        return values if to_json is None else [to_json(value) for value in values]
    return {"values": list(places) if to_json is None else [to_json(value) for value in places], "index": index}


def encode(register: Register, seq: int, entry_hash: str, key: bytes | None = None) -> bytes:
    """The snapshot of ``register`` as derived from the log up to entry ``seq`` (chain hash
    ``entry_hash``): its copies column by column (:func:`_column`), its datasets and anomalies."""
    copies = list(register.copies.values())
    columns = {name: _column([copy[number] for copy in copies], _TO_JSON.get(name))
               for number, name in enumerate(Copy._fields)}
    body = _ENCODE({"copies": len(copies), "columns": columns,
                    "datasets": [[e.uid, e.name, e.level, e.copies] for e in register.datasets.values()],
                    "anomalies": [list(a) for a in register.anomalies]}).encode("utf-8")
    header = {"format": SNAPSHOT_FORMAT, "seq": int(seq), "hash": entry_hash, "keyed": bool(key),
              "digest": _digest(body, key)}
    return _ENCODE(header).encode("utf-8") + b"\n" + body


def decode(data: bytes, key: bytes | None = None) -> tuple:
    """``(register, seq, entry_hash)`` from a snapshot's bytes; :class:`SnapshotError` when the
    format, the digest or the body is not right."""
    header_line, newline, body = data.partition(b"\n")
    try:
        header = json.loads(header_line)
    except ValueError as error:
        raise SnapshotError(tr("the register snapshot's header does not parse ({error})")
                            .format(error=error)) from error
    if not newline or not isinstance(header, dict) or header.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(tr("the file is not a register snapshot of this version"))
    if bool(header.get("keyed")) != bool(key):
        raise SnapshotError(tr("the register snapshot was not written with this log's key"))
    if not hmac.compare_digest(str(header.get("digest", "")), _digest(body, key)):
        raise SnapshotError(tr("the register snapshot's digest does not match its content"))
    try:
        with paused_gc():
            register = _register(json.loads(body))
        seq, entry_hash = int(header["seq"]), str(header["hash"])
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise SnapshotError(tr("the register snapshot's content does not parse ({error})")
                            .format(error=error)) from error
    return register, seq, entry_hash


def _register(body: dict) -> Register:
    count = int(body["copies"])
    columns = []
    for name in Copy._fields:
        column = body["columns"][name]
        from_json = _FROM_JSON.get(name)
        if isinstance(column, dict):
            values = column["values"]
            if from_json is not None:
                values = [from_json(value) for value in values]
            if any(place < 0 for place in column["index"]):
                raise ValueError(f"a negative index in column {name}")
            column = [values[place] for place in column["index"]]
        elif from_json is not None:
            column = [from_json(value) for value in column]
        if len(column) != count:
            raise ValueError(f"column {name} holds {len(column)} values for {count} copies")
        columns.append(column)
    copies = dict(zip(columns[0], map(Copy._make, zip(*columns))))
    if len(copies) != count:
        raise ValueError("a package id is there twice")
    datasets = {uid: DatasetEntry(uid, name, level, package_ids) for uid, name, level, package_ids in body["datasets"]}
    return Register(copies, datasets, [tuple(anomaly) for anomaly in body["anomalies"]])


def read(path, key: bytes | None = None) -> tuple:
    """:func:`decode` of the file at ``path``; :class:`SnapshotError` when it cannot be read."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SnapshotError(tr("the register snapshot cannot be read ({error})").format(error=error)) from error
    return decode(data, key)


def write(path, register: Register, seq: int, entry_hash: str, key: bytes | None = None) -> None:
    """Write the snapshot atomically (a reader sees the old file or the new one, never half)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(encode(register, seq, entry_hash, key))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def same_register(one: Register, other: Register) -> bool:
    """Whether two registers hold the same copies, datasets and anomalies (the background check
    of a register opened from a snapshot against the one derived from the whole log). An
    anomaly's message is in the language of whoever derived it, so only its package and event
    are compared."""
    return (one.copies == other.copies and one.datasets == other.datasets
            and [a[:2] for a in one.anomalies] == [a[:2] for a in other.anomalies])
