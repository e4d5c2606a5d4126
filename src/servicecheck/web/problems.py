"""What a page says when the workspace cannot be opened: one sentence saying what is wrong
and what to do. The database's own message names the workspace's path and the process
holding its lock: it goes to the server's log (for whoever runs the server), never to a page."""

from __future__ import annotations

import logging

from servicecheck.io.errors import WorkspaceUnavailable

LOG = logging.getLogger("servicecheck.web")

HELD = ("The workspace is in use by another program just now (an import or a report run "
        "from the command line): try again when it has finished.")
FAILED = ("The workspace could not be opened just now: try again in a minute, and tell "
          "whoever runs the server if it goes on (the server's log says why).")


def unavailable(exc: WorkspaceUnavailable) -> str:
    """The page's sentence; the detail logged (paths and a process id, no citizen's words)."""
    LOG.warning("the workspace could not be opened: %s", exc.detail)
    return HELD if exc.held else FAILED
