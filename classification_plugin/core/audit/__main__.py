"""``python3 -m classification_plugin.core.audit verify|export ...`` (see cli.py)."""

import sys

from classification_plugin.core.audit.cli import main

sys.exit(main())
