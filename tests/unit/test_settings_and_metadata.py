import configparser
from pathlib import Path

from classification_plugin.core import about
from classification_plugin.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


class FakeStore:
    def __init__(self):
        self.values = {}

    def value(self, key, default=None):
        return self.values.get(key, default)

    def setValue(self, key, value):
        self.values[key] = value


def test_settings_round_trip_through_one_group():
    store = FakeStore()
    settings = Settings(mandatory_labelling=True, scheme="nato", approved_hosts=["tiles.local"])
    settings.export_policy["internal"] = "justify"
    settings.save(store)
    assert all(key.startswith("classification_guard/") for key in store.values)
    loaded = Settings.load(store)
    assert loaded == settings
    assert Settings().changed_fields(loaded) == ["scheme", "mandatory_labelling", "export_policy", "approved_hosts"]


def test_settings_survive_qt_string_values_and_garbage():
    store = FakeStore()
    store.values = {"classification_guard/mandatory_labelling": "true",
                    "classification_guard/export_policy": "{broken"}
    loaded = Settings.load(store)
    assert loaded.mandatory_labelling is True
    assert loaded.export_policy == Settings().export_policy


def test_metadata_has_what_the_plugin_manager_needs():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "metadata.txt", encoding="utf-8")
    general = parser["general"]
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
                "repository", "tracker", "tags", "changelog", "hasProcessingProvider"):
        assert general.get(key, "").strip(), key
    assert general["name"] == "Classification Guard"
    assert general["qgisMinimumVersion"] == "3.22"
    # QGIS 4 offers and loads the plugin only up to this: the matrix (3.22, 3.40, 3.44) is green and
    # the Qt 6 rules are checked by tests/unit/test_qt6_ready.py and tests/qgis/test_qt6_enums.py
    assert general["qgisMaximumVersion"] == "4.99"
    assert general["hasProcessingProvider"] == "yes"
    assert (ROOT / general["icon"]).is_file()
    assert about.name() == "Classification Guard"
    assert about.version() == general["version"]
