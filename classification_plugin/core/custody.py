"""Custody of classified data that leaves the unit: handover packages and their manifest, the
checks on receipt, the life of each copy, and the register derived from the access log.

A handover package is a folder named after its package id, holding the data (each dataset a file
carrying its label, with the custody of the copy in it), ``manifest.json`` and a receipt for the
recipient to sign. The manifest names every file with its SHA-256; the handover event in the
tamper-evident log holds the SHA-256 of the manifest itself. So a receiver can tell a changed,
missing or extra file, and a manifest changed together with the files, apart from the package
that was sent.

Each package is one *copy* of the datasets in it. Its state follows the log:

    handed over -> received -> returned | destroyed

A copy still handed over after its return-or-destroy date is *overdue*; one never received after
:data:`ACKNOWLEDGE_DAYS` is *never acknowledged*. The register is derived from the log's events
only, so it cannot be edited apart from the log.

Nothing here imports QGIS.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import NamedTuple

from classification_plugin.core.i18n import tr

MANIFEST_NAME = "manifest.json"
RECEIPT_NAME = "receipt.pdf"
PACKAGE_FILES = (MANIFEST_NAME, RECEIPT_NAME)  # in the folder, not listed in the manifest
MANIFEST_FORMAT = 1
NO_ONWARD_TRANSFER = "no_onward_transfer"
ACKNOWLEDGE_DAYS = 14  # a copy not received after this long is "never acknowledged"
_CHUNK = 1 << 20

# the copy's states, as the register shows them
HANDED_OVER = "handed_over"
RECEIVED = "received"
RETURNED = "returned"
DESTROYED = "destroyed"
OVERDUE = "overdue"
NEVER_ACKNOWLEDGED = "never_acknowledged"
STATES = (HANDED_OVER, RECEIVED, RETURNED, DESTROYED, OVERDUE, NEVER_ACKNOWLEDGED)
CLOSED = (RETURNED, DESTROYED)

# the log's actions for custody (core.audit.events.Action has the same values)
EVENT_HANDOVER = "handover"
EVENT_RECEIVED = "handover_received"
EVENT_RECEIVE_REFUSED = "handover_receive_refused"
EVENT_RETURNED = "copy_returned"
EVENT_DESTROYED = "copy_destroyed"
EVENT_ONWARD_REFUSED = "onward_transfer_refused"
CUSTODY_EVENTS = (EVENT_HANDOVER, EVENT_RECEIVED, EVENT_RETURNED, EVENT_DESTROYED)


class CustodyError(ValueError):
    """A package, a manifest or a request that cannot be used; the message names the problem."""


def state_name(state: str) -> str:
    return {
        HANDED_OVER: tr("handed over"), RECEIVED: tr("received"), RETURNED: tr("returned"),
        DESTROYED: tr("destroyed"), OVERDUE: tr("overdue"), NEVER_ACKNOWLEDGED: tr("never acknowledged"),
    }.get(state, state)


def caveat_name(caveat: str) -> str:
    return tr("no onward transfer") if caveat == NO_ONWARD_TRANSFER else caveat


# -- the manifest ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Party:
    unit: str
    person: str = ""

    def describe(self) -> str:
        return f"{self.person} ({self.unit})" if self.person else self.unit


@dataclass(frozen=True)
class PackagedDataset:
    uid: str  # the label's stable id: the same dataset in every copy
    name: str
    scheme: str
    level: str
    files: tuple[str, ...]  # its files in the package, relative, "/"-separated


@dataclass(frozen=True)
class Manifest:
    package_id: str
    created_at: str  # UTC, ISO 8601
    sender: Party
    recipient: Party
    purpose: str
    approval: str
    return_by: str  # YYYY-MM-DD, "" for none
    caveats: tuple[str, ...]
    datasets: tuple[PackagedDataset, ...]
    files: dict = field(default_factory=dict)  # relative path -> SHA-256 (hex)
    format: int = MANIFEST_FORMAT

    @property
    def no_onward_transfer(self) -> bool:
        return NO_ONWARD_TRANSFER in self.caveats

    def to_bytes(self) -> bytes:
        """The manifest as written: canonical JSON (sorted keys), so its hash is its identity."""
        data = asdict(self)
        data["files"] = dict(sorted(self.files.items()))
        return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CustodyError(tr("The manifest is not valid JSON: {error}").format(error=error)) from None
        try:
            if not isinstance(raw, dict) or raw.get("format") != MANIFEST_FORMAT:
                raise CustodyError(tr("The manifest is not a Classification Guard handover manifest (format {found})")
                                   .format(found=raw.get("format") if isinstance(raw, dict) else "?"))
            files = raw["files"]
            if not isinstance(files, dict) or not all(isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v)
                                                      for v in files.values()):
                raise CustodyError(tr("The manifest's file list is not a list of SHA-256 hashes"))
            datasets = tuple(PackagedDataset(uid=str(d["uid"]), name=str(d["name"]), scheme=str(d["scheme"]),
                                             level=str(d["level"]), files=tuple(str(f) for f in d["files"]))
                             for d in raw["datasets"])
            manifest = cls(package_id=str(raw["package_id"]), created_at=str(raw["created_at"]),
                           sender=Party(**{k: str(v) for k, v in raw["sender"].items()}),
                           recipient=Party(**{k: str(v) for k, v in raw["recipient"].items()}),
                           purpose=str(raw["purpose"]), approval=str(raw["approval"]),
                           return_by=str(raw.get("return_by", "")),
                           caveats=tuple(str(c) for c in raw.get("caveats", [])), datasets=datasets,
                           files={str(k): v for k, v in files.items()})
        except CustodyError:
            raise
        except (KeyError, TypeError, AttributeError) as error:
            raise CustodyError(tr("The manifest lacks a field or has a wrong one: {error}").format(
                error=error)) from None
        for path in manifest.files:
            if not safe_relative(path):
                raise CustodyError(tr("The manifest names a file outside its package: {path}").format(path=path))
        return manifest


def safe_relative(path: str) -> bool:
    """A relative "/"-separated path that stays inside its folder."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and "\\" not in path and all(p not in ("", ".", "..") for p in parts)


