"""Which service an uploaded file is of: the app's own, another the workspace holds, or a new
one the analyst names (its key derived from the name, as every service's is; a name whose key
is taken is refused in one sentence). A file of another service never goes into the first:
it is imported under its own key, and its mapping saved into a service file of its own
beside the app's (``<key>.toml``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from servicecheck.io.errors import InputError
from servicecheck.service.model import Service
from servicecheck.store.text import character_problem
from servicecheck.web.context import Context
from servicecheck.web.service_pages import into_workspace, service_path

# the choice of a new service: never a service's key (keys are lower-case letters, digits
# and hyphens, and a service may well be called "New")
NEW = "+new"


def services(c: Context) -> dict[str, str]:
    """The services a file may be of (key -> name): the app's own first, then the others
    the workspace holds."""
    # the app's own service before anything names it is no choice: the file names it
    held: dict[str, str] = {c.service.key: c.service.name} if c.service.name else {}
    if c.workspace is None or not c.workspace.exists():
        return held
    from servicecheck.engine.workspace import Workspace

    try:
        with Workspace(c.workspace, read_only=True) as ws:
            for key in ws.services():
                if key not in held:
                    try:
                        held[key] = ws.service(key).name
                    except InputError:  # demand only, no definition kept: by its key
                        held[key] = key
    except InputError:  # held by an import just now: the app's own is still a choice
        pass
    return held


@dataclass(frozen=True)
class Target:
    """The service chosen: its definition before this file's mapping, and where its mapping
    is saved."""

    service: Service
    path: Path
    own: bool  # the app's own service (saving its mapping changes what the app shows)


def target(c: Context, choice: str, new_name: str) -> Target | str:
    """The service chosen on the form; else the one sentence saying what is wrong."""
    held = services(c)
    if choice == NEW:
        name = " ".join(new_name.split())
        problem = character_problem(name) or (
            "is longer than 80 characters" if len(name) > 80 else None)
        if not name:
            return "Give the new service's name, like Housing repairs."
        if problem:
            return f"The new service's name {problem}."
        svc = Service(name=name)
        if not any(ch.isalnum() for ch in name):  # a key keeps every letter (service_key)
            return (f"'{name}' cannot name a service: give it a name with letters or digits, "
                    "like Housing repairs.")
        if svc.key in held:
            return (f"The workspace has a service called '{held.get(svc.key, svc.key)}' "
                    f"already (its key is '{svc.key}'): choose it above, or give the new "
                    "service another name.")
        if not c.service.name:  # the first file names the app's own service
            return Target(svc, service_path(c), own=True)
        return Target(svc, _beside(c, svc.key), own=False)
    if choice not in held:
        return "Choose the service this file is of, or a new one with its name."
    if choice == c.service.key:
        return Target(c.service, service_path(c), own=True)
    from servicecheck.engine.workspace import Workspace

    assert c.workspace is not None
    with Workspace(c.workspace, read_only=True) as ws:
        stored = ws.service(choice) if choice in ws.services() else Service(name=choice)
    return Target(stored, stored.path or _beside(c, choice), own=False)


def _beside(c: Context, key: str) -> Path:
    return service_path(c).parent / f"{key}.toml"


def keep(c: Context, saved: Service) -> str:
    """Give the workspace another service's definition just saved to its file (the app's
    own service stays as it is), and say where it went."""
    kept = into_workspace(c, saved)
    return f"Saved to {saved.path}." + (
        " The workspace has it too." if kept else
        " The workspace is in use just now: the next import gives it the mapping."
        if kept is False else "")
