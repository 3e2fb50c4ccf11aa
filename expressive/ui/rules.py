"""Loading a module's Kivy rules (its .kv file) as a package resource."""

from importlib.resources import files

from kivy.lang import Builder


def load_rules(module_name: str) -> None:
    """Load the rules of the .kv file beside the module `module_name` (pass `__name__`):
    `expressive.ui.faces` loads `faces.kv` from the same package. Read through
    importlib.resources, so they load from the source tree and an installed wheel alike."""
    package, _, module = module_name.rpartition(".")
    rules = files(package).joinpath(f"{module}.kv")
    Builder.load_string(rules.read_text(encoding="utf-8"), filename=str(rules))
