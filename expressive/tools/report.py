"""How `expressive bench` and `expressive stress` print a figure: a line for a person to
read, or one JSON object for a program."""

from __future__ import annotations

import json

from expressive.api.measure import Figure


def print_figure(figure: Figure, as_json: bool) -> None:
    if as_json:
        print(json.dumps({
            "name": figure.name, "value": round(figure.value, 4), "unit": figure.unit,
            "budget": figure.budget, "within_budget": figure.within_budget,
        }), flush=True)
    else:
        verdict = "ok" if figure.within_budget else "OVER BUDGET"
        print(f"{figure.name:28} {figure.value:10.3f} {figure.unit:3} budget {figure.budget:8.3f} {figure.unit:3} "
              f"{verdict:12} {figure.what}", flush=True)
