"""Start the real QGIS desktop under Xvfb with the plugin installed from the built ZIP.

Each call makes a fresh profile folder, unzips ``dist/classification_plugin-*.zip`` into it,
enables the plugin, and runs one scenario module through ``qgis --code``. The scenario's
checks come back as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
E2E = Path(__file__).resolve().parent
OUTPUT = E2E / "output"
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
    command = ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", "qgis",
               "--profiles-path", str(profiles), "--profile", "default",
               "--nologo", "--noversioncheck", "--code", str(code)]
    log = out_dir / "qgis.log"
    with log.open("w") as handle:
        try:
            subprocess.run(command, env=environment, stdout=handle, stderr=subprocess.STDOUT,
                           timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            pass
    result_file = out_dir / "result.json"
    if not result_file.is_file():
        raise AssertionError(f"QGIS wrote no result for {name}; log:\n{log.read_text()[-4000:]}")
    return json.loads(result_file.read_text(encoding="utf-8"))


def assert_checks(result: dict, required: list[str]) -> None:
    """Every check passed, no scenario error, and every required check actually ran."""
    failed = [c for c in result["checks"] if not c["ok"]]
    names = {c["name"] for c in result["checks"]}
    missing = [n for n in required if n not in names]
    message = json.dumps({"failed": failed, "missing": missing, "errors": result["errors"]},
                         ensure_ascii=False, indent=1)
    assert not failed and not missing and not result["errors"], message
