r"""LaTeX claims about unspecified densities, functions and random variables (``parse.latex_abstract``).

Why: papers state Jensen's inequality, Bayes' rule and the ELBO for objects
with no formula; with declarations (``p(X, Z), q(Z) \text{ densities}``,
``f \text{ a function}``) they become ``notation.abstract`` objects that the
numeric oracle instantiates as random finite tables, so a wrong statement
(Jensen without concavity) is refuted and a right one confirmed.  The family
names used here (p, q over x, z) are the catalog's, so registering them never
conflicts with a later import of the catalog.
"""

from __future__ import annotations

import pytest
import sympy as sp

from infoproofs import E
from infoproofs.check import CheckOptions
from infoproofs.notation.abstract import (
    AbstractFunction,
    FunctionValue,
    Joint,
    RandomValue,
    ShannonEntropy,
    SumOver,
    outcome,
)
from infoproofs.parse.latex import LatexUnsupported, parse_chain
from infoproofs.verify.claims import ClaimResult, verify_block
from infoproofs.verify.extract import extract_blocks

x, z = outcome("x z")
p = Joint("p", x, z)
q = Joint("q", x, z)

JENSEN = r"f(\mathbb{E}(X)) \geq \mathbb{E}f(X)"
ELBO_DECL = r"p(X,Z), q(Z) \text{ densities}"
ELBO_DOC = r"""
The evidence bound, for densities p and q over finite supports.

<!-- infoproofs: p(X,Z), q(Z) \text{ densities} -->

$$
\begin{align}
\log{p(X)} &= \log{ \int_Z{p(X,Z)} } \\\\
 &= \log{ \int_Z{p(X,Z)\frac{q(Z)}{q(Z)}} } \\\\
 &= \log{\mathbb{E}_q \left[ \frac{p(X,Z)}{q(Z)} \right] } \\\\
 &\geq \mathbb{E}_q \left[ \log{\frac{p(X,Z)}{q(Z)}} \right] \\\\
 &= L = \mathbb{E}_q[\log p(X,Z)] + H(Z)
\end{align}
$$
"""


def _verify(markdown: str, assume: tuple[str, ...] = ()) -> list[ClaimResult]:
    blocks = extract_blocks(markdown, "<test>", "md")
    return [verify_block(b, i + 1, assume=assume, options=CheckOptions(use_cache=False)) for i, b in enumerate(blocks)]


# ---- parse level: the objects built are the catalog's ------------------------------------------

def test_jensen_parses_to_function_of_expectation() -> None:
    chain = parse_chain(JENSEN, [r"f \text{ a function}", r"X \text{ a random variable}"])
    left, right = chain.sides
    f = AbstractFunction("f", "any")
    assert isinstance(left, FunctionValue) and left.fn == f
    inner = left.arg
    assert inner.integrand == RandomValue("X", x, x) and inner.var == x
    law = inner.args[2]
    assert right == E(FunctionValue(f, RandomValue("X", x, x)), x, law)
    assert chain.relations[0].value == ">="


def test_jensen_uses_a_declared_density_of_x() -> None:
    chain = parse_chain(JENSEN, [r"f \text{ concave}", r"p(X, Z) \text{ a density}"])
    g = RandomValue("X", x, x)
    f = AbstractFunction("f", "concave")
    assert chain.sides == [f(E(g, x, p.law(x))), E(f(g), x, p.law(x))]


def test_elbo_chain_parses_to_catalog_objects() -> None:
    (block,) = extract_blocks(ELBO_DOC, "<test>", "md")
    chain = parse_chain(block.body, [ELBO_DECL])
    qz = q.law(z)
    expected = [
        sp.log(p(x)),
        sp.log(SumOver(p(x, z), z, "z")),
        sp.log(SumOver(p(x, z), z, "z")),  # q(Z)/q(Z) cancels on construction
        sp.log(E(p(x, z) / q(z), z, qz)),
        E(sp.log(p(x, z) / q(z)), z, qz),
        sp.Symbol("L", real=True),
        E(sp.log(p(x, z)), z, qz) + ShannonEntropy(qz),
    ]
    assert chain.sides == expected
    assert len(chain.relations) == 6  # the Markdown-escaped \\\\ breaks make no empty steps


