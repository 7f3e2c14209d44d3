"""LaTeX from a grammar: expressions built by hypothesis, printed by SymPy, read back by our parser.

SymPy's printer is an independent writer of LaTeX, so this checks the parser's
*meaning*, not only that it does not crash: whatever it returns must have the
value of the expression that was printed, or it must refuse with one of its own
errors.  A misread formula that evaluates to something else would let a false
claim through (or refute a true one), so that is the failure looked for.
"""

from __future__ import annotations

import mpmath as mp
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoproofs.parse.latex import LatexParseError, LatexUnsupported, parse_chain

x, y = sp.symbols("x y", real=True)
s1 = sp.Symbol("sigma_1", positive=True)
mu = sp.Symbol("mu", real=True)
AT = {"x": mp.mpf("1.3"), "y": mp.mpf("0.7"), "sigma_1": mp.mpf("2.2"), "mu": mp.mpf("-0.4")}

atoms = st.one_of(
    st.sampled_from([x, y, s1, mu, sp.pi, sp.E]),
    st.integers(1, 9).map(sp.Integer),
    st.tuples(st.integers(1, 9), st.integers(2, 9)).map(lambda t: sp.Rational(*t)),
)


def _grow(inner: st.SearchStrategy) -> st.SearchStrategy:
    pair = st.tuples(inner, inner)
    return st.one_of(
        pair.map(lambda t: t[0] + t[1]),
        pair.map(lambda t: t[0] - t[1]),
        pair.map(lambda t: t[0] * t[1]),
        pair.map(lambda t: t[0] / (t[1] ** 2 + 1)),
        st.tuples(inner, st.integers(2, 3)).map(lambda t: t[0] ** t[1]),
        inner.map(lambda a: sp.log(a**2 + 1)),
        inner.map(lambda a: sp.exp(a / 7)),
        inner.map(lambda a: sp.sqrt(a**2 + 2)),
        inner.map(lambda a: sp.Abs(a)),
        inner.map(lambda a: -a),
    )


expressions = st.recursive(atoms, _grow, max_leaves=10)
RELATIONS = {"=": "=", r"\le": "<=", r"\ge": ">=", "<": "<", ">": ">"}


def _value(expr: sp.Expr) -> mp.mpf | None:
    at = {s: sp.Float(AT[s.name], 40) for s in expr.free_symbols}
    value = sp.N(expr.subs(at), 40)
    return None if not value.is_real else mp.mpf(str(value))


@settings(database=None, deadline=None, max_examples=250, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, expressions, st.sampled_from(sorted(RELATIONS)))
def test_what_sympy_prints_is_read_back_with_its_meaning(lhs, rhs, relation):
    text = f"{sp.latex(lhs)} {relation} {sp.latex(rhs)}"
    try:
        chain = parse_chain(text)
    except LatexUnsupported as exc:
        # the one refusal SymPy's output can meet: x \left(y + 1\right) reads like a function of one letter
        assert "undeclared function" in str(exc), (text, str(exc))
        return
    except LatexParseError as exc:  # pragma: no cover - SymPy's LaTeX is always well formed
        raise AssertionError(f"{text!r}: {exc}") from None
    assert [r.value for r in chain.relations] == [RELATIONS[relation]]
    for printed, read in zip((lhs, rhs), chain.sides):
        want, got = _value(printed), _value(read)
        if want is None:
            continue
        assert got is not None and abs(got - want) <= mp.mpf(10) ** -25 * max(1, abs(want)), (text, read, printed)


@settings(database=None, deadline=None, max_examples=150)
@given(expressions, st.data())
def test_a_damaged_formula_is_refused_or_read_with_a_meaning(expr, data):
    """Byte-level damage to printed LaTeX: no other exception escapes, whatever the damage."""
    text = sp.latex(expr) + " = 0"
    position = data.draw(st.integers(0, len(text)))
    damage = data.draw(st.sampled_from(["", "{", "}", "\\", "^", "_", "&", "\\frac", "(", ")", "|", "$", "%", "#"]))
    cut = data.draw(st.integers(0, 3))
    broken = text[:position] + damage + text[position + cut:]
    try:
        parse_chain(broken)
    except (LatexParseError, LatexUnsupported):
        pass
