import builtins
import sys

from classification_plugin.core import deps


def test_shapely_2_is_usable_here():
    deps.shapely_problem.cache_clear()
    assert deps.shapely_problem() == ""


def test_missing_or_old_shapely_is_explained(monkeypatch):
    real_import = builtins.__import__

    def no_shapely(name, *args, **kwargs):
        if name == "shapely":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "shapely", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_shapely)
    deps.shapely_problem.cache_clear()
    assert "shapely 2 (not installed)" in deps.shapely_problem()
    monkeypatch.setattr(builtins, "__import__", real_import)

    old = type(sys)("shapely")
    old.__version__ = "1.8.5"
    monkeypatch.setitem(sys.modules, "shapely", old)
    deps.shapely_problem.cache_clear()
    assert "version 1.8.5 is installed" in deps.shapely_problem()
    deps.shapely_problem.cache_clear()


def test_shapely_2_with_an_unknown_version_string_is_usable(monkeypatch):
    # Debian sid's python3-shapely 2.2 reports __version__ "0+unknown": judged by its functions
    new = type(sys)("shapely")
    new.__version__ = "0+unknown"
    new.contains_xy = new.from_wkb = lambda *args: None
    monkeypatch.setitem(sys.modules, "shapely", new)
    deps.shapely_problem.cache_clear()
    assert deps.shapely_problem() == ""
    deps.shapely_problem.cache_clear()
