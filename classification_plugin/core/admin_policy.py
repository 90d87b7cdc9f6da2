"""The administrator's policy file: rules set centrally that users can read but not loosen.

Pure Python (no QGIS). :func:`policy_location` finds the file (environment variable, then QGIS's
global settings, then the system folder); :func:`load_policy` reads, validates (the JSON Schema in
``resources/policy.schema.json``, then every level id against the scheme) and, when the
administrator named a public key, checks its Ed25519 signature (``<file>.sig`` beside it). Any
problem raises :class:`PolicyError` naming the file, the key path and its line; the caller then
uses :func:`failed_policy`, which fails closed (clearance at the lowest level, every classified
export blocked), and never the user's own settings.

:meth:`AdminPolicy.apply` lays the policy over the user's :class:`~.settings.Settings`: each key
the file gives wins and is listed in :attr:`AdminPolicy.locked`. :func:`effective_clearance` is
the lower of the user's clearance (their entry, else the highest of their groups', else the
default) and the workstation's cap.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from classification_plugin.core import ed25519
from classification_plugin.core.i18n import tr
from classification_plugin.core.paths import resource

ENV_VARIABLE = "CLASSIFICATION_GUARD_POLICY"
GLOBAL_FILE_KEY = "classification_guard/policy_file"  # in qgis_global_settings.ini
GLOBAL_KEY_KEY = "classification_guard/policy_public_key"  # hex or base64 of the 32-byte key
SYSTEM_FILES = {"posix": "/etc/classification-guard/policy.json",
                "nt": os.path.join("%PROGRAMDATA%", "ClassificationGuard", "policy.json")}
FORMAT_VERSION = 1
# policy key -> the Settings field it sets (and locks)
SETTINGS_KEYS = {"scheme": "scheme", "export_policy": "export_policy", "unknown_level_policy": "unknown_level_policy",
                 "approved_destinations": "approved_destinations", "approved_hosts": "approved_hosts",
                 "mandatory_labelling": "mandatory_labelling", "default_level": "default_level",
                 "audit_log": "audit_log_location"}


class PolicyError(ValueError):
    """The policy file cannot be used; ``str()`` says which file and what exactly is wrong."""

    def __init__(self, path: str, problem: str, key: str = "", line: int | None = None):
        self.path, self.problem, self.key, self.line = str(path), problem, key, line
        where = f" ({key}{f', line {line}' if line else ''})" if key else (f" (line {line})" if line else "")
        super().__init__(tr("Policy file {path}: {problem}{where}").format(path=path, problem=problem, where=where))


@dataclass(frozen=True)
class AdminPolicy:
    path: str
    values: dict = field(default_factory=dict)  # the validated file
    signed: bool = False
    error: str = ""  # set on a failed policy (fail-closed)

    @property
    def failed(self) -> bool:
        return bool(self.error)

    @property
    def locked(self) -> frozenset:
        """The Settings fields the users cannot change."""
        if self.failed:
            return frozenset(SETTINGS_KEYS.values())
        return frozenset(field_name for key, field_name in SETTINGS_KEYS.items() if key in self.values)

    @property
    def downgrade_roles(self) -> tuple:
        return tuple(self.values.get("downgrade_roles", ()))

    def apply(self, settings, scheme=None):
        """``settings`` with every locked field taken from the policy (a failed policy: every
        classified level of ``scheme`` blocked, unknown levels blocked, no approved folder)."""
        if self.failed:
            levels = scheme.levels if scheme is not None else ()
            lowest = min((level.rank for level in levels), default=0)
            blocked = {level.id: ("allow" if level.rank == lowest else "block") for level in levels}
            return replace(settings, export_policy=blocked, unknown_level_policy="block",
                           approved_destinations=[], approved_hosts=[])
        changes = {field_name: self.values[key] for key, field_name in SETTINGS_KEYS.items() if key in self.values}
        return replace(settings, **changes)


def policy_location(environ=None, global_value: str = "", os_name: str | None = None) -> tuple[str, str] | None:
    """(path, where it was named) of the policy in force, or None when there is none.

    A path named in the environment or the global settings is returned even when the file is
    missing: a named but missing policy must fail closed, not fall back to no policy."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_VARIABLE, "").strip():
        return environ[ENV_VARIABLE].strip(), ENV_VARIABLE
    if str(global_value or "").strip():
        return str(global_value).strip(), GLOBAL_FILE_KEY
    system = SYSTEM_FILES.get(os_name or os.name, "")
    if "%PROGRAMDATA%" in system:
        system = system.replace("%PROGRAMDATA%", environ["PROGRAMDATA"]) if environ.get("PROGRAMDATA") else ""
    if system and os.path.isfile(system):
        return system, "system"
    return None


