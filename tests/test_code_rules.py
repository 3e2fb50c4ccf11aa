"""The project's own rules, checked by the tools CI runs: lint, types, and the layers."""

import subprocess
import sys
import tomllib
from pathlib import Path

from source_tree import CHECKOUT, clean_source_copy

TOOLS = Path(sys.executable).parent


def run_tool(name: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(TOOLS / name), *arguments], capture_output=True, text=True, cwd=CHECKOUT, timeout=600)


def test_ruff_finds_nothing():
    result = run_tool("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_the_public_api_type_checks(tmp_path):
    result = run_tool("mypy", "--cache-dir", str(tmp_path / "mypy"))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_the_layering_contracts_hold(tmp_path):
    """Checked on the package as it installs: the built-in activities are only
    `expressive.activities` once installed (in the checkout they sit at the top)."""
    installed = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "--target", str(installed), str(clean_source_copy(tmp_path / "source"))], check=True, capture_output=True, timeout=600)
    result = subprocess.run([str(TOOLS / "lint-imports"), "--no-cache", str(CHECKOUT / "pyproject.toml")],
                            capture_output=True, text=True, cwd=installed, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_every_part_of_the_host_has_its_place_in_the_layers():
    """A new module or package under expressive/ must be put in a layer: below the user
    interface (no Kivy) or above it, so that the contracts cannot silently miss it."""
    settings = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    below = set(settings[0]["source_modules"])
    forbidden_to_activities = set(settings[2]["forbidden_modules"])
    above = {"expressive.ui", "expressive.tools", "expressive.cli", "expressive.commands", "expressive.__main__"}
    public = {"expressive.api", "expressive.lib"}
    parts = {f"expressive.{path.stem}" for path in (CHECKOUT / "expressive").iterdir()
             if path.name != "__init__.py" and (path.suffix == ".py" or (path / "__init__.py").is_file())}
    parts.add("expressive.activities")
    assert parts - {"expressive.activities"} == below | above, "put each part of expressive/ in a layer"
    assert forbidden_to_activities == (parts - public - {"expressive.activities", "expressive.__main__"}), \
        "activities may import only expressive.api and expressive.lib of the host"


def test_no_two_kv_files_give_rules_to_a_class_of_the_same_name():
    """Kivy applies a rule to every class of that name, whichever module made it: two
    activities each styling their own `PictureCard` style each other's, and loop."""
    import re

    ruled: dict[str, list[str]] = {}
    for kv in sorted(CHECKOUT.glob("**/*.kv")):
        if ".venv" in kv.parts or "build" in kv.parts:
            continue
        for name in re.findall(r"^<([A-Za-z_][A-Za-z0-9_]*)(?:@[^>]*)?>:", kv.read_text(encoding="utf-8"), re.MULTILINE):
            ruled.setdefault(name, []).append(str(kv.relative_to(CHECKOUT)))
    assert {name: files for name, files in ruled.items() if len(files) > 1} == {}
