"""Start the real QGIS desktop under Xvfb with the plugin installed from the built ZIP.

Each call makes a fresh profile folder, unzips ``dist/classification_plugin-*.zip`` into it,
enables the plugin, and runs one scenario module through ``qgis --code``. The scenario's
checks come back as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import textwrap
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
E2E = Path(__file__).resolve().parent

def qgis_version() -> str:
    """'3.40' for QGIS 3.40.x: each version of the matrix keeps its own results and screenshots."""
    from qgis.core import Qgis

    return f"{Qgis.QGIS_VERSION_INT // 10000}.{Qgis.QGIS_VERSION_INT // 100 % 100}"


OUTPUT = E2E / "output" / qgis_version()
# Runs before the plugins load: a Python error that QGIS would show in its modal error box (which
# nothing closes under Xvfb, so QGIS would hang at start-up) is written to a file instead, and
# then the startup script the scenario asked for, if any, runs.
# On a time-out the runner sends SIGUSR1: faulthandler then writes every thread's Python stack to
# CG_STACKS, from its signal handler, so it is written even while QGIS's main thread is blocked.
STARTUP = """
import faulthandler, os, runpy, signal, traceback
import qgis.utils

_stacks = os.open(os.environ["CG_STACKS"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
os.write(_stacks, f"qgis pid {os.getpid()}\\n".encode())
faulthandler.register(signal.SIGUSR1, file=_stacks, all_threads=True)  # a descriptor: nothing to collect

def _record_exception(etype, value, tb, msg=None, *args, **kwargs):
    with open(os.environ["CG_PYTHON_ERRORS"], "a", encoding="utf-8") as handle:
        handle.write((msg or "") + "\\n" + "".join(traceback.format_exception(etype, value, tb)) + "\\n")

qgis.utils.showException = _record_exception
if os.environ.get("CG_SCENARIO_STARTUP"):
    runpy.run_path(os.environ["CG_SCENARIO_STARTUP"])
"""
sys.path.insert(0, str(ROOT / "scripts"))

from enable_plugin import enable  # noqa: E402


def venv_site_packages() -> str:
    """The packages of the venv running the tests, for the qgis binary, which runs Debian's Python
    (on Debian 12 the venv holds shapely 2 and numpy < 2; on 13+ only test tools)."""
    if sys.prefix == sys.base_prefix:
        return ""
    return sysconfig.get_path("purelib")


def built_zip() -> Path:
    zips = sorted((ROOT / "dist").glob("classification_plugin-*.zip"))
    if not zips:
        raise RuntimeError("no plugin ZIP in dist/: run 'make package' first")
    return zips[-1]


def make_profile(base: Path, settings: dict | None = None, locale: str = "en_US") -> Path:
    profile = base / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(built_zip()) as archive:
        archive.extractall(plugins)
    extra = {
        "locale": {"overrideFlag": "true", "userLocale": locale, "globalLocale": locale},
        "qgis": {"checkVersion": "false", "showTips%5C322": "false", "allowVersionCheck": "false"},
        "app": {"LocalizedDataPathRegistry%5Cpaths": ""},
        # a core C++ plugin the guard covers, by its file's base name (renamed in QGIS 3.40)
        "Plugins": {"libofflineeditingplugin": "true", "libplugin_offlineediting": "true"},
    }
    if settings:
        extra["classification_guard"] = settings
    enable(profile, "classification_plugin", extra)
    return base


def run_scenario(name: str, scenario_file: str, tmp_path: Path, settings: dict | None = None,
                 locale: str = "en_US", timeout_s: int = 180, env: dict | None = None) -> dict:
    """Run ``tests/e2e/<scenario_file>`` in QGIS; returns {"checks": [...], "errors": [...]}."""
    out_dir = OUTPUT / name
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    profiles = make_profile(tmp_path / "qgis", settings, locale)
    code = tmp_path / "run_scenario.py"
    code.write_text(textwrap.dedent(f"""
        import sys, runpy
        sys.path.insert(0, {str(E2E)!r})
        from driver import Driver
        module = runpy.run_path({str(E2E / scenario_file)!r})
        driver = Driver({str(out_dir)!r})
        driver.data_dir = {str(tmp_path)!r}
        driver.root = {str(ROOT)!r}
        driver.run(module["scenario"], timeout_s={timeout_s - 20})
    """), encoding="utf-8")
    environment = dict(os.environ)
    environment["LC_ALL"] = "C.UTF-8"
    environment.pop("QT_QPA_PLATFORM", None)  # the qgis binary refuses offscreen
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [venv_site_packages(), environment.get("PYTHONPATH")]))
    environment.update(env or {})
    startup = tmp_path / "startup.py"
    startup.write_text(STARTUP, encoding="utf-8")
    if environment.get("PYQGIS_STARTUP"):
        environment["CG_SCENARIO_STARTUP"] = environment["PYQGIS_STARTUP"]
    environment["PYQGIS_STARTUP"] = str(startup)
    errors_file = out_dir / "python_errors.txt"
    environment["CG_PYTHON_ERRORS"] = str(errors_file)
    stacks = out_dir / "stacks.txt"
    environment["CG_STACKS"] = str(stacks)
    command = ["qgis", "--profiles-path", str(profiles), "--profile", "default",
               "--nologo", "--noversioncheck", "--code", str(code)]
    log = out_dir / "qgis.log"
    stuck = run_under_xvfb(command, environment, log, timeout_s, out_dir / "stuck.png", stacks)
    result_file = out_dir / "result.json"
    python_errors = errors_file.read_text(encoding="utf-8") if errors_file.is_file() else ""
    if not result_file.is_file():
        why = f"timed out after {timeout_s} s (screenshot of the stuck screen: {stuck})" if stuck is not None \
            else "QGIS ended without writing it"
        where = stacks.read_text(encoding="utf-8", errors="replace") if stacks.is_file() else ""
        where = where if "thread" in where.lower() else "(none: QGIS had not run its Python start-up script)"
        raise AssertionError(f"QGIS wrote no result for {name}: {why}; Python errors QGIS caught:\n"
                             f"{python_errors[-3000:] or '(none)'}\nlog:\n{log.read_text()[-4000:]}\n"
                             f"where QGIS's threads were when it was stopped (most recent call first):\n"
                             f"{where[-6000:]}")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result["python_errors"] = python_errors
    result["log_errors"] = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
                            if "ERROR" in line]  # GDAL's own ("GDAL ERROR 1: ...") and QGIS's
    return result


def _start_xvfb(screenshot_size: str = "1400x900x24") -> tuple:
    """A private Xvfb in its own session; returns (process, display). -displayfd picks a free display."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", screenshot_size,
                               "-nolisten", "tcp"], pass_fds=(write_end,), start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise RuntimeError("Xvfb did not start (is the 'xvfb' package installed?)")
    return server, f":{number}"


def _kill_group(process, grace_s: float = 0) -> None:
    """End ``process``'s whole session: SIGTERM first when given a grace time (Xvfb then removes
    its lock and socket), SIGKILL for whatever is left."""
    for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, None)) if grace_s else ((signal.SIGKILL, None),):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            process.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def _grab_screen(display: str, path: Path) -> Path | None:
    """A screenshot of the whole virtual screen, taken from outside QGIS (which may be stuck)."""
    grab = ("import sys\nfrom qgis.PyQt.QtWidgets import QApplication\napp = QApplication(['grab'])\n"
            "sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)\n")
    environment = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    try:
        done = subprocess.run(["/usr/bin/python3", "-c", grab, str(path)], env=environment, timeout=30,
                              capture_output=True, check=False)
    except subprocess.TimeoutExpired:
        return None
    return path if done.returncode == 0 and path.is_file() else None