def load_policy(path: str, registry, public_key: str = "", user_scheme: str = "") -> AdminPolicy:
    """The validated policy at ``path``; :class:`PolicyError` for any problem (see the module).

    Level ids are checked against the scheme the policy names, else ``user_scheme``."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise PolicyError(path, tr("the file does not exist")) from None
    except OSError as error:
        raise PolicyError(path, tr("the file cannot be read: {error}").format(error=error.strerror or error)) from None
    signed = False
    if str(public_key or "").strip():
        _check_signature(path, raw, public_key)
        signed = True
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PolicyError(path, tr("the file is not UTF-8 text (byte {offset})").format(offset=error.start)) from None
    try:
        values = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyError(path, tr("not valid JSON: {message}").format(message=error.msg), line=error.lineno) from None
    lines = key_lines(text)
    problem = validate(values, _schema())
    if problem:
        key, message = problem
        raise PolicyError(path, message, _dotted(key), lines.get(key))
    _check_levels(path, values, registry, lines, user_scheme)
    return AdminPolicy(str(path), values, signed)


def failed_policy(error: PolicyError) -> AdminPolicy:
    return AdminPolicy(error.path, {}, False, str(error))


def sets_clearance(policy: AdminPolicy | None) -> bool:
    """Whether ``policy`` limits what may be opened: clearance rules, a workstation cap, or a
    failed policy (which clears only the lowest level)."""
    return policy is not None and (policy.failed or "clearance" in policy.values
                                   or "max_level" in policy.values.get("workstation", {}))


def effective_clearance(policy: AdminPolicy | None, scheme, user: str, groups) -> tuple[str, str]:
    """(level id, why) of what ``user`` in ``groups`` may open on this workstation.

    No policy: the highest level (no clearance rule). A failed policy: the lowest level."""
    levels = sorted(scheme.levels, key=lambda level: level.rank)
    if policy is None:
        return levels[-1].id, tr("no administrator policy")
    if policy.failed:
        return levels[0].id, tr("the administrator policy cannot be used")
    rank = {level.id: level.rank for level in levels}
    if "clearance" not in policy.values:  # no clearance rule, only the workstation's cap (if any)
        level, why = levels[-1].id, tr("no clearance rule")
    else:
        clearance = policy.values["clearance"]
        by_group = {g: clearance.get("groups", {})[g] for g in groups if g in clearance.get("groups", {})}
        if user in clearance.get("users", {}):
            level, why = clearance["users"][user], tr("user {user}").format(user=user)
        elif by_group:
            group = max(by_group, key=lambda g: rank[by_group[g]])
            level, why = by_group[group], tr("group {group}").format(group=group)
        else:  # a clearance section without a default clears nobody it does not name
            level, why = clearance.get("default", levels[0].id), tr("the policy's default")
    cap = policy.values.get("workstation", {}).get("max_level")
    if cap and rank[cap] < rank[level]:
        return cap, tr("this workstation's cap")
    return level, why


# -- validation ------------------------------------------------------------------------------------
def _schema() -> dict:
    return json.loads(resource("policy.schema.json").read_text(encoding="utf-8"))


_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def validate(value, schema: dict, key: tuple = ()) -> tuple[tuple, str] | None:
    """(key path, message) of the first place ``value`` breaks ``schema``, or None.

    The part of JSON Schema that policy.schema.json uses: type, const, enum, required, properties,
    additionalProperties (false or a schema), items, minLength."""
    if "const" in schema and value != schema["const"]:
        return key, tr("must be {value}").format(value=json.dumps(schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        return key, tr("must be one of {values}").format(values=", ".join(json.dumps(v) for v in schema["enum"]))
    wanted = schema.get("type")
    if wanted and not (isinstance(value, _TYPES[wanted]) and not (wanted != "boolean" and isinstance(value, bool))):
        return key, tr("must be a {kind}").format(kind=wanted)
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        return key, tr("must not be empty")
    if isinstance(value, dict):
        for name in schema.get("required", ()):
            if name not in value:
                return key, tr("'{name}' is missing").format(name=name)
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                problem = validate(item, properties[name], (*key, name))
            elif extra is False:
                return (*key, name), tr("unknown key '{name}'").format(name=name)
            elif isinstance(extra, dict):
                problem = validate(item, extra, (*key, name))
            else:
                problem = None
            if problem:
                return problem
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problem = validate(item, schema["items"], (*key, index))
            if problem:
                return problem
    return None


def _check_levels(path: str, values: dict, registry, lines: dict, user_scheme: str) -> None:
    scheme_id = values.get("scheme") or user_scheme
    if scheme_id not in registry.schemes:
        raise PolicyError(path, tr("unknown scheme '{scheme}' (known: {known})").format(
            scheme=scheme_id, known=", ".join(sorted(registry.schemes))), "scheme", lines.get(("scheme",)))
    scheme = registry.schemes[scheme_id]
    named = [(("export_policy", level), level) for level in values.get("export_policy", {})]
    named += [(("approved_destinations", i, "max_level"), entry["max_level"])
              for i, entry in enumerate(values.get("approved_destinations", []))]
    if values.get("default_level"):
        named.append((("default_level",), values["default_level"]))
    clearance = values.get("clearance", {})
    if "default" in clearance:
        named.append((("clearance", "default"), clearance["default"]))
    for section in ("users", "groups"):
        named += [(("clearance", section, name), level) for name, level in clearance.get(section, {}).items()]
    if "anonymous" in values.get("server", {}):
        named.append((("server", "anonymous"), values["server"]["anonymous"]))
    if "max_level" in values.get("workstation", {}):
        named.append((("workstation", "max_level"), values["workstation"]["max_level"]))
    for key, level in named:
        if not scheme.has_level(level):
            raise PolicyError(path, tr("unknown level '{level}' in scheme '{scheme}'").format(
                level=level, scheme=scheme_id), _dotted(key), lines.get(key))


def _check_signature(path: str, raw: bytes, public_key: str) -> None:
    key = _key_bytes(public_key)
    if key is None:
        raise PolicyError(path, tr("the public key named in the global settings is not a 32-byte Ed25519 key"))
    signature_path = f"{path}.sig"
    try:
        signature = _signature_bytes(Path(signature_path).read_bytes())
    except OSError:
        raise PolicyError(path, tr("the signature {file} is missing or unreadable").format(
            file=signature_path)) from None
    if signature is None or not ed25519.verify(key, raw, signature):
        raise PolicyError(path, tr("the signature {file} does not match the file").format(file=signature_path))


def _key_bytes(text: str) -> bytes | None:
    """A 32-byte key given as hex or base64 text, or as a file holding that text."""
    text = str(text).strip()
    if os.path.isfile(text):
        text = Path(text).read_text(encoding="ascii", errors="replace")
    return _decoded(text, 32)


def _signature_bytes(data: bytes) -> bytes | None:
    """A detached signature: 64 raw bytes, or their hex or base64 text."""
    return data if len(data) == 64 else _decoded(data.decode("ascii", errors="replace"), 64)


def _decoded(text: str, size: int) -> bytes | None:
    """``size`` bytes from their hex or base64 text, or None."""
    for decode in (bytes.fromhex, base64.b64decode):
        try:
            value = decode(text.strip())
        except (ValueError, binascii.Error):
            continue
        if len(value) == size:
            return value
    return None


def _dotted(key: tuple) -> str:
    return ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in key).replace(".[", "[")


def key_lines(text: str) -> dict:
    """{key path: line} of every object key and array item in well-formed JSON ``text``."""
    lines: dict = {}
    stack: list = []  # [container kind, current key or index]
    line, i, n = 1, 0, len(text)
    expect_key = False
    while i < n:
        char = text[i]
        if char == "\n":
            line += 1
        elif char in "{[":
            if stack and stack[-1][0] == "[":
                stack[-1][1] += 1
                lines[tuple(entry[1] for entry in stack)] = line
            stack.append([char, -1 if char == "[" else None])
            expect_key = char == "{"
        elif char in "}]":
            stack.pop()
        elif char == ",":
            expect_key = bool(stack) and stack[-1][0] == "{"
        elif char == '"':
            end = i + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            token = json.loads(text[i:end + 1])
            if expect_key and stack and stack[-1][0] == "{":
                stack[-1][1] = token
                lines[tuple(entry[1] for entry in stack)] = line
                expect_key = False
            elif stack and stack[-1][0] == "[":
                stack[-1][1] += 1
                lines[tuple(entry[1] for entry in stack)] = line
            i = end
        elif not char.isspace() and char != ":" and stack and stack[-1][0] == "[":
            # a number, true, false or null in an array
            stack[-1][1] += 1
            lines[tuple(entry[1] for entry in stack)] = line
            while i + 1 < n and text[i + 1] not in ",]} \t\r\n":
                i += 1
        i += 1
    return lines


# -- administrators' command line ----------------------------------------------------------------
def main(argv=None) -> int:
    """``python3 -m classification_plugin.core.admin_policy keygen|sign|check ...``

    keygen SECRET_FILE      write a new secret key (hex) and print the public key for the
                            global setting classification_guard/policy_public_key
    sign POLICY SECRET_FILE write POLICY.sig
    check POLICY [PUBLIC_KEY] [SCHEME]
                            exit 0 and print "valid" when the workstations would accept it, else
                            print the problem (file, key path, line) and exit 1
    """
    import sys

    from classification_plugin.core.schemes import DEFAULT_SCHEME_ID, SchemeRegistry

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 2 and args[0] == "keygen":
        secret = os.urandom(32)
        descriptor = os.open(args[1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secret.hex() + "\n")
        print(ed25519.public_key(secret).hex())
        return 0
    if len(args) == 3 and args[0] == "sign":
        secret = _key_bytes(args[2])
        if secret is None:
            print(f"{args[2]}: not a 32-byte key", file=sys.stderr)
            return 2
        Path(f"{args[1]}.sig").write_text(ed25519.sign(secret, Path(args[1]).read_bytes()).hex() + "\n",
                                          encoding="ascii")
        return 0
    if 2 <= len(args) <= 4 and args[0] == "check":
        public_key = args[2] if len(args) > 2 else ""
        try:
            load_policy(args[1], SchemeRegistry(), public_key, args[3] if len(args) > 3 else DEFAULT_SCHEME_ID)
        except PolicyError as error:
            print(error)
            return 1
        print("valid")
        return 0
    print(main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
