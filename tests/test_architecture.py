"""The layering the package keeps, read from its own import graph (docs/contributing.md):
measures never import views, charts never query, nothing below the CLI imports the CLI, and no
measure touches the DuckDB workspace's raw connection."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "servicecheck"

# Each layer by module-name prefix (a prefix matches the module and everything under it).
VIEWS = ("servicecheck.charts", "servicecheck.report", "servicecheck.web",
         "servicecheck.cli", "servicecheck.__main__")
CLI = ("servicecheck.cli", "servicecheck.__main__")
MEASURES = ("servicecheck.measures", "servicecheck.service.need_key", "servicecheck.workdays",
            "servicecheck.findings", "servicecheck.flow", "servicecheck.demand.analysis",
            "servicecheck.demand.live", "servicecheck.demand.findings",
            "servicecheck.demand.words", "servicecheck.spc")
CHARTS = ("servicecheck.charts",)
SERVICE = ("servicecheck.service.model", "servicecheck.service.schema",
           "servicecheck.service.presets", "servicecheck.service.file",
           "servicecheck.service.template", "servicecheck.service.stored",
           "servicecheck.service.values")
# what reading data means: the engine, the in-place backends, the importers, the query libraries
QUERY = ("servicecheck.engine.workspace", "servicecheck.engine.reader",
         "servicecheck.engine.writer", "servicecheck.engine.remote", "servicecheck.io",
         "ibis", "duckdb", "pyspark", "sqlalchemy")

# Known exceptions, each a debt to remove (and this test fails once one is paid, so the list
# stays true): (importer, imported, why it is still here).
KNOWN: list[tuple[str, str, str]] = []


def module_name(path: Path) -> str:
    parts = ("servicecheck", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts).removesuffix(".__init__")


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function (a lazy import is still
    a dependency); ``from servicecheck import spc`` counts as ``servicecheck.spc``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            subs = {f"{node.module}.{a.name}" for a in node.names} & MODULES.keys()
            found |= subs or {node.module}
    return found


GRAPH = {name: imports(path) for name, path in MODULES.items()}


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def breaks(importers: Callable[[str], bool], forbidden: tuple[str, ...]
           ) -> set[tuple[str, str]]:
    return {(m, dep) for m, deps in GRAPH.items() if importers(m)
            for dep in deps if under(dep, forbidden)}


RULES: list[tuple[str, Callable[[str], bool], tuple[str, ...]]] = [
    ("measures never import views", lambda m: under(m, MEASURES), VIEWS),
    ("charts never query", lambda m: under(m, CHARTS), QUERY),
    ("nothing below the CLI imports the CLI", lambda m: not under(m, CLI), CLI),
    ("the service file's definitions never import measures or views",
     lambda m: under(m, SERVICE),  # the calendars' arithmetic checks closure days: a library
     tuple(m for m in MEASURES if m != "servicecheck.workdays") + VIEWS),
]


@pytest.mark.parametrize(("rule", "importers", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_import_rule(rule: str, importers: Callable[[str], bool], forbidden: tuple[str, ...]
                     ) -> None:
    known = {(a, b) for a, b, _ in KNOWN}
    found = breaks(importers, forbidden)
    assert not found - known, f"{rule}: {sorted(found - known)}"


def test_known_exceptions_still_exist() -> None:
    """A debt paid is struck off the list: an exception that no longer happens fails here."""
    everything = {(m, dep) for m, deps in GRAPH.items() for dep in deps}
    for importer, imported, why in KNOWN:
        assert (importer, imported) in everything, f"remove the exception: {why}"


def test_the_graph_is_read() -> None:
    """The rules above look at real edges: a measure's engine import and a lazy import inside
    a function are both seen."""
    assert "servicecheck.engine.workspace" in GRAPH["servicecheck.measures.capability"]
    assert "servicecheck.spc" in GRAPH["servicecheck.measures.capability"]
    assert "servicecheck.charts.joined_up" in GRAPH["servicecheck.report.sections"]  # lazy
    # the rules' own search sees real edges (every exception is paid, so none shows it)
    assert ("servicecheck.report.sections", "servicecheck.measures.capability") in breaks(
        lambda m: under(m, VIEWS), MEASURES)


def test_no_measure_touches_the_raw_connection() -> None:
    """Measures read through the Reader protocol (Ibis tables), never DuckDB's ``raw``."""
    touching = sorted(
        name for name, path in MODULES.items() if under(name, MEASURES)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "raw")
    assert touching == []


# A module past about 500 lines is a room that wants splitting. Each known exception is a
# debt being paid, with why it is still here; the test fails once it is under the limit.
MAX_LINES = 500
LONG: dict[str, str] = {}


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_500_lines() -> None:
    long = {name: lines_of(path) for name, path in MODULES.items()
            if lines_of(path) > MAX_LINES}
    assert sorted(long.keys() - LONG) == [], long


