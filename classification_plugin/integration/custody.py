"""Custody on the desktop and in Processing: writing a handover package, receiving one, closing a
copy, and reading the register from the access log (the rules are in :mod:`core.custody`).

A package is written into the destination the user names, which the export policy judges like any
export (refused, justified or allowed, approved folders included); each layer is written as a new
file (vector layers as a GeoPackage, rasters as a GeoTIFF with its label in a .qmd beside it)
whose label is the original's with the copy's custody in it, so the received data carries the
package id, the sender and any restriction. The log's handover event holds the manifest's SHA-256.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import os
import re
import shutil
import socket
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProject,
    QgsRasterFileWriter,
    QgsRasterLayer,
    QgsRasterPipe,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from classification_plugin.core import custody as rules
from classification_plugin.core import register_snapshot as snapshot
from classification_plugin.core.audit import AuditFilter
from classification_plugin.core.audit.events import Action, Outcome
from classification_plugin.core.custody import CustodyError, HandoverRequest, Manifest, PackagedDataset, Party
from classification_plugin.core.i18n import bilingual, current_language, tr
from classification_plugin.core.labels import Custody
from classification_plugin.core.policy import ALLOW, BLOCK, JUSTIFY, decide
from classification_plugin.integration.compat import RASTER_WRITER_OK

DATA_FOLDER = "data"
UNIT_ENV = "CLASSIFICATION_GUARD_UNIT"
REGISTER_QUERY_LIMIT = 10_000_000


def own_unit(svc) -> str:
    """This workstation's unit: the policy's ``custody.unit``, else CLASSIFICATION_GUARD_UNIT, else the host name."""
    policy = getattr(svc, "policy", None)
    values = policy.values.get("custody", {}) if policy is not None and not policy.failed else {}
    return values.get("unit") or os.environ.get(UNIT_ENV) or socket.gethostname()


def known_units(svc) -> tuple:
    """The units a package may go to, when the policy lists them (else any)."""
    policy = getattr(svc, "policy", None)
    values = policy.values.get("custody", {}) if policy is not None and not policy.failed else {}
    return tuple(values.get("units", ()))


@dataclass
class HandoverResult:
    ok: bool
    message: str = ""
    package_id: str = ""
    folder: str = ""
    manifest_hash: str = ""
    problems: list = field(default_factory=list)


@dataclass
class ReceiveResult:
    ok: bool
    message: str = ""
    package_id: str = ""
    files: list = field(default_factory=list)  # the data files received, to open
    problems: list = field(default_factory=list)
    manifest: Manifest | None = None


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._")
    return cleaned or "layer"


class CustodyService:
    """Handovers, receipts and closures for one user, recorded in the plugin's log."""

    def __init__(self, svc, user: str = "", person: str = ""):
        self.svc = svc
        self.user = user or svc.labels.user
        self.person = person or self.user

    # -- handing over --------------------------------------------------------------------------
    def decision(self, layers, destination: str):
        """The export policy's strictest decision for writing ``layers`` into ``destination``:
        (decision, layer, label)."""
        strictest = None
        order = {ALLOW: 0, JUSTIFY: 1, BLOCK: 2}
        for layer in layers:
            label = self.svc.labels.label(layer)
            decision = decide(label.level if label else None, self.svc.labels.scheme, self.svc.settings,
                              destination, False, current_language())
            if strictest is None or order[decision.action] > order[strictest[0].action]:
                strictest = (decision, layer, label)
        return strictest

    def hand_over(self, layers, request: HandoverRequest, destination: str, justification: str = "",
                  feedback=None, today: date | None = None) -> HandoverResult:
        """Write a handover package of ``layers`` into ``destination``; nothing is left behind when
        it is refused or fails."""
        today = today or date.today()
        layers = [layer for layer in layers if layer is not None]
        problems = [] if layers else [tr("Choose at least one layer to hand over")]
        problems += rules.request_problems(request, today, known_units(self.svc))
        if not destination or not Path(destination).is_dir():
            problems.append(tr("The destination folder '{folder}' does not exist").format(folder=destination))
        labels = []
        for layer in layers:
            label = self.svc.labels.label(layer)
            if label is None:
                problems.append(tr("'{layer}' has no label: classify it before handing it over").format(
                    layer=layer.name()))
            elif not isinstance(layer, (QgsVectorLayer, QgsRasterLayer)):
                problems.append(tr("'{layer}' is neither a vector nor a raster layer").format(layer=layer.name()))
            labels.append(label)
        if problems:
            return HandoverResult(False, "\n".join(problems), problems=problems)
        for layer, label in zip(layers, labels):
            refusal = rules.onward_refusal(label.custody, request.recipient.unit)
            if refusal:
                self.svc.recorder.record(Action.ONWARD_TRANSFER_REFUSED, layer, outcome=Outcome.BLOCKED, details={
                    "package_id": label.custody.package_id, "destination": request.recipient.unit,
                    "channel": "handover", "reason": refusal})
                message = tr("Handing over '{layer}' refused: {reason}").format(layer=layer.name(), reason=refusal)
                return HandoverResult(False, message, problems=[message])
        decision, top_layer, top_label = self.decision(layers, destination)
        details = {"channel": "handover", "destination": destination, "level": top_label.level,
                   "reason": decision.reason, "recipient": request.recipient.unit}
        if decision.action == BLOCK or (decision.action == JUSTIFY and not justification.strip()):
            self.svc.recorder.record(Action.EXPORT_BLOCKED, top_layer, outcome=Outcome.BLOCKED, details=details)
            reason = decision.reason if decision.action == BLOCK else tr("a written justification is needed")
            message = tr("Handing over '{layer}' to {folder} refused: {reason}").format(
                layer=top_layer.name(), folder=destination, reason=reason)
            return HandoverResult(False, message, problems=[message])
        outcome = Outcome.JUSTIFIED if decision.action == JUSTIFY else Outcome.ALLOWED
        self.svc.recorder.record(Action.EXPORT_ALLOWED, top_layer, outcome=outcome,
                                 details={**details, "justification": justification.strip()})
        package_id = rules.new_package_id(today)
        folder = Path(destination) / package_id
        try:
            manifest, data = self._write(folder, package_id, layers, labels, request, today, feedback)
        except CustodyError as error:  # cancelled, or a layer that could not be written: nothing is left
            shutil.rmtree(folder, ignore_errors=True)
            return HandoverResult(False, str(error), problems=[str(error)])
        except Exception:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        digest = rules.sha256_bytes(data)
        try:
            write_receipt(folder / rules.RECEIPT_NAME, manifest, digest)
        except Exception as error:  # noqa: BLE001 - the package stands without its printed receipt
            if feedback is not None:
                feedback.reportError(tr("The receipt could not be written: {error}").format(error=error), False)
        self.svc.recorder.record(Action.HANDOVER, top_layer, details={
            "package_id": package_id, "manifest_hash": digest, "sender": vars_of(manifest.sender),
            "recipient": vars_of(manifest.recipient), "purpose": manifest.purpose, "approval": manifest.approval,
            "return_by": manifest.return_by, "caveats": list(manifest.caveats), "folder": str(folder),
            "datasets": [{"uid": d.uid, "name": d.name, "level": d.level} for d in manifest.datasets]})
        return HandoverResult(True, tr("Handover package {package} written to {folder}").format(
            package=package_id, folder=folder), package_id, str(folder), digest)

    def _write(self, folder: Path, package_id, layers, labels, request, today, feedback) -> tuple:
        (folder / DATA_FOLDER).mkdir(parents=True)
        sender = Party(own_unit(self.svc), self.person)
        datasets, used = [], set()
        for index, (layer, label) in enumerate(zip(layers, labels)):
            if feedback is not None:
                if feedback.isCanceled():
                    raise CustodyError(tr("Cancelled"))
                feedback.setProgress(100.0 * index / len(layers))
            stem = _safe_name(layer.name())
            while stem in used:
                stem += "_"
            used.add(stem)
            custody = Custody(package_id=package_id, sender_unit=sender.unit, sender_person=sender.person,
                              recipient_unit=request.recipient.unit, handed_over_at=today.isoformat(),
                              return_by=request.return_by,
                              no_onward_transfer=rules.NO_ONWARD_TRANSFER in request.caveats)
            files = self._write_layer(folder / DATA_FOLDER, stem, layer, replace(label, custody=custody))
            datasets.append(PackagedDataset(uid=label.uid, name=layer.name(), scheme=label.scheme,
                                            level=label.level, files=tuple(sorted(files))))
        listed = rules.package_files(folder)
        manifest = Manifest(package_id=package_id, created_at=rules.utc_now(), sender=sender,
                            recipient=request.recipient, purpose=request.purpose.strip(),
                            approval=request.approval.strip(), return_by=request.return_by,
                            caveats=tuple(request.caveats), datasets=tuple(datasets),
                            files=rules.hash_files(folder, listed))
        data = manifest.to_bytes()
        (folder / rules.MANIFEST_NAME).write_bytes(data)
        return manifest, data

    def _write_layer(self, folder: Path, stem: str, layer, label) -> list[str]:
        """Write one layer's copy with ``label``; returns its files, relative to the package."""
        context = QgsProject.instance().transformContext()
        if isinstance(layer, QgsVectorLayer):
            path = folder / f"{stem}.gpkg"
            options = QgsVectorFileWriter.SaveVectorOptions()
            options.driverName, options.layerName = "GPKG", stem
            error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), context, options)
            if error[0] != QgsVectorFileWriter.WriterError.NoError:
                raise CustodyError(tr("'{layer}' could not be written: {error}").format(layer=layer.name(),
                                                                                       error=error[1]))
            copy = QgsVectorLayer(f"{path}|layername={stem}", layer.name(), "ogr")
        else:
            path = folder / f"{stem}.tif"
            with gdal_side_files_off():
                copy = self._write_raster(path, layer, context)
        if not copy.isValid():
            raise CustodyError(tr("The copy of '{layer}' cannot be opened").format(layer=layer.name()))
        with gdal_side_files_off():
            self.svc.labels.write(copy, label)
            del copy
        return [Path(root, name).relative_to(folder.parent).as_posix()
                for root, _dirs, names in os.walk(folder) for name in names if name.startswith(stem + ".")]

    @staticmethod
    def _write_raster(path: Path, layer, context) -> QgsRasterLayer:
        provider = layer.dataProvider()
        pipe = QgsRasterPipe()
        if not pipe.set(provider.clone()):
            raise CustodyError(tr("'{layer}' could not be read").format(layer=layer.name()))
        writer = QgsRasterFileWriter(str(path))
        error = writer.writeRaster(pipe, provider.xSize(), provider.ySize(), provider.extent(), provider.crs(),
                                   context)
        if error != RASTER_WRITER_OK:
            raise CustodyError(tr("'{layer}' could not be written (error {error})").format(
                layer=layer.name(), error=int(error)))
        return QgsRasterLayer(str(path), layer.name(), "gdal")

    # -- receiving -----------------------------------------------------------------------------
    def receive(self, folder: str, feedback=None) -> ReceiveResult:
        """Check a package and record it as received; nothing is received when a check fails."""
        folder = Path(folder)
        if folder.is_file() and folder.name == rules.MANIFEST_NAME:
            folder = folder.parent
        package_id = _package_id(folder)
        known = self.package_copy(package_id) if package_id else None  # its events in this log
        sent = known.manifest_hash if known is not None else None
        check = rules.check_package(folder, sent, cancelled=(feedback.isCanceled if feedback else lambda: False),
                                    progress=(lambda f: feedback.setProgress(100 * f)) if feedback else lambda f: None)
        state = known.state if known is not None else None
        problems = check.messages()
        if check.ok and state in (rules.RECEIVED, *rules.CLOSED):
            problems.append(tr("Package {package} is already {state}").format(package=package_id,
                                                                             state=rules.state_name(state)))
        if problems:
            self.svc.recorder.record(Action.HANDOVER_RECEIVE_REFUSED, None, outcome=Outcome.BLOCKED, details={
                "package_id": package_id, "folder": str(folder), "problems": problems})
            message = tr("Package {package} was not received:").format(package=package_id or str(folder))
            return ReceiveResult(False, message + "\n" + "\n".join(problems), package_id, problems=problems,
                                 manifest=check.manifest)
        manifest = check.manifest
        details = {"package_id": package_id, "manifest_hash": check.manifest_hash, "sender": vars_of(manifest.sender),
                   "receiver": {"unit": own_unit(self.svc), "person": self.person}, "folder": str(folder),
                   "sender_event_found": sent is not None}
        self.svc.recorder.record(Action.HANDOVER_RECEIVED, None, details=details)
        files = [str(folder / f) for d in manifest.datasets for f in d.files if f.endswith((".gpkg", ".tif"))]
        message = tr("Package {package} from {sender} received: {count} dataset(s), every file checked").format(
            package=package_id, sender=manifest.sender.describe(), count=len(manifest.datasets))
        if sent is None:
            message += " " + tr("(its handover is not in this log, so the manifest itself could not be checked "
                                "against the sender's record)")
        return ReceiveResult(True, message, package_id, files, manifest=manifest)

    # -- closing a copy ------------------------------------------------------------------------
    def close_copy(self, package_id: str, destroyed: bool, by: str, witness: str = "", when: str = "") -> str:
        """Record that copy ``package_id`` came back or was destroyed; raises CustodyError when the
        log does not allow it (unknown package, already closed) or input is missing."""
        if not by.strip():
            raise CustodyError(tr("Name who returned or destroyed the copy"))
        if destroyed and not witness.strip():
            raise CustodyError(tr("A destruction needs a witness"))
        when = when or date.today().isoformat()
        try:
            datetime.strptime(when, "%Y-%m-%d")
        except ValueError:
            raise CustodyError(tr("'{value}' is not a date like 2027-06-30").format(value=when)) from None
        event = rules.EVENT_DESTROYED if destroyed else rules.EVENT_RETURNED
        known = self.package_copy(package_id)
        rules.next_state(known.state if known is not None else None, event)  # raises when it cannot happen now
        action = Action.COPY_DESTROYED if destroyed else Action.COPY_RETURNED
        self.svc.recorder.record(action, None, details={"package_id": package_id, "by": by.strip(),
                                                        "witness": witness.strip(), "when": when})
        return tr("Copy {package} recorded as {state}").format(package=package_id, state=rules.state_name(
            rules.DESTROYED if destroyed else rules.RETURNED))

    # -- the register --------------------------------------------------------------------------
    def _custody_rows(self, action: str, package_id: str = "") -> list:
        """The log's ``action`` events, oldest first (of one package, when ``package_id`` is given)."""
        log = self.svc.log
        if log is None:
            return []
        rows = log.query(AuditFilter(action=action, text=package_id), limit=REGISTER_QUERY_LIMIT, descending=False)
        return [row for row in rows if not package_id or row["details"].get("package_id") == package_id]

    def package_copy(self, package_id: str):
        """The copy ``package_id`` is in this log (its state, the manifest hash it was handed over
        with), from that package's events only; None when its handover is not in the log."""
        rows = [row for action in rules.CUSTODY_EVENTS for row in self._custody_rows(action, package_id)]
        return rules.derive_register(sorted(rows, key=lambda row: row["seq"])).copies.get(package_id)

    def register(self) -> rules.Register:
        return read_register(self.svc.log)

    def register_snapshot_path(self) -> str:
        """Where the Register panel keeps the register's snapshot of this log ("" without a log)."""
        log = self.svc.log
        if log is None:
            return ""
        return snapshot_path_for(log.location, QgsApplication.qgisSettingsDirPath())


