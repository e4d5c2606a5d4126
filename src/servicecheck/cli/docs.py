"""The CLI reference page, made from the CLI itself (docs/reference/cli.md). A test compares
the page with this, so a command or option cannot go undocumented.

    python -m servicecheck.cli.docs > docs/reference/cli.md
"""

from __future__ import annotations

from typing import Any

import typer

from servicecheck.cli import app

# Typer carries its own copy of click, so commands and parameters are read by their
# attributes rather than by class.


def _param(p: Any) -> str:
    if getattr(p, "param_type_name", "") == "argument":
        return f"| `{str(p.name).upper()}` | argument | {getattr(p, 'help', '') or ''} |"
    opt: Any = p
    names = ", ".join(f"`{n}`" for n in [*opt.opts, *opt.secondary_opts])
    default = opt.default
    shown = "" if default in (None, False, ()) or (opt.is_flag and not default) else \
        f" (default: `{default}`)"
    return f"| {names} | option | {(opt.help or '').strip()}{shown} |"


def _command(name: str, cmd: Any, level: int = 2) -> list[str]:
    out = [f"{'#' * level} `servicecheck {name}`", "", (cmd.help or "").strip(), ""]
    params = [p for p in cmd.params if p.name != "help"]
    if params:
        out += ["| name | kind | what it does |", "| --- | --- | --- |"]
        out += [_param(p) for p in params]
        out.append("")
    return out


def cli_reference() -> str:
    group: Any = typer.main.get_command(app)
    lines = ["# Command-line reference", "",
             "Generated from the command line itself (`python -m servicecheck.cli.docs`); "
             "a test keeps it equal. Every command prints plain sentences; bad input stops "
             "with one sentence naming the file, row and column, and exit status 2.", ""]
    for name in sorted(group.commands):
        cmd = group.commands[name]
        if hasattr(cmd, "commands"):
            lines += [f"## `servicecheck {name}`", "", (cmd.help or "").strip(), ""]
            for sub in sorted(cmd.commands):
                lines += _command(f"{name} {sub}", cmd.commands[sub], level=3)
        else:
            lines += _command(name, cmd)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(cli_reference(), end="")
