"""The web app: front-line demand capture and a live Check dashboard (FastAPI + htmx)."""

from servicecheck.web.app import create_app

__all__ = ["create_app"]
