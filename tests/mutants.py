"""The mutation operators the tests use (a fast subset of infoproofs.mutation)."""

from __future__ import annotations

from infoproofs.derivation import Relation
from infoproofs.mutation import OPERATORS
from infoproofs.mutation import mutants as _all_mutants

FAST = {k: OPERATORS[k] for k in ("flip sign", "drop 1/2", "swap KL/CE arguments", "log s for log s^2")}


def mutants(rhs, relation: Relation):
    return _all_mutants(rhs, relation, FAST)