def sha256_file(path, chunk: int = _CHUNK) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_package_id(today: date | None = None) -> str:
    return f"HO-{(today or date.today()).strftime('%Y%m%d')}-{uuid.uuid4().hex[:8].upper()}"


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def package_files(folder: Path) -> list[str]:
    """Every file in a package folder, relative and "/"-separated, but the manifest and receipt."""
    found = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            relative = Path(root, name).relative_to(folder).as_posix()
            if relative not in PACKAGE_FILES:
                found.append(relative)
    return sorted(found)


def hash_files(folder: Path, relative_paths, cancelled=lambda: False, progress=lambda _fraction: None) -> dict:
    hashes = {}
    paths = list(relative_paths)
    for index, relative in enumerate(paths):
        if cancelled():
            raise CustodyError(tr("Cancelled"))
        hashes[relative] = sha256_file(folder / relative)
        progress((index + 1) / max(1, len(paths)))
    return hashes


# -- a handover request ---------------------------------------------------------------------------
@dataclass(frozen=True)
class HandoverRequest:
    recipient: Party
    purpose: str
    approval: str
    return_by: str = ""  # YYYY-MM-DD
    caveats: tuple[str, ...] = ()


def request_problems(request: HandoverRequest, today: date, units=None) -> list[str]:
    """What is wrong with ``request`` (nothing when it can go): every problem, each named."""
    problems = []
    if not request.recipient.unit.strip():
        problems.append(tr("Name the recipient unit"))
    elif units and request.recipient.unit not in units:
        problems.append(tr("The unit '{unit}' is not in the policy's list of units ({units})").format(
            unit=request.recipient.unit, units=", ".join(units)))
    if not request.recipient.person.strip():
        problems.append(tr("Name the person in the recipient unit who receives the data"))
    if not request.purpose.strip():
        problems.append(tr("Give the purpose of the handover"))
    if not request.approval.strip():
        problems.append(tr("Give the approval or contract number"))
    if request.return_by:
        try:
            when = datetime.strptime(request.return_by, "%Y-%m-%d").date()
        except ValueError:
            problems.append(tr("The return-or-destroy date '{value}' is not a date like 2027-06-30").format(
                value=request.return_by))
        else:
            if when < today:
                problems.append(tr("The return-or-destroy date {value} is in the past").format(value=request.return_by))
    return problems


# -- receiving -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PackageCheck:
    manifest: Manifest | None
    manifest_hash: str
    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # whole-package problems (manifest, hash against the sender's event)

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not (self.changed or self.missing or self.extra or self.problems)

    def messages(self) -> list[str]:
        out = list(self.problems)
        out += [tr("Changed since it was handed over: {path}").format(path=p) for p in self.changed]
        out += [tr("Missing from the package: {path}").format(path=p) for p in self.missing]
        out += [tr("Not part of the package: {path}").format(path=p) for p in self.extra]
        return out


def check_package(folder, sent_manifest_hash: str | None = None, cancelled=lambda: False,
                  progress=lambda _fraction: None) -> PackageCheck:
    """Verify a package folder: the manifest parses, its hash is the one the sender's handover
    event holds (when that event is known), and every file is there, unchanged, with no other."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        return PackageCheck(None, "", problems=(tr("No {name} in {folder}: this is not a handover package").format(
            name=MANIFEST_NAME, folder=folder),))
    data = manifest_path.read_bytes()
    digest = sha256_bytes(data)
    try:
        manifest = Manifest.from_bytes(data)
    except CustodyError as error:
        return PackageCheck(None, digest, problems=(str(error),))
    problems = []
    if sent_manifest_hash is not None and sent_manifest_hash != digest:
        problems.append(tr("The manifest is not the one package {package} was handed over with (its SHA-256 is "
                           "{found}, the sender's log has {sent})").format(package=manifest.package_id,
                                                                          found=digest, sent=sent_manifest_hash))
    present = set(package_files(folder))
    listed = set(manifest.files)
    missing = sorted(listed - present)
    extra = sorted(present - listed)
    hashes = hash_files(folder, sorted(listed & present), cancelled, progress)
    changed = sorted(path for path, digest_ in hashes.items() if digest_ != manifest.files[path])
    return PackageCheck(manifest, digest, tuple(changed), tuple(missing), tuple(extra), tuple(problems))


# -- onward transfer -------------------------------------------------------------------------------
def onward_refusal(custody, destination_unit: str | None = None) -> str:
    """Why data carrying ``custody`` (a core.labels.Custody, or None) cannot go to
    ``destination_unit`` (None: an export, not a handover); "" when it can."""
    if custody is None or not custody.no_onward_transfer:
        return ""
    if destination_unit is not None and destination_unit == custody.sender_unit:
        return ""  # back to its sender
    return tr("It came in handover package {package} from {unit} with no onward transfer: it can only go back "
              "to {unit}").format(package=custody.package_id, unit=custody.sender_unit)


# -- copies and the register -----------------------------------------------------------------------
@contextmanager
def paused_gc():
    """Python's cyclic garbage collector off while a register is built. Building 100,000 copies
    makes it walk every live object again and again (QGIS holds millions): the snapshot of such a
    register decodes in 0.2 s with it off against 0.5-1.4 s with it on. Nothing built here forms
    cycles, so nothing waits for the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Copy(NamedTuple):
    """One copy (handover package) as the log made it. Immutable: an event gives the register a
    new Copy (:meth:`_replace`). A named tuple, not a dataclass: a register holds 100,000 of them,
    made from a snapshot's columns by ``map(Copy._make, zip(*columns))`` in about half the time
    of a dataclass's ``__init__`` each."""
    package_id: str
    sender: Party
    recipient: Party
    handed_over_ms: int
    return_by: str
    caveats: tuple
    datasets: tuple  # (uid, name, level)
    manifest_hash: str = ""
    approval: str = ""
    purpose: str = ""
    state: str = HANDED_OVER  # as recorded: handed_over, received, returned, destroyed
    received_ms: int | None = None
    received_by: str = ""
    closed_ms: int | None = None
    closed_by: str = ""
    witness: str = ""

    def status(self, today: date, now_ms: int) -> str:
        """The state the register shows: the recorded one, or overdue / never acknowledged."""
        return shown_state(self, today.isoformat(), now_ms - ACKNOWLEDGE_DAYS * 86_400_000)


def shown_state(copy: Copy, today_iso: str, unacknowledged_ms: int) -> str:
    """:meth:`Copy.status` with the day as ISO text and the handover time before which a copy not
    received is never acknowledged (worked out once for a whole register)."""
    state = copy.state
    if state in CLOSED:
        return state
    if copy.return_by and copy.return_by < today_iso:
        return OVERDUE
    if state == HANDED_OVER and copy.handed_over_ms < unacknowledged_ms:
        return NEVER_ACKNOWLEDGED
    return state


def next_state(current: str | None, event: str) -> str:
    """The copy's recorded state after ``event``; CustodyError when the event cannot happen now."""
    if event == EVENT_HANDOVER:
        if current is not None:
            raise CustodyError(tr("This package was already handed over"))
        return HANDED_OVER
    if current is None:
        raise CustodyError(tr("No handover of this package is in the log"))
    if current in CLOSED:
        raise CustodyError(tr("This copy is already closed ({state})").format(state=state_name(current)))
    if event == EVENT_RECEIVED:
        if current == RECEIVED:
            raise CustodyError(tr("This package was already received"))
        return RECEIVED
    if event == EVENT_RETURNED:
        return RETURNED
    if event == EVENT_DESTROYED:
        return DESTROYED
    raise CustodyError(tr("Unknown custody event '{event}'").format(event=event))


@dataclass
class DatasetEntry:
    uid: str
    name: str
    level: str
    copies: list = field(default_factory=list)  # package ids


