"""Where the log lives, and the auditors' command line (exit 0 intact, 1 tampered, 2 error)."""

from __future__ import annotations

import csv
import os

from classification_plugin.core.audit import ENV_VAR, default_log_path, open_log, resolve_location


def test_default_path_is_in_the_profile():
    assert default_log_path("/p") == os.path.join("/p", "classification_guard", "audit.sqlite")


def test_env_var_wins_over_setting_and_setting_over_default(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_location("", "/p") == default_log_path("/p")
    assert resolve_location(None, "/p") == default_log_path("/p")
    assert resolve_location(str(tmp_path / "x.sqlite"), "/p") == str(tmp_path / "x.sqlite")
    assert resolve_location("postgresql://u@h/db", "/p") == "postgresql://u@h/db"
    monkeypatch.setenv(ENV_VAR, "postgresql://env@h/db")
    assert resolve_location(str(tmp_path / "x.sqlite"), "/p") == "postgresql://env@h/db"
    monkeypatch.setenv(ENV_VAR, "  ")
    assert resolve_location("", "/p") == default_log_path("/p")


def test_verify_command(backend, cli, fill_log, tmp_path):
    log = open_log(backend.location, b"k3y")
    fill_log(log, 6)
    log.close()
    key_file = tmp_path / "key"
    key_file.write_bytes(b"k3y\n")

    done = cli("verify", backend.location)
    assert done.returncode == 0 and "intact: 6 entries" in done.stdout
    done = cli("verify", backend.location, "--hmac-key-file", str(key_file))
    assert done.returncode == 0 and "administrator key" in done.stdout

    backend.raw("UPDATE cg_audit_log SET entry = replace(entry, 'alice', 'eve') WHERE seq = 4")
    done = cli("verify", backend.location)
    assert done.returncode == 1
    assert "First bad entry: 4" in done.stdout


def test_verify_command_errors(cli, tmp_path):
    done = cli("verify", str(tmp_path / "missing.sqlite"))
    assert done.returncode == 2 and "no access log" in done.stderr
    assert not (tmp_path / "missing.sqlite").exists()  # verifying never creates a log
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"garbage" * 1000)
    done = cli("verify", str(garbage))
    assert done.returncode == 2 and "damaged" in done.stderr and "Traceback" not in done.stderr
    done = cli("verify", str(garbage), "--hmac-key-file", str(tmp_path / "no-key"))
    assert done.returncode == 2


def test_export_command(backend, cli, fill_log, tmp_path):
    log = open_log(backend.location)
    fill_log(log, 5)
    log.close()
    out = tmp_path / "out.csv"
    done = cli("export", backend.location, str(out), "--label", "secret")
    assert done.returncode == 0, done.stderr
    with open(out, encoding="utf-8-sig", newline="") as handle:
        assert [row["seq"] for row in csv.DictReader(handle)] == ["2", "4"]
    done = cli("export", backend.location, str(out), "--from", "2023-11-14T22:13:23Z")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        assert [row["seq"] for row in csv.DictReader(handle)] == ["4", "5"]
