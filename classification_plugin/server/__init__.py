"""QGIS Server side of the plugin: published layers respect labels and the requester's clearance.

Loaded by QGIS Server through ``serverClassFactory`` (see the package's ``__init__``); it shares
``core/`` (schemes, labels, policy, audit) and the label reading of ``integration/`` with the
desktop, and never imports ``gui/``.
"""