@dataclass
class Register:
    copies: dict = field(default_factory=dict)  # package id -> Copy
    datasets: dict = field(default_factory=dict)  # label uid -> DatasetEntry
    anomalies: list = field(default_factory=list)  # events that did not fit a copy's life

    def rows(self, today: date, now_ms: int, unit: str = "", level: str = "", state: str = "") -> list:
        """One row per (dataset, copy), filtered: (dataset entry, copy, status). ``unit`` matches the
        sender's or the recipient's unit."""
        out = []
        append = out.append
        copies = self.copies
        today_iso = today.isoformat()
        unacknowledged_ms = now_ms - ACKNOWLEDGE_DAYS * 86_400_000
        with paused_gc():
            for entry in self.datasets.values():
                if level and entry.level != level:
                    continue
                for package_id in entry.copies:
                    copy = copies[package_id]
                    if unit and unit != copy.sender.unit and unit != copy.recipient.unit:
                        continue
                    status = shown_state(copy, today_iso, unacknowledged_ms)
                    if state and status != state:
                        continue
                    append((entry, copy, status))
        return out

    def holders(self, uid: str, today: date, now_ms: int) -> list[str]:
        """Who holds a copy of dataset ``uid`` now (the recipient units of its open copies)."""
        entry = self.datasets.get(uid)
        if entry is None:
            return []
        return sorted({self.copies[p].recipient.unit for p in entry.copies
                       if self.copies[p].status(today, now_ms) not in CLOSED})


def derive_register(events, register: Register | None = None) -> Register:
    """The register from the log's custody events, in log order. ``events`` are dicts as the log's
    ``query`` returns them (``action``, ``time_ms``, ``user``, ``details``). With ``register``
    (one derived from the events before these, such as a snapshot's) the events are applied to it."""
    register = Register() if register is None else register
    with paused_gc():
        _apply(register, events)
    return register


def _apply(register: Register, events) -> None:
    parties: dict = {}  # one Party for each (unit, person): a few hundred for 100,000 copies
    for event in events:
        action = event.get("action")
        if action not in CUSTODY_EVENTS:
            continue
        details = event.get("details") or {}
        package_id = str(details.get("package_id", ""))
        copy = register.copies.get(package_id)
        try:
            state = next_state(copy.state if copy is not None else None, action)
        except CustodyError as error:
            register.anomalies.append((package_id, action, str(error)))
            continue
        if action == EVENT_HANDOVER:
            datasets = tuple((str(d.get("uid", "")), str(d.get("name", "")), str(d.get("level", "")))
                             for d in details.get("datasets", []))
            copy = Copy(package_id=package_id, sender=_party(details.get("sender"), parties),
                        recipient=_party(details.get("recipient"), parties), handed_over_ms=int(event["time_ms"]),
                        return_by=str(details.get("return_by", "")), caveats=tuple(details.get("caveats", [])),
                        datasets=datasets, manifest_hash=str(details.get("manifest_hash", "")),
                        approval=str(details.get("approval", "")), purpose=str(details.get("purpose", "")))
            register.copies[package_id] = copy
            for uid, name, level in datasets:
                entry = register.datasets.get(uid)
                if entry is None:
                    entry = register.datasets[uid] = DatasetEntry(uid, name, level)
                entry.name, entry.level = name, level  # the latest handover's
                entry.copies.append(package_id)
        elif action == EVENT_RECEIVED:
            register.copies[package_id] = copy._replace(state=state, received_ms=int(event["time_ms"]),
                                                        received_by=str(event.get("user", "")))
        else:
            register.copies[package_id] = copy._replace(
                state=state, closed_ms=int(event["time_ms"]), closed_by=str(details.get("by") or event.get("user", "")),
                witness=str(details.get("witness", "")))


def _party(value, parties: dict) -> Party:
    party = Party(str(value.get("unit", "")), str(value.get("person", ""))) if isinstance(value, dict) else Party("")
    return parties.setdefault(party, party)


REGISTER_COLUMNS = ("dataset_uid", "dataset", "level", "package_id", "sender_unit", "sender", "recipient_unit",
                    "recipient", "state", "handed_over", "return_by", "received", "closed", "closed_by", "witness",
                    "approval", "caveats")


def register_records(rows, iso=lambda ms: "" if ms is None else
                     datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M")) -> list[dict]:
    """The rows of :meth:`Register.rows` as flat records (the CSV export's columns)."""
    return [{
        "dataset_uid": entry.uid, "dataset": entry.name, "level": entry.level, "package_id": copy.package_id,
        "sender_unit": copy.sender.unit, "sender": copy.sender.person, "recipient_unit": copy.recipient.unit,
        "recipient": copy.recipient.person, "state": status, "handed_over": iso(copy.handed_over_ms),
        "return_by": copy.return_by, "received": iso(copy.received_ms), "closed": iso(copy.closed_ms),
        "closed_by": copy.closed_by, "witness": copy.witness, "approval": copy.approval,
        "caveats": ";".join(copy.caveats),
    } for entry, copy, status in rows]
