"""The command line's commands that carry a portfolio beyond one tablet: backups, sync
and colleagues. Each module adds its subcommands with `add_commands(commands, common)`."""
