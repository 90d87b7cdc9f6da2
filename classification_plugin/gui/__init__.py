"""Dialogs, docks, indicators and the map banner: they show and collect, core decides."""
