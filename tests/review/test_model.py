"""The clause model: trained from a CUAD-layout folder, stored without pickles, reloaded identically, and the
shipped artifact carries its training metadata and the CUAD attribution."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from greenroom.cli import app
from greenroom.review.cuad import CUAD_ATTRIBUTION, load_cuad
from greenroom.review.model import MODEL_DIR, load_model
from greenroom.review.segment import segment
from greenroom.review.text import ReviewInputError
from greenroom.review.training import cross_validate, folds_by_contract, prepare, train_model

TINY = Path(__file__).parent / "fixtures" / "cuad_tiny"


def test_load_cuad_splits_answers_and_joins_texts() -> None:
    cats, contracts = load_cuad(TINY)
    assert cats == ["Document Name", "Parties", "Governing Law", "Anti-Assignment"]
    assert len(contracts) == 6
    first = contracts[0]
    assert first.answers["Parties"][:2] == ["Acme Widgets Inc.", "Acme"]
    for c in contracts:
        for segs in c.answers.values():
            assert all(s in c.text for s in segs)


def test_load_cuad_refuses_a_folder_that_is_not_cuad(tmp_path: Path) -> None:
    with pytest.raises(ReviewInputError, match="not a CUAD folder"):
        load_cuad(tmp_path)


def test_labels_follow_the_cuad_matching_rule() -> None:
    cats, contracts = load_cuad(TINY)
    pr = prepare(contracts[0], cats)
    law = cats.index("Governing Law")
    positives = [
        contracts[0].text[c.start : c.end] for c, y in zip(pr.seg.candidates, pr.labels[:, law], strict=True) if y
    ]
    assert any("laws of the State of California" in t for t in positives)
    assert not any("Confidentiality" in t for t in positives)


def test_train_save_load_roundtrip_without_pickle(tmp_path: Path) -> None:
    cats, contracts = load_cuad(TINY)
    model = train_model(contracts, cats)
    assert model.meta["n_contracts"] == 6 and len(model.meta["data_sha256"]) == 64
    path = model.save(tmp_path)
    with zipfile.ZipFile(path) as z:
        assert all(n.endswith(".npy") for n in z.namelist())
    with np.load(path, allow_pickle=False) as z:
        assert {"vocab", "categories", "idf", "coef", "intercept"} <= set(z.files)
    again = load_model(tmp_path)
    seg = segment(contracts[1].text)
    assert np.allclose(model.probabilities(seg), again.probabilities(seg), atol=2e-3)
    # The model learned something: the governing-law sentence outranks the confidentiality one.
    probs = again.probabilities(seg)[:, cats.index("Governing Law")]
    texts = [contracts[1].text[c.start : c.end] for c in seg.candidates]
    best = texts[int(np.argmax(probs))]
    assert "governed by" in best


def test_folds_are_grouped_deterministic_and_balanced() -> None:
    _, contracts = load_cuad(TINY)
    a = folds_by_contract(contracts, 3)
    assert a == folds_by_contract(contracts, 3)
    assert sorted(a.count(k) for k in range(3)) == [2, 2, 2]


def test_cross_validation_scores_every_category() -> None:
    cats, contracts = load_cuad(TINY)
    result = cross_validate([prepare(c, cats) for c in contracts], cats, n_folds=3)
    assert set(result.per_category) == set(cats)
    assert 0.0 <= result.overall.aupr <= 1.0 + 1e-9
    assert result.per_category["Governing Law"].aupr > 0.5


def test_cli_train_and_eval(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "model"
    res = runner.invoke(app, ["review", "train", "--cuad", str(TINY), "--out", str(out), "--folds", "3"])
    assert res.exit_code == 0, res.output
    assert "3-fold cross-validation" in res.output and (out / "clause_model.npz").is_file()
    meta = json.loads((out / "clause_model.json").read_text())
    assert "cross_validation" in meta and meta["attribution"] == CUAD_ATTRIBUTION
    scores = tmp_path / "scores.json"
    res = runner.invoke(app, ["review", "eval", "--cuad", str(TINY), "--model", str(out), "--json", str(scores)])
    assert res.exit_code == 0, res.output
    assert "OVERALL" in res.output and "own training contracts" in " ".join(res.output.split())
    assert set(json.loads(scores.read_text())["per_category"]) == set(load_cuad(TINY)[0])
    res = runner.invoke(app, ["review", "eval", "--cuad", str(tmp_path)])
    assert res.exit_code == 1 and "not a CUAD folder" in " ".join(res.output.split())


def test_shipped_model_has_metadata_and_attribution() -> None:
    model = load_model()
    assert len(model.categories) == 41 and model.coef.shape == (41, len(model.vocab))
    meta = model.meta
    assert meta["n_contracts"] == 408 and len(meta["data_sha256"]) == 64
    assert "cross_validation" in meta and "overall" in meta["cross_validation"]
    assert "Atticus" in meta["attribution"]
    assert "The Atticus Project" in (MODEL_DIR / "NOTICE").read_text(encoding="utf-8")
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
    assert size < 8_000_000


def test_eval_leaves_out_the_models_training_contracts(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "model"
    res = runner.invoke(
        app, ["review", "train", "--cuad", str(TINY), "--out", str(out), "--folds", "0", "--limit", "4"]
    )
    assert res.exit_code == 0, res.output
    assert len(json.loads((out / "clause_model.json").read_text())["training_titles"]) == 4
    scores = tmp_path / "held-out.json"
    res = runner.invoke(app, ["review", "eval", "--cuad", str(TINY), "--model", str(out), "--json", str(scores)])
    assert res.exit_code == 0, res.output
    assert "left out 4 contracts" in " ".join(res.output.split())
    held_out = json.loads(scores.read_text())
    assert held_out["per_category"]["Governing Law"]["n_gold"] == 2


def test_label_file_names_are_joined_to_texts_despite_cuad_mismatches() -> None:
    from greenroom.review.cuad import _key

    pairs = [
        ("MOELIS&CO_01_01_2014-EX-10.1-AGREEMENT.PDF", "MOELIS_CO_01_01_2014-EX-10.1-AGREEMENT.txt"),
        ("MACY'S_INC-EX-10-SERVICES.pdf", "MACY_S_INC-EX-10-SERVICES.txt"),
        ("X-SALES & MARKETING AGREEMENT.PDF'", "X-SALES _ MARKETING AGREEMENT.txt"),
        ("NETGEAR-.pdf", "NETGEAR.txt"),
        ("Y Agreement .PDF", "Y Agreement.txt"),
        ("LECLANCHE\u0301 SA.pdf", "LECLANCH\u00c9 SA.txt"),
    ]
    for label_name, txt_name in pairs:
        assert _key(label_name) == _key(txt_name), label_name
