from dondoc.bot.cli import main

raise SystemExit(main())
