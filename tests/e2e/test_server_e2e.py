"""QGIS Server with the plugin, asked by a real OGC client (OWSLib) as three requesters behind an
authenticating proxy: anonymous, a user cleared for internal, and a member of a group cleared for
secret. Each sees exactly the layers up to their clearance (WMS, WFS, WMTS and WCS capabilities); a
layer above it is refused with an OGC service exception in GetMap, GetFeatureInfo,
GetLegendGraphic, GetFeature, DescribeFeatureType, WFS-T, WMTS GetTile and GetPrint (also when the
print layout's map keeps its own layers or follows a map theme); allowed maps and prints carry the
level's banner; every request that touched a classified layer is one row in the central PostgreSQL
log."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import postgres_server
import pytest
from harness import OUTPUT
from owslib.util import ServiceException
from owslib.wfs import WebFeatureService
from owslib.wms import WebMapService
from qgis_server import FcgiServer, MapServer, qgis_python

E2E = Path(__file__).resolve().parent
if Path("/usr/share/proj/proj.db").is_file():  # OWSLib's WFS 1.0.0 reads CRSs with pyproj, which in a venv
    os.environ.setdefault("PROJ_DATA", "/usr/share/proj")  # looks for its data under the venv (3.7+)
pg_server = postgres_server.pg_server  # a private PostgreSQL for this session, as the audit tests start it

ANONYMOUS = {}
INTERNAL = {"X-Remote-User": "li.internal"}
SECRET = {"X-Remote-User": "zhao.survey", "X-Remote-Groups": "staff, survey-secret"}
BBOX = (116.2, 39.8, 116.6, 40.1)  # lon/lat: CRS:84, which no client reorders
ORANGE = (0xEF, 0x6C, 0x00, 255)  # the scheme's colour for secret: its banner


@pytest.fixture(scope="module")
def published(tmp_path_factory, pg_server):
    """The demo project, a policy with clearances and the central log, and the server running it."""
    folder = tmp_path_factory.mktemp("server")
    project = Path(qgis_python(E2E / "server_project.py", str(folder / "data")).strip().splitlines()[-1])
    log = postgres_server.new_pg_database(pg_server)
    policy = folder / "policy.json"
    policy.write_text(json.dumps({
        "version": 1, "default_level": "internal", "audit_log": log,
        "clearance": {"default": "public", "users": {"li.internal": "internal"},
                      "groups": {"survey-secret": "secret"}},
        "server": {"anonymous": "public"}}), encoding="utf-8")
    with MapServer(project, folder, policy) as server:
        server.gpkg = project.parent / "survey.gpkg"
        server.audit = log
        yield server
    print(server.log_text()[-3000:])


def wms(server, headers):
    return WebMapService(server.url, version="1.3.0", headers=dict(headers))


def wfs(server, headers, version="1.1.0"):
    return WebFeatureService(server.url, version=version, headers=dict(headers))


def wmts(server, headers):
    from owslib.wmts import WebMapTileService

    return WebMapTileService(server.url + "?SERVICE=WMTS", headers=dict(headers))


def wcs(server, headers):
    from owslib.wcs import WebCoverageService

    return WebCoverageService(server.url, version="1.0.0", headers=dict(headers))


def get_map(server, headers, layer):
    return wms(server, headers).getmap(layers=[layer], srs="CRS:84", bbox=BBOX,
                                       size=(200, 150), format="image/png", transparent=True)


def refusal(call) -> str:
    """The OGC service exception QGIS answered ``call()`` with, as this OWSLib hands it over:
    raised as ServiceException (3.22's and 3.40's OWSLib for GetMap), raised as an HTTP 403 error
    (sid's), or returned as the body (GetFeatureInfo on 3.22). "" when it was not refused."""
    import requests

    try:
        result = call()
    except ServiceException as error:
        return str(error)
    except requests.exceptions.HTTPError as error:
        return error.response.text if error.response is not None else str(error)
    body = result.read() if hasattr(result, "read") else result
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return text if "ServiceException" in text else ""


def refused(text: str, layer: str) -> bool:
    """QGIS's refusals: "You are not allowed to access to the layer: X" (3.22), "Your are not
    allowed to access the layer X" (3.40+), and WFS GetFeature's "Feature access permission
    denied" on 3.40+, which names no layer."""
    return ("not allowed" in text and layer in text) or "Feature access permission denied" in text


def raw(server, headers, **parameters) -> tuple:
    """A request OWSLib has no call for (GetPrint, DescribeFeatureType): (content type, body),
    whatever the HTTP status (QGIS answers a refusal with 403 and an exception document)."""
    request = urllib.request.Request(server.url + "?" + urllib.parse.urlencode(parameters), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.headers.get("Content-Type", ""), error.read()


def test_capabilities_list_exactly_the_layers_each_requester_is_cleared_for(published):
    expected = {
        "anonymous": {"public_roads"},
        "internal": {"public_roads", "internal_sites", "unlabelled_wells"},  # unlabelled counts as internal
        "secret": {"public_roads", "internal_sites", "unlabelled_wells", "secret_control"},
    }
    # twice, interleaved: a cached capabilities document never crosses from one clearance to another
    for _round in range(2):
        for who, headers in (("anonymous", ANONYMOUS), ("secret", SECRET), ("internal", INTERNAL)):
            raster = {"secret_ortho"} if who == "secret" else set()
            assert set(wms(published, headers).contents) == expected[who] | raster, who
            names = {name.split(":")[-1] for name in wfs(published, headers).contents}
            assert names == expected[who], who
            assert set(wmts(published, headers).contents) == expected[who] | raster, who
            assert set(wcs(published, headers).contents) == raster, who


def test_a_layer_above_clearance_is_refused_with_a_service_exception(published):
    assert refused(refusal(lambda: get_map(published, INTERNAL, "secret_control")), "secret_control")
    assert refused(refusal(lambda: get_map(published, ANONYMOUS, "internal_sites")), "internal_sites")
    image = get_map(published, SECRET, "secret_control").read()
    assert image[:8] == b"\x89PNG\r\n\x1a\n"

    def feature_info(headers):
        return wms(published, headers).getfeatureinfo(
            layers=["secret_control"], srs="CRS:84", bbox=BBOX, size=(200, 150),
            format="image/png", query_layers=["secret_control"], info_format="text/xml", xy=(100, 35),
            feature_count=5)

    assert refused(refusal(lambda: feature_info(INTERNAL)), "secret_control")
    answered = feature_info(SECRET).read()
    assert b"ServiceException" not in answered and b"GetFeatureInfoResponse" in answered, answered[:300]
    # (OWSLib 0.27's WFS 1.1.0 GetFeature fails on an exception document itself; its 1.0.0 reads it)
    assert refused(refusal(lambda: wfs(published, INTERNAL, "1.0.0").getfeature(typename=["secret_control"])),
                   "secret_control")
    features = wfs(published, SECRET, "1.0.0").getfeature(typename=["secret_control"]).read()
    assert b"secret_control 1" in (features if isinstance(features, bytes) else features.encode())
    kind, body = raw(published, INTERNAL, SERVICE="WFS", VERSION="1.1.0", REQUEST="DescribeFeatureType",
                     TYPENAME="secret_control")
    assert b"ServiceException" in body or b"ExceptionReport" in body, body[:300]
    kind, body = raw(published, SECRET, SERVICE="WFS", VERSION="1.1.0", REQUEST="DescribeFeatureType",
                     TYPENAME="secret_control")
    assert b"schema" in body and b"secret_control" in body and b"Exception" not in body, body[:300]
    kind, body = raw(published, INTERNAL, SERVICE="WMS", VERSION="1.3.0", REQUEST="GetPrint", TEMPLATE="Plan",
                     FORMAT="pdf", CRS="EPSG:4326", **{"map0:EXTENT": "39.8,116.2,40.1,116.6",
                                                       "map0:LAYERS": "secret_control"})
    assert "xml" in kind and b"ServiceException" in body and b"secret_control" in body, (kind, body[:300])
    kind, body = raw(published, SECRET, SERVICE="WMS", VERSION="1.3.0", REQUEST="GetPrint", TEMPLATE="Plan",
                     FORMAT="pdf", CRS="EPSG:4326", **{"map0:EXTENT": "39.8,116.2,40.1,116.6",
                                                       "map0:LAYERS": "secret_control"})
    assert body[:5] == b"%PDF-", (kind, body[:300])


def get_print(server, headers, template, layers=None, image_format="png", **extra):
    """GetPrint of ``template`` over the demo extent: (content type, body)."""
    parameters = {"map0:EXTENT": "39.8,116.2,40.1,116.6", **extra}
    if layers:
        parameters["map0:LAYERS"] = layers
    return raw(server, headers, SERVICE="WMS", VERSION="1.3.0", REQUEST="GetPrint", TEMPLATE=template,
               FORMAT=image_format, CRS="EPSG:4326", **parameters)


def test_legend_tiles_and_transactions_of_a_layer_above_clearance_are_refused(published):
    kind, body = raw(published, INTERNAL, SERVICE="WMS", VERSION="1.3.0", REQUEST="GetLegendGraphic",
                     LAYER="secret_control", FORMAT="image/png")
    assert b"ServiceException" in body and b"secret_control" in body, (kind, body[:300])
    kind, body = raw(published, SECRET, SERVICE="WMS", VERSION="1.3.0", REQUEST="GetLegendGraphic",
                     LAYER="secret_control", FORMAT="image/png")
    assert body[:8] == b"\x89PNG\r\n\x1a\n", (kind, body[:300])
    tile = {"SERVICE": "WMTS", "VERSION": "1.0.0", "REQUEST": "GetTile", "LAYER": "secret_control",
            "FORMAT": "image/png", "TILEMATRIXSET": "EPSG:4326", "TILEMATRIX": "0", "TILEROW": "0", "TILECOL": "1"}
    kind, body = raw(published, INTERNAL, **tile)
    assert b"Exception" in body and b"secret_control" in body, (kind, body[:300])
    kind, body = raw(published, SECRET, **tile)
    assert body[:8] == b"\x89PNG\r\n\x1a\n", (kind, body[:300])

    def insert(headers, name):
        transaction = (
            '<wfs:Transaction service="WFS" version="1.0.0" xmlns:wfs="http://www.opengis.net/wfs" '
            'xmlns:gml="http://www.opengis.net/gml" xmlns:qgs="http://www.qgis.org/gml">'
            f'<wfs:Insert><qgs:secret_control><qgs:geometry><gml:Point srsName="EPSG:4326">'
            f'<gml:coordinates>116.42,39.95</gml:coordinates></gml:Point></qgs:geometry>'
            f'<qgs:name>{name}</qgs:name></qgs:secret_control></wfs:Insert></wfs:Transaction>')
        request = urllib.request.Request(published.url + "?SERVICE=WFS&VERSION=1.0.0&REQUEST=Transaction",
                                         data=transaction.encode(), method="POST",
                                         headers={**headers, "Content-Type": "text/xml"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            return error.read()

    def names():
        data = wfs(published, SECRET, "1.0.0").getfeature(typename=["secret_control"]).read()
        return (data if isinstance(data, bytes) else data.encode()).decode("utf-8", "replace")

    answer = insert(INTERNAL, "written by internal")
    assert b"SUCCESS" not in answer, answer[:500]
    assert "written by internal" not in names()
    answer = insert(SECRET, "written by secret")
    assert b"SUCCESS" in answer, answer[:500]
    assert "written by secret" in names()


def test_an_allowed_map_of_a_classified_layer_carries_the_level_banner(published):
    import io

    from PIL import Image

    def pixels(headers, layer):
        data = get_map(published, headers, layer).read()
        (OUTPUT / "server").mkdir(parents=True, exist_ok=True)
        (OUTPUT / "server" / f"getmap_{layer}.png").write_bytes(data)  # to look at
        image = Image.open(io.BytesIO(data)).convert("RGBA")
        return image, image.load()

    image, secret = pixels(SECRET, "secret_control")
    assert image.size == (200, 150)
    for corner in ((0, 0), (199, 0), (0, 149), (199, 149)):  # a band at the top and at the bottom
        assert secret[corner] == ORANGE, corner
    assert secret[20, 75][3] == 0  # the map between the bands stays as drawn (transparent there)
    _image, public = pixels(ANONYMOUS, "public_roads")
    assert public[0, 0][3] == 0 and public[0, 149][3] == 0  # public data needs no marking


def print_page(server, headers, template, layers=None, name="", **extra):
    """A GetPrint PNG of the first page, saved to look at: (image, pixels)."""
    import io

    from PIL import Image

    kind, body = get_print(server, headers, template, layers, **extra)
    assert body[:8] == b"\x89PNG\r\n\x1a\n", (kind, body[:300])
    (OUTPUT / "server").mkdir(parents=True, exist_ok=True)
    (OUTPUT / "server" / f"getprint_{name or template}.png").write_bytes(body)
    image = Image.open(io.BytesIO(body)).convert("RGBA")
    return image, image.load()


def test_a_print_of_a_classified_layer_carries_the_banner_on_its_page(published):
    image, page = print_page(published, SECRET, "Plan", "secret_control", "plan_secret")
    width, height = image.size
    for x, y in ((5, 5), (width // 2, 5), (width - 5, height - 5), (5, height - 5)):
        assert page[x, y] == ORANGE, (x, y)
    assert page[width // 2, height // 2] != ORANGE
    image, page = print_page(published, ANONYMOUS, "Plan", "public_roads", "plan_public")
    width, height = image.size
    assert page[5, 5] != ORANGE and page[5, height - 5] != ORANGE  # public data needs no marking
    # GetPrint sets or removes a layout label whose id the request names: the banner's items
    # cannot be named (this is the id the desktop's layout marking uses)
    image, page = print_page(published, SECRET, "Plan", "secret_control", "plan_named",
                             classification_guard_marking="")
    assert page[5, 5] == ORANGE and page[5, image.size[1] - 5] == ORANGE


def test_a_print_layout_whose_map_keeps_its_own_layers_is_judged_by_them(published):
    """``Locked`` keeps the secret table in its map and ``Themed`` follows a theme showing it: a
    GetPrint naming no layers still prints it, so it is refused below secret and marked at secret."""
    for template in ("Locked", "Themed"):
        for headers in (INTERNAL, ANONYMOUS):
            kind, body = get_print(published, headers, template)
            assert b"ServiceException" in body and b"secret_control" in body, (template, kind, body[:300])
        image, page = print_page(published, SECRET, template)
        assert page[5, 5] == ORANGE and page[5, image.size[1] - 5] == ORANGE, template


def test_a_label_raised_on_a_desktop_takes_effect_without_restarting_the_server(published):
    assert "public_roads" in wms(published, ANONYMOUS).contents
    qgis_python(E2E / "server_project.py", "--label", str(published.gpkg), "public_roads", "confidential")
    assert "public_roads" not in wms(published, ANONYMOUS).contents
    assert "public_roads" not in wms(published, INTERNAL).contents
    assert "public_roads" in wms(published, SECRET).contents
    qgis_python(E2E / "server_project.py", "--label", str(published.gpkg), "public_roads", "public")
    assert "public_roads" in wms(published, ANONYMOUS).contents


def test_each_request_touching_a_classified_layer_is_one_row_in_the_central_log(published):
    from classification_plugin.core.audit import AuditFilter, BufferedAuditLog

    get_map(published, SECRET, "secret_control").read()
    assert refused(refusal(lambda: get_map(published, INTERNAL, "secret_control")), "secret_control")
    get_map(published, ANONYMOUS, "public_roads").read()  # public only: not a row
    log = BufferedAuditLog(published.audit)  # the PostgreSQL database the policy names
    try:
        maps = []
        for _ in range(100):  # the server writes off the request path: up to 10 s
            rows = log.query(AuditFilter(action="server_request"), limit=1000)
            maps = [r for r in rows if r["details"].get("request") == "GetMap"]
            if {("zhao.survey", "allowed"), ("li.internal", "blocked")} <= {(r["user"], r["outcome"]) for r in maps}:
                break
            time.sleep(0.1)
        assert log.verify().valid  # the server's rows are in the same hash chain
    finally:
        log.close()
    allowed = [r for r in maps if r["user"] == "zhao.survey" and r["layer_name"] == "secret_control"]
    assert allowed and allowed[-1]["outcome"] == "allowed" and allowed[-1]["label"] == "secret"
    details = allowed[-1]["details"]
    assert details["groups"] == ["staff", "survey-secret"] and details["clearance"] == "secret" and details["bbox"]
    assert details["service"] == "WMS" and details["layers_allowed"] == ["secret_control"]
    blocked = [r for r in maps if r["user"] == "li.internal" and r["layer_name"] == "secret_control"]
    assert blocked and blocked[-1]["outcome"] == "blocked"
    assert blocked[-1]["details"]["layers_refused"] == ["secret_control"]
    assert not [r for r in maps if r["user"] == "anonymous" and r["details"]["layers_allowed"] == ["public_roads"]]


def test_deployed_behind_nginx_with_fastcgi_the_proxys_login_decides_and_a_clients_own_header_does_not(
        tmp_path, published):
    """qgis_mapserv.fcgi under spawn-fcgi behind nginx, which logs users in (basic auth) and sets
    the headers itself; QGIS's FastCGI request hands such headers over only as HTTP_* variables."""
    users = {"li.internal": "pw-internal", "zhao.survey": "pw-survey"}
    with FcgiServer(published.project, tmp_path, published.policy, users) as server:
        try:
            fcgi_requests(server, users)
        finally:
            print(server.log_text()[-4000:])  # shown when it failed


def fcgi_requests(server, users):
    """What the FastCGI test asks, as the proxy's logged-in and anonymous locations."""
    def service(user=None, headers=None, url=None):
        return WebMapService(url or server.url, version="1.3.0", username=user,
                             password=users.get(user), headers=headers or {})

    public = service(url=server.public_url)
    assert set(public.contents) == {"public_roads"}
    # a client that claims a login itself, past the proxy's anonymous location: still anonymous
    spoofed = service(url=server.public_url, headers={"X-Remote-User": "zhao.survey",
                                                      "X-Remote-Groups": "survey-secret"})
    assert set(spoofed.contents) == {"public_roads"}
    assert set(service("li.internal").contents) == {"public_roads", "internal_sites", "unlabelled_wells"}
    survey = service("zhao.survey")
    assert "secret_control" in survey.contents
    image = survey.getmap(layers=["secret_control"], srs="CRS:84", bbox=BBOX,
                          size=(100, 80), format="image/png").read()
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    assert refused(refusal(lambda: service("li.internal").getmap(
        layers=["secret_control"], srs="CRS:84", bbox=BBOX, size=(100, 80),
        format="image/png")), "secret_control")
    # the project is named by the proxy for each request here: a layout's own secret layer is
    # still found and refused below secret
    import base64

    def login(user):
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{users[user]}".encode()).decode()}

    kind, body = get_print(server, login("li.internal"), "Locked")
    assert b"ServiceException" in body and b"secret_control" in body, (kind, body[:300])
    kind, body = get_print(server, login("zhao.survey"), "Locked")
    assert body[:8] == b"\x89PNG\r\n\x1a\n", (kind, body[:300])
