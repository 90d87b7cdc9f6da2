"""What the benchmarks that run QGIS Processing in fresh processes share: starting QGIS with
Processing, and this process's peak resident memory."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_PROVIDER = None  # Python must keep its own reference, or the provider's methods go with it


def start_qgis(with_plugin: bool = False):
    """A QgsApplication with Processing and QGIS's native algorithms, and with ``with_plugin`` the
    plugin's own provider; returns the application (keep it alive)."""
    global _PROVIDER
    sys.path.insert(0, str(ROOT))
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    registry = QgsApplication.processingRegistry()
    if registry.providerById("native") is None:
        from qgis.analysis import QgsNativeAlgorithms

        registry.addProvider(QgsNativeAlgorithms())
    if with_plugin and registry.providerById("classification") is None:
        from classification_plugin.processing.provider import ClassificationProvider

        _PROVIDER = ClassificationProvider()
        registry.addProvider(_PROVIDER)
    return app


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB. Not ``ru_maxrss``: Linux carries that
    over fork and exec from the parent, so a child started by a large benchmark reported the
    parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux
