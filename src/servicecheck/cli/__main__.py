"""``python -m servicecheck.cli``: the command line, as the ``servicecheck`` script runs it."""

from servicecheck.cli import main

main()
