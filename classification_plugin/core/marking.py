"""The marking text: what the map banner shows and what an allowed export carries.

Plain data in (the layers' labels, the scheme, the language), plain data out; the map banner
(gui) and the export guard (integration) both build their marking here.
"""

from __future__ import annotations

from classification_plugin.core.labels import highest_label

Marking = tuple  # (text, background colour, text colour)


def _marking_of(labels, scheme, top, language: str) -> Marking:
    """The banner of level ``top`` (the highest label), with the caveats of the labels at that level."""
    level = scheme.level(top.level)
    text = level.banner_text(language)
    caveats = []
    for label in labels:
        if label is not None and label.level == top.level:
            caveats.extend(c for c in label.caveats if c not in caveats)
    if caveats:
        text += " // " + " / ".join(caveats)
    return text, level.background, level.text_color


def banner_text(labels, scheme, language: str) -> Marking | None:
    """The marking for the highest of ``labels`` (None: nothing classified among them)."""
    labels = list(labels)
    top = highest_label(labels, scheme)
    return None if top is None else _marking_of(labels, scheme, top, language)


def export_marking(labels, scheme, language: str) -> Marking | None:
    """The marking an exported map or layout carries: the banner of the highest label, unless
    that level is an unclassified one (ISO ``unclassified``: public, open, ...), which needs none."""
    labels = list(labels)
    top = highest_label(labels, scheme)
    if top is None or scheme.level(top.level).iso_code == "unclassified":
        return None
    return _marking_of(labels, scheme, top, language)