def _dump_stacks(stacks: Path | None) -> None:
    """Ask a stuck QGIS for its Python stacks (the start-up script wrote its pid first into
    ``stacks`` and has faulthandler append them there on SIGUSR1)."""
    if stacks is None or not stacks.is_file():
        return
    first = stacks.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    if not first.startswith("qgis pid "):
        return
    try:
        os.kill(int(first.split()[-1]), signal.SIGUSR1)
    except (ValueError, ProcessLookupError, PermissionError):
        return
    time.sleep(2)


def run_under_xvfb(command: list, environment: dict, log: Path, timeout_s: int, screenshot: Path,
                   stacks: Path | None = None) -> Path | None:
    """Run ``command`` on a private Xvfb, QGIS in a session of its own. On a time-out the stuck
    screen is saved to ``screenshot`` (returned), QGIS's Python stacks are written to ``stacks``
    and QGIS's whole process group is killed, so no qgis.bin or Xvfb is left behind to slow later
    runs. Returns None when QGIS ended by itself."""
    server, display = _start_xvfb()
    stuck = None
    try:
        with log.open("w") as handle:
            qgis = subprocess.Popen(command, env={**environment, "DISPLAY": display}, stdout=handle,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            try:
                qgis.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                stuck = _grab_screen(display, screenshot) or screenshot
                _dump_stacks(stacks)
            finally:
                _kill_group(qgis)
    finally:
        _kill_group(server, grace_s=5)
    return stuck


def assert_checks(result: dict, required: list[str]) -> None:
    """Every check passed, no scenario error, and every required check actually ran."""
    failed = [c for c in result["checks"] if not c["ok"]]
    names = {c["name"] for c in result["checks"]}
    missing = [n for n in required if n not in names]
    message = json.dumps({"failed": failed, "missing": missing, "errors": result["errors"]},
                         ensure_ascii=False, indent=1)
    if result.get("python_errors"):  # what QGIS would have shown in its Python error box: the cause
        message += "\nPython errors QGIS caught:\n" + result["python_errors"][-6000:]
    if result.get("log_errors"):  # why GDAL refused something QGIS asked of it (QGIS often says less)
        errors = list(dict.fromkeys(result["log_errors"]))  # each once, in order
        message += "\nErrors in QGIS's output (the last 20 different ones):\n" + "\n".join(errors[-20:])[-4000:]
    assert not failed and not missing and not result["errors"], message
