"""Start QGIS with the plugin's profile and the demo project (``make run``).

With a display, QGIS opens normally. Without one (a server, CI), it runs under Xvfb, waits for
the project to render, saves a screenshot of the window, prints its path and quits.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", required=True, help="QGIS folder that holds profiles/default")
    parser.add_argument("--project", required=True)
    parser.add_argument("--screenshot", default=str(ROOT / "build" / "screenshots" / "make_run.png"))
    args = parser.parse_args()
    command = ["qgis", "--profiles-path", args.profiles, "--profile", "default", "--nologo",
               "--noversioncheck", "--project", str(Path(args.project).resolve())]
    environment = dict(os.environ)
    environment.pop("QT_QPA_PLATFORM", None)  # the qgis binary refuses 'offscreen'
    # QGIS runs Debian's Python: let it see the packages of the venv running this script (on
    # Debian 12 the pinned shapely 2 and numpy < 2; on Debian 13+ Debian's own are used)
    if sys.prefix != sys.base_prefix:
        environment["PYTHONPATH"] = os.pathsep.join(
            filter(None, [sysconfig.get_path("purelib"), environment.get("PYTHONPATH")]))
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return subprocess.call(command, env=environment)

    screenshot = Path(args.screenshot).resolve()
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    code = Path(tempfile.mkdtemp()) / "screenshot.py"
    code.write_text(textwrap.dedent(f"""
        from qgis.PyQt.QtCore import QTimer
        from qgis.PyQt.QtWidgets import QApplication
        from qgis.utils import iface

        def shoot():
            iface.mainWindow().grab().save({str(screenshot)!r})
            QApplication.instance().quit()

        iface.mainWindow().resize(1400, 900)  # Xvfb has no window manager to maximise
        QTimer.singleShot(6000, shoot)
    """), encoding="utf-8")
    if shutil.which("xvfb-run") is None:
        print("No display and no xvfb-run: install the 'xvfb' package", file=sys.stderr)
        return 1
    print("No display: running QGIS under Xvfb to take a screenshot")
    try:
        subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", *command, "--code", str(code)],
                       env=environment, timeout=120, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pass
    if not screenshot.is_file():
        print("QGIS did not produce a screenshot", file=sys.stderr)
        return 1
    print(f"Screenshot of QGIS with the demo project: {screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
