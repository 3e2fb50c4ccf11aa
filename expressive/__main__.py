from expressive.cli import main

raise SystemExit(main())