def read_register(log, before_seq: int | None = None) -> rules.Register:
    """The register derived from ``log``'s custody events only (an empty one without a log), of the
    entries below ``before_seq`` when given: the log's database reads just the fields it needs.
    Plain data in and out, so the Register panel can run it in a task on a connection of its own."""
    if log is None:
        return rules.Register()
    return _apply_events(log, rules.Register(), None, before_seq)


def _apply_events(log, register: rules.Register, after_seq, before_seq) -> rules.Register:
    handovers = log.extract((rules.EVENT_HANDOVER,), HANDOVER_PATHS, after_seq=after_seq, before_seq=before_seq)
    others = log.extract((rules.EVENT_RECEIVED, rules.EVENT_RETURNED, rules.EVENT_DESTROYED), OTHER_PATHS,
                         after_seq=after_seq, before_seq=before_seq)
    return rules.derive_register(custody_events(heapq.merge(handovers, others)), register)


@dataclass
class OpenedRegister:
    """The register as the Register panel opens it, standing at the log's entry ``seq``.
    ``snapshot`` says where it came from: "" derived from the whole log (and the snapshot
    written), else read from the snapshot file plus the events after it, to be checked against
    the whole log (:func:`check_register`). ``note`` says why a snapshot present was not used."""

    register: rules.Register
    seq: int
    entry_hash: str
    snapshot: str = ""
    note: str = ""


