"""Command line for auditors, no QGIS window needed.

    python3 -m classification_plugin.core.audit verify LOCATION [--hmac-key-file F]
    python3 -m classification_plugin.core.audit export LOCATION OUT.csv [--user U] [--from ISO] ...

``verify`` exits 0 when the log is intact, 1 when it was tampered with, 2 on any other error.
The key file holds the administrator's HMAC key; surrounding whitespace is ignored.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import Optional

from classification_plugin.core.audit.base import AuditFilter, AuditWriteError
from classification_plugin.core.audit.location import open_log
from classification_plugin.core.i18n import tr

EXIT_OK, EXIT_TAMPERED, EXIT_ERROR = 0, 1, 2


def _time_ms(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python3 -m classification_plugin.core.audit",
                                     description=tr("Verify or export a Classification Guard access log."))
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help=tr("check the hash chain and the checkpoint"))
    verify.add_argument("location", help=tr("SQLite file or postgresql:// URI"))
    verify.add_argument("--hmac-key-file", help=tr("file holding the administrator key"))
    verify.add_argument("--checkpoint", help=tr("checkpoint file, when not next to the SQLite file"))
    verify.add_argument("--quiet", action="store_true", help=tr("no progress output"))
    export = commands.add_parser("export", help=tr("write entries to a CSV file"))
    export.add_argument("location")
    export.add_argument("output")
    for name in ("user", "layer", "action", "label", "outcome", "text"):
        export.add_argument(f"--{name}", default="")
    export.add_argument("--from", dest="time_from", help=tr("UTC time, ISO 8601"))
    export.add_argument("--to", dest="time_to", help=tr("UTC time, ISO 8601"))
    return parser


def _read_key(path: Optional[str]) -> Optional[bytes]:
    if not path:
        return None
    with open(path, "rb") as handle:
        key = handle.read().strip()
    if not key:
        raise ValueError(tr("The key file {path} is empty.").format(path=path))
    return key


def main(argv: Optional[list] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "verify":
            key = _read_key(args.hmac_key_file)
            options = {"create": False}
            if args.checkpoint:
                options["checkpoint_path"] = args.checkpoint
            log = open_log(args.location, key, **options)
            try:
                def progress(percent: float) -> None:
                    if not args.quiet and sys.stderr.isatty():
                        print(f"\r{percent:5.1f} %", end="", file=sys.stderr, flush=True)

                result = log.verify(progress=progress)
            finally:
                log.close()
            if not args.quiet and sys.stderr.isatty():
                print(file=sys.stderr)
            print(result.message)
            if not result.valid and result.first_bad is not None:
                print(tr("First bad entry: {seq}").format(seq=result.first_bad))
            return EXIT_OK if result.valid else EXIT_TAMPERED
        filters = AuditFilter(
            time_from_ms=_time_ms(args.time_from) if args.time_from else None,
            time_to_ms=_time_ms(args.time_to) if args.time_to else None,
            user=args.user, layer=args.layer, action=args.action, label=args.label, outcome=args.outcome,
            text=args.text)
        log = open_log(args.location, None, create=False)
        try:
            written = log.export_csv(args.output, filters)
        finally:
            log.close()
        print(tr("{n} entries written to {path}").format(n=written, path=args.output))
        return EXIT_OK
    except (AuditWriteError, OSError, ValueError) as exc:
        print(tr("Error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_ERROR
