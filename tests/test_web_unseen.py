"""The web app read by a new team before any demand is captured: a page that has nothing to
show says so, never a claim about every demand that holds only because there is none."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servicecheck.store.accounts import add_user

from .conftest import PASSWORD
from .test_web_security import sign_in


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Any]:
    from servicecheck.web import create_app

    app = create_app(str(tmp_path / "web.db"), workspace=tmp_path / "ws.duckdb")
    add_user(app.state.ctx.store, "analyst", PASSWORD, "analyst")
    assert app.state.ctx.suggester.started.wait(60)
    yield app
    app.state.ctx.uploads.close()
    app.state.ctx.store.close()


# (page, what it says with no demand captured, what it said before: true of no demand)
EMPTY = [
    ("/types", "Nothing is waiting: no demand has been captured here yet.",
     "every demand has a type"),
    ("/classify", "Nothing to classify blind yet: no demand has been captured as value or "
     "failure here.", "every demand someone else recorded has had its second look"),
]


@pytest.mark.parametrize(("path", "said", "never"), EMPTY, ids=[e[0] for e in EMPTY])
def test_a_page_with_no_demand_says_none_was_captured(fresh: Any, path: str, said: str,
                                                       never: str) -> None:
    c, _ = sign_in(fresh, "analyst")
    r = c.get(path)
    assert r.status_code == 200
    words = " ".join(re.sub(r"<[^>]+>", " ", r.text).split())
    assert said in words, words
    assert never not in words


# exports whose column names the proposal does not know (another language): the activity is
# guessed from the values, and a reference column (a value per case) is no activity
FOREIGN = [
    ("Réf;Étape;Date/heure\n", "R{i:03d};Demande reçue;{d:02d}/03/2025 09:00\n"
     "R{i:03d};Réparé;{d:02d}/03/2025 15:00\n", "Étape"),
    ("Schritt,Referenz,Datum\n", "Eingang,A-{i},{d:02d}.03.2025 09:00\n"
     "Erledigt,A-{i},{d:02d}.03.2025 15:00\n", "Schritt"),
]


@pytest.mark.parametrize(("header", "rows", "activity"), FOREIGN,
                         ids=[f[2] for f in FOREIGN])
def test_the_activity_guessed_from_values_is_the_column_of_few_values(
        header: str, rows: str, activity: str, tmp_path: Path) -> None:
    from servicecheck.io.propose import propose

    path = tmp_path / "export.csv"
    path.write_text(header + "".join(rows.format(i=i, d=1 + i % 28) for i in range(30)),
                    encoding="cp1252")
    assert propose(path).roles["activity"].column == activity