def snapshot_path_for(location: str, settings_dir: str = "") -> str:
    """Where the register's snapshot of the log at ``location`` is kept: beside a log file, or for
    a PostgreSQL log in the QGIS profile's folder (``settings_dir``), one file per database."""
    from classification_plugin.core.audit.postgres_log import is_postgres_uri, redact

    if not is_postgres_uri(location):
        return location + ".register"
    name = hashlib.sha256(redact(location).encode("utf-8")).hexdigest()[:16]
    return str(Path(settings_dir) / "classification_guard" / f"register-{name}.json")


def log_head(log, before_seq: int | None = None) -> tuple:
    """``(seq, hash)`` of the log's newest entry (below ``before_seq``); ``(0, "")`` when none."""
    rows = log.query(None, limit=1, descending=True, before_seq=before_seq)
    return (int(rows[0]["seq"]), str(rows[0]["hash"])) if rows else (0, "")


def open_register(log, snapshot_path: str) -> OpenedRegister:
    """The register for the panel: from the snapshot at ``snapshot_path`` when it is intact and
    still bound to the log (its entry there with the same chain hash), plus the custody events
    after it; otherwise derived from the whole log, and the snapshot written for next time."""
    key = getattr(log, "hmac_key", None)
    seq, entry_hash = log_head(log)
    note = ""
    if snapshot_path and os.path.exists(snapshot_path):
        try:
            register, at_seq, at_hash = snapshot.read(snapshot_path, key)
            if at_seq > seq or log_head(log, at_seq + 1) != (at_seq, at_hash):
                raise snapshot.SnapshotError(tr("the log's entry {seq} is not the one the snapshot was taken at")
                                             .format(seq=at_seq))
        except snapshot.SnapshotError as error:
            note = str(error)
        else:
            register = _apply_events(log, register, at_seq, seq + 1)
            return OpenedRegister(register, seq, entry_hash, snapshot=snapshot_path)
    register = read_register(log, seq + 1)
    if snapshot_path:
        write_snapshot(snapshot_path, register, seq, entry_hash, key)
    return OpenedRegister(register, seq, entry_hash, note=note)


