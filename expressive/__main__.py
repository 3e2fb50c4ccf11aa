from expressive.cli import entry

entry()
