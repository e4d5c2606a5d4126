"""`python -m servicecheck ...` runs the command line (on Windows: `py -m servicecheck serve
--open`, where the Scripts folder is not on PATH)."""

from servicecheck.cli import main

main()