def check_register(log, opened: OpenedRegister) -> tuple:
    """``(register, same)``: the register derived from the whole log up to the entry ``opened``
    stands at, and whether ``opened`` (read from a snapshot) holds the same. The snapshot is
    rewritten from the derived register either way, at that entry."""
    register = read_register(log, opened.seq + 1)
    same = snapshot.same_register(register, opened.register)
    if opened.snapshot:
        write_snapshot(opened.snapshot, register, opened.seq, opened.entry_hash, getattr(log, "hmac_key", None))
    return register, same


def write_snapshot(path: str, register, seq: int, entry_hash: str, key) -> bool:
    """Write the register's snapshot; False when the folder is not writable (the register is then
    derived from the log each time, as without a snapshot)."""
    try:
        snapshot.write(path, register, seq, entry_hash, key)
    except OSError:
        return False
    return True


# what the register shows of a handover (not its manifest hash, purpose or folder: less to decode)
HANDOVER_PATHS = (("action",), ("time_ms",), ("user",), ("details", "package_id"), ("details", "sender"),
                  ("details", "recipient"), ("details", "return_by"), ("details", "caveats"),
                  ("details", "datasets"), ("details", "approval"))
OTHER_PATHS = (("action",), ("time_ms",), ("user",), ("details", "package_id"), ("details", "by"),
               ("details", "witness"))


