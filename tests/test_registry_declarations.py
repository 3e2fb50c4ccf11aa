"""Activities that declare themselves in activity.toml: listed (title, icon, translations)
without being imported, imported and checked when first used."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from expressive.registry import DECLARATION, read_declaration

DECLARED = {
    # package: (entry-point name, the class's info, the module's body after its imports,
    # the names of the services it lends)
    "greeting_activity": ("greeting", 'id="greeting", title="Greeting", icon="hand-wave"', "", ["greeting"]),
    "faulty_activity": ("faulty", 'id="faulty", title="Faulty", icon="hand-wave"',
                        "raise RuntimeError('the faulty plugin broke')", []),
    "liar_activity": ("liar", 'id="liar", title="Not what it says", icon="hand-wave"', "", ["sneaky"]),
}

ACTIVITY_MODULE = '''
from expressive.api import Activity, ActivityInfo

{body}

class TheActivity(Activity):
    info = ActivityInfo({info}, artifact_kinds=("note",), api_version=(1, 0))

    @classmethod
    def services(cls):
        return dict.fromkeys({services}, print)
'''


def declaration(name: str, title: str, **changes) -> str:
    fields = {"id": json.dumps(name), "title": json.dumps(title), "icon": '"hand-wave"',
              "artifact_kinds": '["note"]', "api_version": "[1, 0]", **changes}
    return "".join(f"{key} = {value}\n" for key, value in fields.items() if value is not None)


@pytest.fixture(scope="module")
def declared_site(tmp_path_factory):
    """Third-party activities installed with pip, each with a declaration file: one that
    works (with a German catalogue), one whose import fails, one whose class disagrees with
    its declaration, one whose declaration lacks a key; and one without a declaration."""
    source = tmp_path_factory.mktemp("declared-src")
    entry_points = []
    for package, (name, info, body, services) in DECLARED.items():
        folder = source / package
        folder.mkdir()
        (folder / "__init__.py").write_text('"""A light package: the host reads it before loading the activity."""\n')
        (folder / "activity.py").write_text(ACTIVITY_MODULE.format(body=body, info=info, services=services))
        # The liar's declaration keeps quiet about the service its class lends.
        declared_services = [] if name == "liar" else services
        (folder / DECLARATION).write_text(declaration(name, name.title(), services=json.dumps(declared_services)))
        entry_points.append(f'{name} = "{package}.activity:TheActivity"')
    catalogue = Catalog(locale="de")
    catalogue.add("Greeting", "Gruß")
    messages = source / "greeting_activity" / "locale" / "de" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    with open(messages / "messages.mo", "wb") as stream:
        write_mo(stream, catalogue)
    incomplete = source / "incomplete_activity"
    incomplete.mkdir()
    (incomplete / "__init__.py").write_text("raise RuntimeError('never imported: its declaration is refused')\n")
    (incomplete / DECLARATION).write_text(declaration("incomplete", "Incomplete", icon=None))
    entry_points.append('incomplete = "incomplete_activity:TheActivity"')
    (source / "undeclared_activity.py").write_text(ACTIVITY_MODULE.format(
        body="", info='id="undeclared", title="Undeclared", icon="hand-wave"', services=[]))
    entry_points.append('undeclared = "undeclared_activity:TheActivity"')
    (source / "pyproject.toml").write_text(textwrap.dedent(f'''
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "expressive-declared"
        version = "1.0"

        [tool.setuptools]
        packages = [{", ".join(f'"{package}"' for package in [*DECLARED, "incomplete_activity"])}]
        py-modules = ["undeclared_activity"]

        [tool.setuptools.package-data]
        "*" = ["{DECLARATION}", "locale/*/LC_MESSAGES/*.mo"]

        [project.entry-points."expressive.activities"]
        ''') + "\n".join(entry_points) + "\n")
    site = tmp_path_factory.mktemp("declared-site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(site), str(source)],
        check=True,
    )
    return site


def in_fresh_process(site: Path, script: str) -> dict:
    """What `script` (which ends by setting `seen`) saw, run in a new interpreter that finds
    the activities installed in `site`."""
    program = f"import json, sys\nsys.path.insert(0, {str(site)!r})\n{textwrap.dedent(script)}\nprint(json.dumps(seen))"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_a_declared_activity_is_listed_and_translated_without_being_imported_until_used(declared_site):
    seen = in_fresh_process(declared_site, """
        from expressive.i18n import _, set_language
        from expressive.registry import discover

        set_language("de")
        registry = discover()
        seen = {"listed": sorted(registry.infos()), "title": _(registry.infos()["greeting"].title),
                "imported": sorted(name for name in sys.modules if name == "cv2"
                                   or (name.endswith(".activity") and name != "expressive.activity")),
                "unavailable": {broken.name: broken.reason for broken in registry.unavailable}}
        seen["loaded"] = registry.get("greeting").__module__
        seen["imported after"] = "greeting_activity.activity" in sys.modules
        """)
    assert {"greeting", "faulty", "liar", "drawing", "movement", "undeclared"} <= set(seen["listed"])
    assert seen["title"] == "Gruß", "the catalogue comes from the package's folder, before the activity is imported"
    assert seen["imported"] == [], "no declared activity (nor OpenCV) is imported to list them"
    assert seen["loaded"] == "greeting_activity.activity" and seen["imported after"]
    assert "incomplete" not in seen["listed"]
    # In German, as the rest of this run: "does not give icon".
    assert "gibt icon nicht an" in seen["unavailable"]["incomplete"], "a bad declaration is refused without importing"


def test_a_declared_activity_that_fails_when_first_used_is_unavailable_with_why_and_the_rest_carry_on(declared_site):
    seen = in_fresh_process(declared_site, """
        from expressive.registry import discover

        registry = discover()
        seen = {"faulty": registry.get("faulty") is None, "liar": registry.get("liar") is None,
                "greeting": registry.get("greeting") is not None,
                "still listed": sorted(set(registry.infos()) & {"faulty", "liar", "greeting"}),
                "unavailable": {broken.name: broken.reason for broken in registry.unavailable},
                "services": registry.services.names() != ()}
        """)
    assert seen["faulty"] and seen["liar"] and seen["greeting"]
    assert seen["still listed"] == ["greeting"], "one that failed is no longer offered"
    assert seen["unavailable"]["faulty"] == "it could not be loaded: RuntimeError: the faulty plugin broke"
    assert seen["unavailable"]["liar"] == f"its class and its declaration file {DECLARATION} differ in title, services"
    assert seen["services"], "gathering services passes over the broken ones"


def test_an_activity_without_a_declaration_is_imported_when_found_as_before(declared_site):
    seen = in_fresh_process(declared_site, """
        from expressive.registry import discover

        registry = discover()
        seen = {"imported": "undeclared_activity" in sys.modules, "title": registry.get("undeclared").info.title}
        """)
    assert seen == {"imported": True, "title": "Undeclared"}


def test_the_cli_lists_every_activity_with_what_failed_when_loaded(declared_site):
    result = subprocess.run([sys.executable, "-m", "expressive", "activities"], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(declared_site)})
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "UNAVAILABLE" not in lines["greeting"] and "UNAVAILABLE" not in lines["drawing"]
    assert "the faulty plugin broke" in lines["faulty"] and "differ in title" in lines["liar"]


@pytest.mark.parametrize("activity", ["drawing", "movement", "music", "play", "story"])
def test_each_builtin_declaration_says_what_its_class_says(activity):
    from expressive.registry import discover

    folder = Path(__file__).parents[1] / "activities" / activity
    registry = discover()
    activity_class = registry.get(activity)
    assert read_declaration(folder / DECLARATION) == (activity_class.info, set(activity_class.services()))
    assert activity not in {broken.name for broken in registry.unavailable}


def test_asking_for_a_service_imports_only_the_activities_that_declare_one(declared_site):
    seen = in_fresh_process(declared_site, """
        from expressive.api import PICTURE_MAKER
        from expressive.registry import discover

        registry = discover()
        seen = {"lent": [registry.services.get(name) is print for name in ("greeting",)],
                "picture maker": registry.services.get(PICTURE_MAKER) is not None,
                "imported": sorted(name for name in sys.modules if name == "cv2"
                                   or (name.endswith(".activity") and name != "expressive.activity"))}
        """)
    assert seen == {"lent": [True], "picture maker": True,
                    "imported": ["expressive.activities.drawing.activity", "greeting_activity.activity"]}


@pytest.mark.parametrize(("text", "problem"), [
    ("id = ", "cannot be read"),
    ('id = "x"\n', "does not give title, icon, artifact_kinds, api_version"),
    (declaration("extra", "Extra", colour='"red"'), "unknown keys: colour"),
    (declaration("lending", "Lending", services='"picture-maker"'), "services as a list of names"),
])
def test_a_damaged_declaration_is_named(tmp_path, text, problem):
    path = tmp_path / DECLARATION
    path.write_text(text)
    assert problem in read_declaration(path)[0]


def test_the_launcher_shows_declared_activities_that_fail_as_unavailable_and_the_session_goes_on(
        declared_site, monkeypatch, window, tmp_path):
    from expressive.portfolio import Portfolio
    from expressive.tools.driver import start_app, stop_app, tap
    from tests_support import open_popup_texts, tap_popup_button

    monkeypatch.syspath_prepend(str(declared_site))
    store = Portfolio.open(tmp_path / "portfolio")
    client = store.add_client("Sam")
    app = start_app(store)
    try:
        assert {"faulty", "liar"} <= set(app.registry.activities), "listed from their declarations"
        app.open_client(client)
        app.begin_session(app.plans[0], "", 3)
        app.go("launcher")
        launcher = app.root.get_screen("launcher")
        tiles = {tile.activity_id: tile for tile in launcher.ids.tiles.children}
        assert tiles["faulty"].reason == tiles["greeting"].reason == "", "the launcher imports no activity"
        assert "faulty_activity.activity" not in sys.modules
        tap(tiles["faulty"])
        assert app.root.current == "launcher"
        assert "This one did not load today. Please choose something else." in open_popup_texts(window)
        tap_popup_button(window, "OK")
        tiles = {tile.activity_id: tile for tile in launcher.ids.tiles.children}
        assert "the faulty plugin broke" in tiles["faulty"].reason
        tap(tiles["drawing"])
        assert app.root.current == "activity" and app.running.activity_id == "drawing"
    finally:
        stop_app(app)
