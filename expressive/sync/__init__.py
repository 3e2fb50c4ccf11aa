"""Several tablets sharing one portfolio through Syncthing."""