def test_alternative_declaration_forms() -> None:
    one = parse_chain(r"q(Z) = q(Z)", [r"p, q \text{ densities over } X, Z"]).sides[0]
    two = parse_chain(r"q(Z) = q(Z)", [r"p(X, Z) \text{ a density}; q(Z) \text{ a density}"]).sides[0]
    assert one == two == q(z)
    conditional = parse_chain(r"p(Z|X) = \frac{p(X,Z)}{p(X)}", [ELBO_DECL]).sides[0]
    assert conditional == p(z, given=x)
    summed = parse_chain(r"H(X) = -\sum_{x \in X} p(x) \log p(x)", [r"p(X, Z) \text{ a density}"])
    assert summed.sides[0] == ShannonEntropy(p.law(x))
    assert summed.sides[1] == -SumOver(p(x) * sp.log(p(x)), x, "x")


@pytest.mark.parametrize("latex, declarations, needle", [
    (JENSEN, (), r"f \text{ a function}"),
    (JENSEN, (r"f \text{ a function}",), "random variable"),
    (r"\log p(X) = \log \int_Z p(X,Z)", (), "density"),
    (r"q(Y) = q(Y)", (ELBO_DECL,), "declared variable"),
    (r"q(X) = q(X)", (ELBO_DECL,), "declared over Z"),
    (r"H(Z) = H(Z)", (r"p(Z), q(Z) \text{ densities}",), "several declared densities"),
    (r"\mathbb{E}_p[p(X,Z)] = 1", (ELBO_DECL,), "needs one variable"),
    (r"q(Z) = 1", (r"q \text{ a density}",), "say which variables"),
])
def test_unsupported_says_what_to_declare(latex: str, declarations: tuple[str, ...], needle: str) -> None:
    with pytest.raises(LatexUnsupported, match=None) as info:
        parse_chain(latex, list(declarations))
    assert needle in str(info.value)


# ---- end to end: verdicts ----------------------------------------------------------------------

def test_jensen_without_concavity_is_refuted() -> None:
    (result,) = _verify(f"Jensen: ${JENSEN}$", (r"f \text{ a function}", r"X \text{ a random variable}"))
    assert result.verdict == "refuted", result.reason


def test_jensen_concave_holds_and_convex_reversed_holds() -> None:
    (concave,) = _verify(f"${JENSEN}$", (r"f \text{ concave}", r"X \text{ a random variable}"))
    assert concave.verdict in ("proved", "confirmed"), concave.reason
    convex_text = r"$f(\mathbb{E}(X)) \le \mathbb{E}f(X)$"
    (convex,) = _verify(convex_text, (r"f \text{ a convex function}", r"X \text{ a random variable}"))
    assert convex.verdict in ("proved", "confirmed"), convex.reason
    (wrong,) = _verify(convex_text, (r"f \text{ concave}", r"X \text{ a random variable}"))
    assert wrong.verdict == "refuted", wrong.reason


def test_elbo_chain_is_confirmed() -> None:
    (result,) = _verify(ELBO_DOC)
    assert result.verdict in ("proved", "confirmed"), result.reason
    assert len(result.steps) == 5  # L is read as a name, not a step


def test_wrong_elbo_step_is_refuted() -> None:
    wrong = r"$\log p(X) \le \mathbb{E}_q[\log \frac{p(X,Z)}{q(Z)}]$"
    (result,) = _verify(wrong, (ELBO_DECL,))
    assert result.verdict == "refuted", result.reason


def test_bayes_rule_is_confirmed() -> None:
    text = r"$Q(A|B)=\frac{Q(B|A)Q(A)}{Q(B)}$ and $Q(A|B)Q(B)=Q(B|A)Q(A)$"
    results = _verify(text, (r"Q(A,B) \text{ a density}",))
    assert [r.verdict in ("proved", "confirmed") for r in results] == [True, True], [r.reason for r in results]


