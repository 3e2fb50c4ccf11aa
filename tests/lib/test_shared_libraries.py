"""expressive.lib: the libraries the activities and the host share are public, documented,
and free of Kivy and of the activities."""

import ast
import subprocess
import sys
from pathlib import Path

import expressive.lib

LIB = Path(expressive.lib.__file__).parent
MODULES = sorted(
    "expressive." + ".".join(path.relative_to(LIB.parent).with_suffix("").parts).removesuffix(".__init__")
    for path in LIB.rglob("*.py")
)


def test_every_library_module_says_it_is_public_and_covered_by_the_api_version():
    for path in LIB.rglob("*.py"):
        docstring = " ".join((ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").split())
        assert "public" in docstring.lower() and "API version" in docstring, path.relative_to(LIB.parent)


def test_the_libraries_import_neither_kivy_nor_an_activity():
    code = (
        f"import sys\nfor name in {MODULES!r}: __import__(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('kivy')}"
        " | {m for m in sys.modules if m.startswith('expressive.activities.')}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(MODULES) > 5
    assert result.stdout.strip() == "[]"
