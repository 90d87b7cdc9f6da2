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

    def __init__(self, project: Path, folder: Path, policy: Path | None = None, env: dict | None = None,
                 with_plugin: bool = True):
        self.project, self.folder, self.policy, self.extra_env = project, folder, policy, env or {}
        self.with_plugin = with_plugin  # False: the same server without the plugin (the benchmark's baseline)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = folder / "qgis_mapserver.log"
        self.process = None

    def _environment(self) -> dict:
        """The server's environment: the plugin unzipped from the built ZIP into its own folder,
        the policy, and a private configuration folder."""
        plugins = self.folder / "plugins"
        shutil.rmtree(plugins, ignore_errors=True)
        plugins.mkdir(parents=True)
        if self.with_plugin:
            with zipfile.ZipFile(built_zip()) as archive:
                archive.extractall(plugins)
        config = self.folder / "config"
        config.mkdir(exist_ok=True)
        environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_PLUGINPATH": str(plugins),
                       "QGIS_PROJECT_FILE": str(self.project), "QGIS_CUSTOM_CONFIG_PATH": str(config),
                       "QGIS_SERVER_LOG_LEVEL": "0", "QGIS_SERVER_LOG_STDERR": "1", "HOME": str(self.folder),
                       "PYTHONFAULTHANDLER": "1",  # a crash prints every thread's Python stack into the log
                       **self.extra_env}
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [venv_site_packages(),
                                                                 environment.get("PYTHONPATH")]))
        environment.pop("CLASSIFICATION_GUARD_POLICY", None)
        if self.policy is not None:
            environment["CLASSIFICATION_GUARD_POLICY"] = str(self.policy)
        return environment

    def _wait(self, url: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server ended at start-up:\n{self.log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(url + "?SERVICE=WMS&REQUEST=GetCapabilities", timeout=10):
                    return
            except OSError:
                time.sleep(0.3)
        log = self.log.read_text()[-4000:]
        self.__exit__(None, None, None)
        raise AssertionError(f"the server did not answer within 60 s:\n{log}")

    def __enter__(self) -> MapServer:
        with self.log.open("w") as handle:
            self.process = subprocess.Popen(["qgis_mapserver", "-l", "0", f"127.0.0.1:{self.port}"],
                                            env=self._environment(), stdout=handle, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self._wait(self.url)
        return self

    def __exit__(self, *_exc) -> None:
        if self.process is not None:
            _kill_group(self.process, grace_s=10)  # SIGTERM first: the plugin writes what is queued
            self.process = None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


NGINX_CONF = """
user root;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx_error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/nginx_tmp/body;
    fastcgi_temp_path {folder}/nginx_tmp/fastcgi;
    proxy_temp_path {folder}/nginx_tmp/proxy;
    uwsgi_temp_path {folder}/nginx_tmp/uwsgi;
    scgi_temp_path {folder}/nginx_tmp/scgi;
    # the groups the directory would give each login
    map $remote_user $cg_groups {{ "zhao.survey" "staff,survey-secret"; default ""; }}
    server {{
        listen 127.0.0.1:{port};
        # logged-in users: the proxy authenticates them and sets both headers itself
        location /ows/ {{
            auth_basic "Survey office";
            auth_basic_user_file {folder}/htpasswd;
            include /etc/nginx/fastcgi_params;
            fastcgi_param HTTP_X_REMOTE_USER $remote_user;
            fastcgi_param HTTP_X_REMOTE_GROUPS $cg_groups;
            fastcgi_param HTTP_X_QGIS_SERVICE_URL http://127.0.0.1:{port}/ows/;  # the URLs it advertises
            fastcgi_param QGIS_PROJECT_FILE {project};
            fastcgi_pass unix:{socket};
        }}
        # everyone else: anonymous, whatever headers the client sends
        location /public/ {{
            include /etc/nginx/fastcgi_params;
            fastcgi_param HTTP_X_REMOTE_USER "";
            fastcgi_param HTTP_X_REMOTE_GROUPS "";
            fastcgi_param HTTP_X_QGIS_SERVICE_URL http://127.0.0.1:{port}/public/;
            fastcgi_param QGIS_PROJECT_FILE {project};
            fastcgi_pass unix:{socket};
        }}
    }}
}}
"""


class FcgiServer(MapServer):
    """QGIS Server as deployed: ``qgis_mapserv.fcgi`` under spawn-fcgi, behind nginx, which
    authenticates users (basic auth, ``users`` = {login: password}) and sets the headers.
    ``url`` is the logged-in location (``/ows/``), ``public_url`` the anonymous one."""

    def __init__(self, project: Path, folder: Path, policy: Path | None, users: dict):
        super().__init__(project, folder, policy)
        self.users = users
        self.url = f"http://127.0.0.1:{self.port}/ows/"
        self.public_url = f"http://127.0.0.1:{self.port}/public/"
        self.log = folder / "qgis_mapserv_fcgi.log"
        self.nginx = None

    def __enter__(self) -> FcgiServer:
        environment = self._environment()
        socket_path = self.folder / "qgis.sock"
        socket_path.unlink(missing_ok=True)
        with self.log.open("w") as handle:
            self.process = subprocess.Popen(
                ["spawn-fcgi", "-n", "-s", str(socket_path), "-M", "0600", "--", "/usr/lib/cgi-bin/qgis_mapserv.fcgi"],
                env=environment, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        (self.folder / "htpasswd").write_text("".join(f"{user}:{{PLAIN}}{password}\n"
                                                      for user, password in self.users.items()))
        (self.folder / "nginx_tmp").mkdir(exist_ok=True)
        conf = self.folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(folder=self.folder, port=self.port, project=self.project,
                                          socket=socket_path))
        self.nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(self.folder)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(self.public_url)
        return self

    def __exit__(self, *_exc) -> None:
        if self.nginx is not None:
            _kill_group(self.nginx, grace_s=5)
            self.nginx = None
        super().__exit__(*_exc)
