"""The labelled corpus of claims as papers write them: every label is honoured (issue 10).

A third of the claims are false, most of them published mistakes; a false
claim must never be accepted and a true one never refuted, and nearly every
true claim must be read and accepted.
"""

from __future__ import annotations

import json

import pytest

from infoproofs.check import CheckOptions
from infoproofs.verify.claims import verify_blocks
from infoproofs.verify.extract import extract_blocks

from .conftest import ROOT

CORPUS = ROOT / "benchmarks" / "verify_corpus"


@pytest.fixture(scope="module")
def verdicts() -> dict[str, tuple[bool, str, str]]:
    labels = json.loads((CORPUS / "labels.json").read_text())
    text = (CORPUS / "claims.tex").read_text()
    results = verify_blocks(extract_blocks(text, "claims.tex"), options=CheckOptions())
    assert {r.label for r in results} == set(labels), "every claim has a label and every label a claim"
    return {r.label: (labels[r.label]["truth"], r.verdict, r.reason) for r in results}


def test_the_corpus_is_what_the_issue_asks_for(verdicts):
    false = [k for k, (truth, _, _) in verdicts.items() if not truth]
    assert len(verdicts) >= 80 and len(false) >= len(verdicts) / 3


def test_no_false_claim_is_accepted(verdicts):
    accepted = {k: v for k, (truth, v, _) in verdicts.items() if not truth and v in ("proved", "confirmed")}
    assert not accepted


def test_no_true_claim_is_refuted(verdicts):
    refuted = {k: reason[:200] for k, (truth, v, reason) in verdicts.items() if truth and v == "refuted"}
    assert not refuted


def test_nearly_every_true_claim_is_accepted(verdicts):
    true = [v for truth, v, _ in verdicts.values() if truth]
    accepted = sum(v in ("proved", "confirmed") for v in true)
    assert accepted >= 0.95 * len(true), (accepted, len(true))


def test_most_false_claims_are_refuted(verdicts):
    false = [v for truth, v, _ in verdicts.values() if not truth]
    assert sum(v == "refuted" for v in false) >= 0.85 * len(false)