def test_undeclared_stays_unsupported() -> None:
    results = _verify(f"${JENSEN}$" + ELBO_DOC.replace("<!-- infoproofs: p(X,Z), q(Z) \\text{ densities} -->", ""))
    assert [r.verdict for r in results] == ["unsupported", "unsupported"]
    assert r"f \text{ a function}" in results[0].reason


# ---- the declarations ``infoproofs latex`` writes for the catalog --------------------------------

def test_a_random_value_of_a_variable_is_the_catalogs_g_of_z() -> None:
    """``g(Z) \\text{ a random variable}``: g(z) is RandomValue(g, z, z), and g(z)^2 its square, not g z^2."""
    decl = (r"q(Z) \text{ a density}; g(Z) \text{ a random variable}",)
    chain = parse_chain(r"\mathbb{E}_{z \sim q(z)}[g(z)]^{2} \le \mathbb{E}_{z \sim q(z)}[g(z)^{2}]", decl)
    g = RandomValue("g", z, z)
    assert chain.sides == [E(g, z, q.law(z)) ** 2, E(g**2, z, q.law(z))]
    with pytest.raises(LatexUnsupported, match="random value of Z"):
        parse_chain(r"g(z + 1) = 0", decl)


def test_a_uniform_marginal_and_its_support_size() -> None:
    """``\\text{ a density with uniform } X`` is the catalog's q_phi; |\\mathcal{X}| is X's support size."""
    from infoproofs.notation.abstract import SupportSize

    r = Joint("q_phi", x, z, uniform=(x,))
    chain = parse_chain(r"H(q_{\phi}(x)) = \log |\mathcal{X}|", (r"q_{\phi}(X, Z) \text{ a density with uniform } X",))
    assert chain.sides == [ShannonEntropy(r.law(x)), sp.log(SupportSize(x))]


def test_conditional_mutual_information_of_declared_variables() -> None:
    """``I_P(X; Y | Z)`` is MutualInfo of the family P (the catalog's chain-rule family)."""
    from infoproofs.notation.abstract import FamilyEntropy, MutualInfo

    y = outcome("y")
    family = Joint("P", x, y, z)
    chain = parse_chain(r"I_{P}(X; Y \mid Z) = H_{P}(X \mid Z) - H_{P}(X \mid Y, Z)", (r"P(X, Y, Z) \text{ a density}",))
    assert chain.sides[0] == MutualInfo("P", (x,), (y,), (z,))
    assert chain.sides[1] == FamilyEntropy("P", (x,), (z,)) - FamilyEntropy("P", (x,), (y, z))
    with pytest.raises(LatexUnsupported, match="named q"):
        parse_chain(r"I_{q}(X; Y) = 0", (r"P(X, Y, Z) \text{ a density}",))
    assert family.name == "P"


def test_a_draw_of_a_variable_and_the_jensen_shannon_divergence() -> None:
    """``E_{z_1 \\sim q(z)}`` binds a draw z_1 of Z (the catalog's IWAE); ``\\tfrac{1}{2}(p + q)`` is a mixture."""
    from infoproofs.notation.abstract import JSD, MixtureLaw
    from infoproofs.notation.functionals import KL

    z1 = sp.Symbol("z_1", integer=True)
    chain = parse_chain(r"\mathbb{E}_{z_1 \sim q(z)}[p(x, z_1)] = \mathbb{E}_{z \sim q(z)}[p(x, z)]",
                        (r"p(X, Z), q(X, Z) \text{ densities}",))
    assert chain.sides[0] == E(p(x, z=z1), z1, q.law(z))
    with pytest.raises(LatexUnsupported, match="not the variable"):
        parse_chain(r"\mathbb{E}_{x \sim q(z)}[p(x, z)] = 0", (r"p(X, Z), q(X, Z) \text{ densities}",))
    gan = parse_chain(r"D_{\mathrm{KL}}(p(z) \| \tfrac{1}{2}(p(z) + q(z))) \le 2 \mathrm{JSD}(p(z) \| q(z))",
                      (r"p(X, Z), q(X, Z) \text{ densities}",))
    assert gan.sides == [KL(p.law(z), MixtureLaw(p.law(z), q.law(z))), 2 * JSD(p.law(z), q.law(z))]
