"""The plain-notation grammar: what it reads, and what it refuses."""

from __future__ import annotations

import pytest

from infoproofs import KL, MI, DiffEntropy, Entropy, IsoNormal, Normal
from infoproofs.notation.domains import domain_of
from infoproofs.parse import ParseError, parse_target


def test_kl_of_normals_with_inferred_domains():
    target = parse_target("KL(N(mu1, s1^2) || N(mu2, s2^2))")
    assert isinstance(target, KL)
    p, q = target.args
    assert isinstance(p, Normal) and isinstance(q, Normal)
    names = {s.name: domain_of(s).name for s in target.free_symbols}
    assert names == {"mu1": "real", "mu2": "real", "s1": "positive", "s2": "positive"}


def test_capacity_target_builds_random_variables():
    target = parse_target("I(Z; Z+N) where Z ~ N(0, s^2 I_d), N ~ N(0, t^2 I_d)")
    assert isinstance(target, MI)
    z = target.args[0]
    assert isinstance(z.distribution, IsoNormal)
    assert domain_of(z.distribution.dim).name == "dimension"


def test_entropies():
    assert isinstance(parse_target("h(N(mu, s^2))"), DiffEntropy)
    assert isinstance(parse_target("H(Bernoulli(p))"), Entropy)
    assert domain_of(parse_target("H(Bernoulli(p))").free_symbols.pop()).name == "probability"


@pytest.mark.parametrize(
    "text",
    ["KL(N(0,1) | N(1,2))", "h(Foo(1))", "eval('1')", "N(0,1)", "KL(N(0,1) || N(1))", "I(Z; Z+M) where Z ~ N(0,1)"],
)
def test_refuses_bad_text(text):
    with pytest.raises(ParseError):
        parse_target(text)
