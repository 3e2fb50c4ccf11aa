"""The portfolio stays in focused modules: none may grow back into one that does everything."""

from pathlib import Path

import expressive.portfolio

MAX_LINES = 600


def test_every_portfolio_module_is_under_600_lines():
    package = Path(expressive.portfolio.__file__).parent
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in package.glob("*.py")}
    assert "store.py" in sizes
    too_long = {name: lines for name, lines in sizes.items() if lines >= MAX_LINES}
    assert not too_long, f"split these modules, each should stay under {MAX_LINES} lines: {too_long}"