def test_long_modules_listed_are_still_long() -> None:
    """A module split is struck off the list."""
    assert [name for name in LONG if lines_of(MODULES[name]) <= MAX_LINES] == []


# A test of prose decides by a sentence: rewording it would silently change what the code does.
# The only phrases the package may compare are ones it does not write: (module, phrase, why).
PROSE_KNOWN = [
    ("servicecheck.web.app", "There was an error parsing the body",
     "Starlette's own message for a body it cannot parse; it gives no code to test instead"),
]


def prose_tests(path: Path) -> set[str]:
    """Phrases (three words or more) that a file tests text against: ``"..." in x``,
    ``x == "..."``, ``x.startswith("...")`` and the like."""
    def phrase(node: ast.AST) -> str | None:
        ok = isinstance(node, ast.Constant) and isinstance(node.value, str)
        return node.value if ok and len(node.value.split()) >= 3 else None  # type: ignore[union-attr]

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            found |= {p for s in (node.left, *node.comparators) if (p := phrase(s))}
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("startswith", "endswith", "find", "index", "count")
              and node.args):
            found |= {p for p in [phrase(node.args[0])] if p}
    return found


def test_nothing_decides_by_reading_prose() -> None:
    """Measures return findings with codes and numbers; nothing in the package tests a
    sentence to decide anything (docs/words.md)."""
    known = {(m, p) for m, p, _ in PROSE_KNOWN}
    found = {(name, p) for name, path in MODULES.items() for p in prose_tests(path)}
    assert found - known == set()
    assert known <= found, "remove a paid exception from PROSE_KNOWN"


