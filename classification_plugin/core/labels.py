"""Secrecy labels and the rules for changing them.

A label never touches the data; it is a small JSON document kept beside it. Changing a label
follows one rule set, used by the dialog, the quick menu entries and Processing alike:

- applying a first label or raising the level needs a reason;
- lowering the level, moving to another scheme, or removing the label needs a written
  justification;
- every change is appended to the label's history.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone

from classification_plugin.core.i18n import tr
from classification_plugin.core.schemes import Scheme

FORMAT_VERSION = 1


class LabelError(ValueError):
    """A requested label change breaks the rules; the label is left as it was."""


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class HistoryEntry:
    when: str
    who: str
    action: str  # "applied", "raised", "lowered", "updated", "removed"
    old_level: str
    new_level: str
    reason: str = ""
    justification: str = ""


@dataclass(frozen=True)
class Custody:
    """Where a copy of classified data came from: the handover package that brought it
    (:mod:`core.custody`). Kept in the copy's label, so it travels with the data."""

    package_id: str
    sender_unit: str
    sender_person: str = ""
    recipient_unit: str = ""
    handed_over_at: str = ""
    return_by: str = ""
    no_onward_transfer: bool = False

    @classmethod
    def from_dict(cls, data) -> Custody | None:
        if not isinstance(data, dict) or not data.get("package_id"):
            return None
        return cls(**{k: (bool(v) if k == "no_onward_transfer" else str(v))
                      for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Label:
    scheme: str
    level: str
    caveats: tuple[str, ...] = ()
    owner: str = ""
    reason: str = ""
    classified_by: str = ""
    classified_at: str = ""
    review_date: str = ""
    uid: str = ""
    history: tuple[HistoryEntry, ...] = field(default_factory=tuple)
    custody: Custody | None = None  # set on a copy received in a handover package

    def to_dict(self) -> dict:
        data = asdict(self)
        data["caveats"] = list(self.caveats)
        data["history"] = [asdict(entry) for entry in self.history]
        if self.custody is None:
            del data["custody"]  # labels without custody read as before
        data["format"] = FORMAT_VERSION
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict) -> Label:
        if not isinstance(data, dict) or not data.get("scheme") or not data.get("level"):
            raise LabelError(tr("A stored label has no scheme or level"))
        history = tuple(
            HistoryEntry(**{k: str(v) for k, v in entry.items() if k in HistoryEntry.__dataclass_fields__})
            for entry in data.get("history", [])
            if isinstance(entry, dict)
        )
        return cls(
            scheme=str(data["scheme"]),
            level=str(data["level"]),
            caveats=tuple(str(c) for c in data.get("caveats", []) if str(c).strip()),
            owner=str(data.get("owner", "")),
            reason=str(data.get("reason", "")),
            classified_by=str(data.get("classified_by", "")),
            classified_at=str(data.get("classified_at", "")),
            review_date=str(data.get("review_date", "")),
            uid=str(data.get("uid", "")),
            history=history,
            custody=Custody.from_dict(data.get("custody")),
        )

    @classmethod
    def from_json(cls, text: str) -> Label:
        try:
            data = json.loads(text)
        except (TypeError, json.JSONDecodeError) as error:
            raise LabelError(tr("A stored label is not valid JSON: {error}").format(error=error)) from error
        return cls.from_dict(data)


@dataclass(frozen=True)
class LabelRequest:
    """What a user asks for: a level (or ``None`` to remove) and the label's other fields."""

    level: str | None
    reason: str = ""
    justification: str = ""
    caveats: tuple[str, ...] | None = None
    owner: str | None = None
    review_date: str | None = None


def _check_date(value: str) -> None:
    if value:
        try:
            datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise LabelError(
                tr("Review date '{value}' is not a date like 2027-06-30").format(value=value)
            ) from None


def change_kind(current: Label | None, request: LabelRequest, scheme: Scheme) -> str:
    """Classify a request as applied / raised / lowered / updated / removed."""
    if request.level is None:
        return "removed"
    if current is None:
        return "applied"
    if current.scheme != scheme.id or not scheme.has_level(current.level):
        return "lowered"  # another scheme cannot be ranked against this one: treat as a downgrade
    old_rank = scheme.level(current.level).rank
    new_rank = scheme.level(request.level).rank
    if new_rank > old_rank:
        return "raised"
    if new_rank < old_rank:
        return "lowered"
    return "updated"


#: ISO 19115 codes of the levels from which down on a lowering or removal needs a downgrade role
DOWNGRADE_ROLE_ISO = ("confidential", "secret", "topSecret")


def downgrade_refusal(current: Label | None, request: LabelRequest, scheme: Scheme, roles, groups) -> str:
    """Why lowering or removing ``current`` is refused to a user in ``groups`` ('' when it is not).

    When the administrator's policy lists ``downgrade_roles``, lowering or removing a label at or
    above the scheme's confidential level (ISO codes confidential, secret, topSecret) needs one of
    them; a label of another scheme counts as at that level."""
    roles = tuple(roles or ())
    if not roles or current is None or change_kind(current, request, scheme) not in ("lowered", "removed"):
        return ""
    if current.scheme == scheme.id and scheme.has_level(current.level):
        guarded = [level.rank for level in scheme.levels if level.iso_code in DOWNGRADE_ROLE_ISO]
        if not guarded or scheme.level(current.level).rank < min(guarded):
            return ""
    if set(roles) & set(groups or ()):
        return ""
    return tr("Lowering or removing this label needs one of the downgrade roles your administrator set "
              "({roles}); you are in none of them").format(roles=", ".join(roles))


def apply_change(
    current: Label | None,
    request: LabelRequest,
    scheme: Scheme,
    user: str,
    now: str | None = None,
) -> Label | None:
    """Return the new label (``None`` when removed) or raise :class:`LabelError`."""
    now = now or utc_now()
    if request.level is not None and not scheme.has_level(request.level):
        raise LabelError(
            tr("'{level}' is not a level of scheme '{scheme}'; choose one of: {levels}").format(
                level=request.level, scheme=scheme.id, levels=", ".join(scheme.level_ids())
            )
        )
    if request.level is None and current is None:
        raise LabelError(tr("The layer has no label to remove"))
    kind = change_kind(current, request, scheme)
    reason = request.reason.strip()
    justification = request.justification.strip()
    if kind in ("applied", "raised") and not reason:
        raise LabelError(tr("Give a reason for classifying the layer (for example the catalogue item)"))
    if kind in ("lowered", "removed") and not justification:
        raise LabelError(
            tr("Lowering or removing a classification needs a written justification")
        )
    review_date = request.review_date if request.review_date is not None else (
        current.review_date if current else ""
    )
    _check_date(review_date)
    entry = HistoryEntry(
        when=now,
        who=user,
        action=kind,
        old_level=current.level if current else "",
        new_level=request.level or "",
        reason=reason,
        justification=justification,
    )
    history = (current.history if current else ()) + (entry,)
    if request.level is None:
        return None
    base = current or Label(scheme=scheme.id, level=request.level, uid=str(uuid.uuid4()))
    caveats = request.caveats if request.caveats is not None else base.caveats
    return replace(
        base,
        scheme=scheme.id,
        level=request.level,
        caveats=tuple(c.strip() for c in caveats if c.strip()),
        owner=request.owner if request.owner is not None else base.owner,
        reason=reason or base.reason,
        classified_by=user,
        classified_at=now,
        review_date=review_date,
        uid=base.uid or str(uuid.uuid4()),
        history=history,
    )


def highest_label(labels, scheme: Scheme) -> Label | None:
    """The label with the highest level in ``scheme`` (labels of other schemes are ignored)."""
    best = None
    for label in labels:
        if label is None or label.scheme != scheme.id or not scheme.has_level(label.level):
            continue
        if best is None or scheme.level(label.level).rank > scheme.level(best.level).rank:
            best = label
    return best


def inherited_label(sources, scheme: Scheme, user: str, reason: str) -> Label | None:
    """A fresh label for data derived from ``sources``: the highest level, all caveats, and the
    custody of a source that may not be passed on (what is made from it may not be either)."""
    top = highest_label(sources, scheme)
    if top is None:
        return None
    caveats: list[str] = []
    for label in sources:
        if label is not None:
            caveats.extend(c for c in label.caveats if c not in caveats)
    bound = [label.custody for label in sources if label is not None and label.custody is not None
             and label.custody.no_onward_transfer]
    now = utc_now()
    return Label(
        scheme=scheme.id,
        level=top.level,
        caveats=tuple(caveats),
        owner=top.owner,
        reason=reason,
        classified_by=user,
        classified_at=now,
        uid=str(uuid.uuid4()),
        history=(HistoryEntry(now, user, "applied", "", top.level, reason=reason),),
        custody=bound[0] if bound else None,
    )
