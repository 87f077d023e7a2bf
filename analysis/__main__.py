"""``python -m analysis ...``: see :mod:`analysis.cli`."""

try:
    from analysis.cli import main
except KeyboardInterrupt:  # Ctrl-C in the first instant, before the command line handles it
    raise SystemExit("interrupted (Ctrl-C): nothing was started.") from None

raise SystemExit(main())
