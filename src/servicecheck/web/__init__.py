"""The web app: front-line demand capture and a live Check dashboard (FastAPI + htmx)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from servicecheck.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # loaded on first use: `serve` imports web.launch to check the port and print its
    # address before the app (FastAPI, SQLAlchemy, the templates) has loaded
    if name == "create_app":
        from servicecheck.web.app import create_app

        return create_app
    raise AttributeError(name)
