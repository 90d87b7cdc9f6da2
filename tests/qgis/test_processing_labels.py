"""classification:setlabel / getlabel through processing.run and the real qgis_process binary."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer

from classification_plugin.core.audit import open_log

ROOT = Path(__file__).resolve().parents[2]


def run(alg, params):
    import processing

    return processing.run(f"classification:{alg}", params)


def test_set_and_get_label_with_processing_run(classification_provider, survey_gpkg, private_audit_log):
    source = f"{survey_gpkg}|layername=control_points"
    assert run("getlabel", {"INPUT": source}) == {"LEVEL": "", "LEVEL_NAME": "", "SCHEME": "", "STORED_IN": ""}
    result = run("setlabel", {"INPUT": source, "LEVEL": "secret", "REASON": "catalogue 2.1",
                              "CAVEATS": "no subcontracting; this unit only"})
    assert result["LEVEL"] == "secret"
    got = run("getlabel", {"INPUT": QgsVectorLayer(source, "again", "ogr")})
    assert got == {"LEVEL": "secret", "LEVEL_NAME": "Secret", "SCHEME": "cn_state_secret",
                   "STORED_IN": "geopackage"}
    # the change is in the access log with its reason
    with open_log(str(private_audit_log)) as log:
        rows = log.query(None, 0, 5)
    applied = [r for r in rows if r["action"] == "label_applied"]
    assert applied and applied[0]["details"]["reason"] == "catalogue 2.1"


@pytest.mark.parametrize("params, message", [
    ({"LEVEL": "ultra", "REASON": "r"}, "'ultra' is not a level"),
    ({"LEVEL": "secret"}, "Give a reason"),
])
def test_bad_input_is_a_processing_error(classification_provider, survey_gpkg, params, message):
    source = f"{survey_gpkg}|layername=control_points"
    with pytest.raises(QgsProcessingException, match=message):
        run("setlabel", {"INPUT": source, **params})
    assert run("getlabel", {"INPUT": source})["LEVEL"] == ""


def test_downgrade_needs_justification_and_leaves_label(classification_provider, survey_gpkg):
    source = f"{survey_gpkg}|layername=flight_track"
    run("setlabel", {"INPUT": source, "LEVEL": "top_secret", "REASON": "r"})
    with pytest.raises(QgsProcessingException, match="justification"):
        run("setlabel", {"INPUT": source, "LEVEL": "internal", "REASON": "r"})
    assert run("getlabel", {"INPUT": source})["LEVEL"] == "top_secret"
    run("setlabel", {"INPUT": source, "LEVEL": "internal", "JUSTIFICATION": "declassified, order 7"})
    assert run("getlabel", {"INPUT": source})["LEVEL"] == "internal"


@pytest.fixture
def qgis_process_env(tmp_path):
    """A private QGIS folder with the plugin installed from the built ZIP, as a user would."""
    zips = sorted((ROOT / "dist").glob("classification_plugin-*.zip"))
    if not zips:
        pytest.fail("no plugin ZIP in dist/: run 'make package' first")
    plugins = tmp_path / "qgis" / "profiles" / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(zips[-1]) as archive:
        archive.extractall(plugins)
    env = dict(os.environ, QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "qgis"), QT_QPA_PLATFORM="offscreen",
               CLASSIFICATION_AUDIT_LOG=str(tmp_path / "audit.sqlite"))
    binary = shutil.which("qgis_process.bin") or "/usr/lib/qgis/qgis_process.bin"
    enabled = subprocess.run([binary, "plugins", "enable", "classification_plugin"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert enabled.returncode == 0, f"exit {enabled.returncode}:\n{enabled.stdout[-3000:]}\n{enabled.stderr[-3000:]}"
    return binary, env


def test_qgis_process_sets_and_reads_labels(qgis_process_env, survey_gpkg):
    binary, env = qgis_process_env
    source = f"{survey_gpkg}|layername=control_points"

    def qgis_process(*args):
        return subprocess.run([binary, "run", *args], env=env, capture_output=True, text=True, timeout=120)

    refused = qgis_process("classification:setlabel", "--", f"INPUT={source}", "LEVEL=bogus", "REASON=x")
    assert refused.returncode != 0
    assert "'bogus' is not a level" in refused.stdout + refused.stderr
    done = qgis_process("classification:setlabel", "--", f"INPUT={source}", "LEVEL=confidential",
                        "REASON=photos of a restricted site")
    assert done.returncode == 0, done.stdout + done.stderr
    read = qgis_process("classification:getlabel", "--", f"INPUT={source}")
    assert "LEVEL:\tconfidential" in read.stdout and "STORED_IN:\tgeopackage" in read.stdout, read.stdout
