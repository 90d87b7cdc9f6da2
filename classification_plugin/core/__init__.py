"""Logic that needs no screen: schemes, labels, policy, audit chain, zone checks.

Nothing in this package imports qgis.gui, widgets or iface.
"""