def custody_events(rows):
    """The events :func:`core.custody.derive_register` reads, from the :data:`HANDOVER_PATHS` and
    :data:`OTHER_PATHS` rows of the log."""
    for row in rows:
        if row[1] == rules.EVENT_HANDOVER:
            _seq, action, time_ms, user, package_id, sender, recipient, return_by, caveats, datasets, approval = row
            details = {"package_id": package_id or "", "sender": sender, "recipient": recipient,
                       "return_by": return_by or "", "caveats": caveats or [], "datasets": datasets or [],
                       "approval": approval or ""}
        else:
            _seq, action, time_ms, user, package_id, by, witness = row
            details = {"package_id": package_id or "", "by": by or "", "witness": witness or ""}
        yield {"action": action, "time_ms": int(time_ms), "user": user or "", "details": details}


def write_register_csv(path, records: list) -> None:
    """The register's records (:func:`core.custody.register_records`) as CSV, with a BOM so that
    spreadsheets read the Chinese."""
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=rules.REGISTER_COLUMNS)
        writer.writeheader()
        writer.writerows(records)


@contextmanager
def gdal_side_files_off():
    """No .aux.xml beside the rasters a package is written with: GDAL would write one when it
    closes a dataset QGIS computed statistics on, after the manifest has its files' hashes."""
    from osgeo import gdal

    before = gdal.GetConfigOption("GDAL_PAM_ENABLED")
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    try:
        yield
    finally:
        gdal.SetConfigOption("GDAL_PAM_ENABLED", before)