def test_the_prose_check_sees_prose(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text('if "names no end activity" in clock or s.startswith("Too few needs on"):\n'
                 '    pass\nif flag in f.flags or x == "stable":\n    pass\n')
    assert prose_tests(f) == {"names no end activity", "Too few needs on"}


def folder(name: str) -> str:
    """The package folder a module belongs to (the layer a newcomer looks in)."""
    parts = name.split(".")
    return ".".join(parts[:2])


# A loop of imports across folders ties two layers so that neither can change alone; within
# one folder (the engine's workspace and its captured demands) it is one thing in two files.
KNOWN_LOOPS = {("servicecheck.spc._chart", "servicecheck.narrative.signals"):
               "a chart's notebook view (_repr_html_) words its signals, lazily"}


def test_no_loop_of_imports_spans_two_folders() -> None:
    """Strongly connected modules (lazy imports count) never span package folders."""
    edges = {m: {d for d in deps if d in GRAPH} for m, deps in GRAPH.items()}
    for a, b in KNOWN_LOOPS:
        edges[a].discard(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                comp.add(w)
                if w == v:
                    break
            loops.append(comp)

    for v in edges:
        if v not in index:
            visit(v)
    spanning = [sorted(c) for c in loops if len({folder(m) for m in c}) > 1]
    assert not spanning, f"loops of imports across folders: {spanning}"
    for a, b in KNOWN_LOOPS:
        assert b in GRAPH[a], f"remove the known loop {a} -> {b}: {KNOWN_LOOPS[(a, b)]}"


# Every sentence a person reads is worded in narrative/ from a finding: a sentence composed in
# the report, the engine or a measure is a second voice, which the claims checks do not trace
# (the Purpose section's lead, the refusal of a double in UTC). An f-string of four words or
# more there is a sentence, unless it is an error's (an InputError names file, row and fix) or
# SQL. What is still composed in these folders is listed: (module, its words, why).
SENTENCE_FOLDERS = ("report", "engine", "measures", "flow", "spc", "web", "cli")
REGULATORS = ("working days: Monday to Friday less bank holidays", ", less local closure days",
              "while waiting for access (after )", "as a landlord reports it, per reporting "
              "year (the regime's clock: ), beside", ": each step per kind of hazard (the "
              "regime's clock: hours, working days less bank holidays, or weeks, as the law "
              "states each), beside", "How the regime's figure moves with where its clock "
              "starts and stops, and whether it stands still : each judged against its own "
              "timescale")
SENTENCES_KNOWN = [
    ("servicecheck.engine.captured", "with the demand captured in",
     "where the data live, for the report's footer: a path, not a finding"),
    ("servicecheck.engine.remote", "tables read in place on", "the same, read in place"),
    *(("servicecheck.report.regulators", words, "a regulator's table and its clock, named as "
       "the regulator names them") for words in REGULATORS),
    # The web app and the command line: what the data say is worded in narrative/ (the
    # import's result, the refusal of too many rows set aside, the dashboards, the demands
    # given a type, those left to classify). What is still composed here says what a form's
    # field or a command's option needs, what an admin's action did to an account, or where a
    # file went: words of the tool, with no figure of the service in them.
    *(("servicecheck.web.pages", words, "an account's or a sign-in's state, said to the admin "
       "or the person signing in") for words in (
        "Disabled : their sessions have ended.", "Revoked the token of : it is refused "
        "from now on.", "Set a new password for : their sessions have ended.",
        "Token for : copy it now, it is not shown again.",
        "Too many failed attempts : wait seconds and try again.")),
    *(("servicecheck.cli.admin", words, "the same, said on the command line") for words in (
        "Disabled : their sessions have ended.", "Revoked the token of : it is refused "
        "from now on.", "Set a new password for : their sessions have ended.",
        "Deleted demands received more than days ago.")),
    ("servicecheck.web.report_pages", "reports are being made just now, the most the server "
     "makes at once: try again in a minute.", "the server's own load, not the service's"),
    ("servicecheck.web.reports", "the browser that prints it failed ( ); the HTML report is "
     "complete", "the PDF's printer, not the service"),
    ("servicecheck.web.reports", "the report could not be made ( )", "the same"),
    ("servicecheck.web.security", "the file is larger than , the most the web app takes; "
     "import it with 'servicecheck import' instead", "a request refused for its size"),
    ("servicecheck.web.security", "the request is larger than MiB; send less: a demand's "
     "words fit in a few kilobytes", "the same"),
    *(("servicecheck.web.service_pages", words, "a field of the service file's form refused, "
       "beside it") for words in (": ' ' is not 'name = value'; write one per line, like "
                                  "P1 = 24h",
                                  "could not be written; check the folder may be written to.")),
    *(("servicecheck.web.types_pages", words, "the Other types form's field refused") for words
      in ("The type could not be added:", "characters is more than the a type may hold")),
    *(("servicecheck.web.upload_pages", words, "a field of Bring your data refused, beside it")
      for words in ("' ' is not a row number: give the number the spreadsheet shows beside the "
                    "column names.", "' ' is not a share: give a percentage from 0 to 100, "
                    "like 5.", "could not be written; check the folder may be written to.")),
    *(("servicecheck.web.upload_services", words, "the new service's name refused, beside "
       "it") for words in ("' ' cannot name a service: give it a name with letters or "
                           "digits, like Housing repairs.", "The workspace has a service "
                           "called ' ' already (its key is ' '): choose it above, or give "
                           "the new service another name.")),
    ("servicecheck.cli.check", "--all draws them all; --steps N draws the N commonest.",
     "how to see what the map left out: the command's options"),
    *(("servicecheck.cli.check", "Flow map written to", "where a file went"),
      ("servicecheck.cli.demand", "Review queue written to (least certain first).",
       "where a file went"),
      ("servicecheck.cli.importing", "Saved the mapping into : import the next export with "
       "--service .", "where a file went, and the option that reads it"),
      ("servicecheck.cli.importing", "Wrote : edit it, then import a log with --service",
       "where a file went"),
      ("servicecheck.cli.importing", "Wrote events, demands and needs to", "where files went"),
      ("servicecheck.cli.report", "No browser could be started here; open yourself.",
       "the machine's browser, not the service")),
]


def sentences(path: Path) -> set[str]:
    """The words of each f-string of four words or more (its literal parts, spaces
    collapsed), outside raised errors, error constructors, a ``fix=`` and SQL."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parent = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}

    def excused(node: ast.AST) -> bool:
        while node in parent:
            node = parent[node]
            if isinstance(node, ast.Raise) or (isinstance(node, ast.keyword)
                                               and node.arg == "fix"):
                return True
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")
                if name.endswith(("Error", "Imported", "Rejects", "Unavailable")) or name in (
                        "execute", "bound"):
                    return True
        return False

    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        text = " ".join(" ".join(v.value for v in node.values if isinstance(v, ast.Constant)
                                 and isinstance(v.value, str)).split())
        sql = any(k in text for k in ("SELECT", "INSERT", "DELETE", "ALTER", "CREATE"))
        if sum(w.isalpha() for w in text.split()) >= 4 and not sql and not excused(node):
            found.add(text)
    return found


def test_no_sentence_is_written_outside_the_narrative() -> None:
    known = {(m, w) for m, w, _ in SENTENCES_KNOWN}
    found = {(name, s) for name, path in MODULES.items()
             if name.startswith(tuple(f"servicecheck.{d}." for d in SENTENCE_FOLDERS))
             for s in sentences(path)}
    assert sorted(found - known) == [], "word it in narrative/ from a finding"
    assert sorted(known - found) == [], "remove a paid exception from SENTENCES_KNOWN"


def test_the_sentence_check_sees_sentences(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text('a = f"this content was imported already, on {when} UTC"\n'
                 'raise InputError(f"the file {p} is not a service file", fix="give one")\n'
                 'b = f"SELECT count(*) FROM {t} WHERE x"\nc = f"{n} needs"\n')
    assert sentences(f) == {"this content was imported already, on UTC"}
