"""Run the real QGIS Server (Debian's qgis_mapserver) on 127.0.0.1 with the plugin installed from
the built ZIP, as an administrator deploys it: a plugin folder on QGIS_PLUGINPATH, the policy
named by CLASSIFICATION_GUARD_POLICY, and a private configuration folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

from harness import ROOT, _kill_group, built_zip, venv_site_packages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def qgis_python(script: Path, *args: str, env: dict | None = None) -> str:
    """Run a helper script with QGIS's Python (the venv's packages and this repository importable)."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), venv_site_packages(),
                                                             environment.get("PYTHONPATH")]))
    done = subprocess.run(["/usr/bin/python3", str(script), *args], env=environment, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class MapServer:
    """``with MapServer(project, folder, policy=...) as server: server.url``"""

    def __init__(self, project: Path, folder: Path, policy: Path | None = None, env: dict | None = None):
        self.project, self.folder, self.policy, self.extra_env = project, folder, policy, env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = folder / "qgis_mapserver.log"
        self.process = None

    def __enter__(self) -> MapServer:
        plugins = self.folder / "plugins"
        shutil.rmtree(plugins, ignore_errors=True)
        plugins.mkdir(parents=True)
        with zipfile.ZipFile(built_zip()) as archive:
            archive.extractall(plugins)
        config = self.folder / "config"
        config.mkdir(exist_ok=True)
        environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_PLUGINPATH": str(plugins),
                       "QGIS_PROJECT_FILE": str(self.project), "QGIS_CUSTOM_CONFIG_PATH": str(config),
                       "QGIS_SERVER_LOG_LEVEL": "0", "QGIS_SERVER_LOG_STDERR": "1", "HOME": str(self.folder),
                       **self.extra_env}
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [venv_site_packages(),
                                                                 environment.get("PYTHONPATH")]))
        environment.pop("CLASSIFICATION_GUARD_POLICY", None)
        if self.policy is not None:
            environment["CLASSIFICATION_GUARD_POLICY"] = str(self.policy)
        with self.log.open("w") as handle:
            self.process = subprocess.Popen(["qgis_mapserver", "-l", "0", f"127.0.0.1:{self.port}"],
                                            env=environment, stdout=handle, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"qgis_mapserver ended at start-up:\n{self.log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(self.url + "?SERVICE=WMS&REQUEST=GetCapabilities", timeout=10):
                    return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise AssertionError(f"qgis_mapserver did not answer within 60 s:\n{self.log.read_text()[-4000:]}")

    def __exit__(self, *_exc) -> None:
        if self.process is not None:
            _kill_group(self.process, grace_s=10)  # SIGTERM first: the plugin writes what is queued
            self.process = None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")
