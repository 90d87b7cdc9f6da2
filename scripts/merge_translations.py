"""Merge translations from JSON files ({source: translation}) into a catalogue in i18n/.

    python scripts/merge_translations.py zh_CN file.json [file.json ...]

Only strings the code still uses are written; merged entries are marked finished.
"""

from __future__ import annotations

import json
import sys

import update_ts


def main(argv: list[str]) -> int:
    language, files = argv[0], argv[1:]
    known = update_ts.read_ts(update_ts.catalogue(language))
    for name in files:
        with open(name, encoding="utf-8") as handle:
            for source, text in json.load(handle).items():
                if text.strip():
                    known[source] = (text, True)
    update_ts.write_ts(update_ts.catalogue(language), language, update_ts.extract(), known)
    remaining = update_ts.problems(language)
    print(f"{len(remaining)} unfinished")
    for line in remaining:
        print(" ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