def _package_id(folder: Path) -> str:
    """The package id its manifest names ("" when there is none to read: the check says why)."""
    try:
        return Manifest.from_bytes((folder / rules.MANIFEST_NAME).read_bytes()).package_id
    except (OSError, CustodyError):
        return ""


def vars_of(party: Party) -> dict:
    return {"unit": party.unit, "person": party.person}


# -- the receipt -----------------------------------------------------------------------------------
def write_receipt(path: Path, manifest: Manifest, manifest_hash: str) -> None:
    """A one-page PDF receipt in Chinese and English for the recipient to sign."""
    from html import escape

    rows = [
        (bilingual("Package"), manifest.package_id),
        (bilingual("Sender"), manifest.sender.describe()),
        (bilingual("Recipient"), manifest.recipient.describe()),
        (bilingual("Purpose"), manifest.purpose),
        (bilingual("Approval or contract"), manifest.approval),
        (bilingual("Handed over"), manifest.created_at),
        (bilingual("Return or destroy by"), manifest.return_by or "-"),
        (bilingual("Caveats"), ", ".join(bilingual(rules.caveat_name(c)) for c in manifest.caveats) or "-"),
        (bilingual("Manifest SHA-256"), manifest_hash),
    ]
    datasets = "".join(f"<tr><td>{escape(d.name)}</td><td>{escape(d.level)}</td><td>{escape(d.uid)}</td></tr>"
                       for d in manifest.datasets)
    html = (f"<h2>{escape(bilingual('Receipt for classified data'))}</h2>"
            "<table cellpadding='3'>" + "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>"
                                                  for k, v in rows) + "</table>"
            f"<h3>{escape(bilingual('Datasets'))}</h3><table border='1' cellpadding='3'>"
            f"<tr><th>{escape(bilingual('Dataset'))}</th><th>{escape(bilingual('Level'))}</th>"
            f"<th>{escape(bilingual('Label id'))}</th></tr>{datasets}</table>"
            f"<p>{escape(bilingual('Every file of the package is listed with its SHA-256 in manifest.json.'))}</p>"
            f"<p><br/>{escape(bilingual('Received by (name, signature, date)'))}: "
            "______________________________</p>"
            f"<p><br/>{escape(bilingual('Handed over by (name, signature, date)'))}: "
            "______________________________</p>")
    write_pdf(path, manifest.package_id, html)


def write_pdf(path, title: str, html: str, landscape: bool = False) -> None:
    """``html`` as an A4 PDF (pages break where the text needs)."""
    from qgis.PyQt.QtCore import QSizeF
    from qgis.PyQt.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    if landscape:
        writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    writer.setTitle(title)
    document = QTextDocument()
    document.setHtml(html)
    page = writer.pageLayout().paintRectPixels(writer.resolution()).size()
    document.setPageSize(QSizeF(page.width(), page.height()))
    printer = getattr(document, "print_", None) or document.print  # PyQt5 / PyQt6
    printer(writer)


def register_html(records: list, title: str) -> str:
    """The register's rows as an HTML table (its PDF export)."""
    from html import escape

    columns = [("dataset", tr("Dataset")), ("level", tr("Level")), ("package_id", tr("Package")),
               ("recipient_unit", tr("Held by")), ("state", tr("State")), ("handed_over", tr("Handed over")),
               ("return_by", tr("Return or destroy by")), ("closed", tr("Closed")), ("witness", tr("Witness"))]
    head = "".join(f"<th>{escape(name)}</th>" for _key, name in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(record[key]))}</td>" for key, _name in columns) + "</tr>"
                   for record in records)
    return (f"<h2>{escape(title)}</h2><table border='1' cellpadding='2' cellspacing='0'>"
            f"<tr>{head}</tr>{body}</table>")
