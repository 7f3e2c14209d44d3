"""Red team: false steps written as a hostile reviewer would, and true steps that are hard to check.

Every false step must come out refuted (or, where no method can decide,
unknown): never proved, never confirmed, never an internal error.  Every
true-but-hard step must come out proved or confirmed, never refuted and never
an internal error.  The classes follow the soundness audit (issue 14):

1. signs read off the shape of an expression (complex bases, invalid laws);
2. lemmas whose own verdict is weaker than the use made of them;
3. domain bounds that a rounding would move;
4. strict inequalities between equal sides;
5. failures outside a comfortable sampling window (decades, bounds, large integers, small regions);
6. gaps far below any numeric tolerance;
7. claims that hold only for small random instances;
8. precision: true identities with massive cancellation or tiny values;

plus kinks (|x|, min/max) and a few mis-cited rules.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sympy as sp

from infoproofs import (
    KL,
    Cauchy,
    CrossEntropy,
    DiffEntropy,
    E,
    Exponential,
    LogDensity,
    LogGap,
    Normal,
    Pareto,
    StudentT,
    Uniform,
    dimension,
    interval,
    positive,
    probability,
    real,
)
from infoproofs.check import CheckOptions, check_derivation
from infoproofs.derivation import Derivation
from infoproofs.engine.expectation import apply_linearity
from infoproofs.notation.abstract import Joint, MutualInfo, ShannonEntropy, SupportSize, outcome

OPTIONS = CheckOptions(use_cache=False)

FALSE: dict[str, tuple[str, bool, Callable[[], Derivation]]] = {}
TRUE: dict[str, Callable[[], Derivation]] = {}


def false_step(name: str, cls: str, must_refute: bool = True):
    """Register a false step; ``must_refute`` False allows "unknown" (nothing can decide it)."""

    def wrap(build):
        FALSE[name] = (cls, must_refute, build)
        return build

    return wrap


def true_step(name: str):
    def wrap(build):
        TRUE[name] = build
        return build

    return wrap


def _d(name: str, start, assumptions=()) -> Derivation:
    return Derivation(name, name, source="red team", start=start, assumptions=assumptions)


# ---- 1. signs from shape -----------------------------------------------------------------------------


@false_step("complex_certificate_sum", "shape")
def _():
    s = positive("rt_s1")
    return _d("complex_certificate_sum", 2 * s**2).le(
        800, by="non-negativity certificate", certificate=(20 + sp.I * s) ** 2 + (20 - sp.I * s) ** 2)


@false_step("complex_certificate_on_domain", "shape")
def _():
    s = positive("rt_s2")
    return _d("complex_certificate_on_domain", 4 * s**2).le(
        1, by="non-negativity certificate on the domain",
        certificate=((1 + 2 * sp.I * s) ** 2 + (1 - 2 * sp.I * s) ** 2) / 2)


@false_step("complex_squares_sign_of_residual", "shape")
def _():
    x = real("rt_x1")
    return _d("complex_squares_sign_of_residual", 0).le((3 + sp.I * x) ** 2 + (3 - sp.I * x) ** 2,
                                                         by="sign of the residual")


@false_step("complex_square_two_reals", "shape")
def _():
    a, b = real("rt_a1 rt_b1")
    return _d("complex_square_two_reals", 2 * b**2).le(
        2 * a**2, by="non-negativity certificate", certificate=(a + sp.I * b) ** 2 + (a - sp.I * b) ** 2)


@false_step("complex_base_fourth_power", "shape")
def _():
    s = positive("rt_s3")
    cert = ((s + sp.I) ** 4 + (s - sp.I) ** 4) / 2  # = s^4 - 6 s^2 + 1, negative near s = 1
    return _d("complex_base_fourth_power", 6 * s**2).le(s**4 + 1, by="non-negativity certificate",
                                                         certificate=cert)


@false_step("kl_of_an_invalid_law", "shape")
def _():
    s = positive("rt_s4")
    return _d("kl_of_an_invalid_law", 0).le(KL(Normal(0, 1 - s**2), Normal(0, 1)), by="Gibbs' inequality")


@false_step("log_of_a_negative_number", "shape")
def _():
    s = positive("rt_s5")
    return _d("log_of_a_negative_number", 0).le(sp.log(-s) - sp.log(s),
                                                by="sign of the residual")


@false_step("cosine_written_with_complex_exponentials", "shape")
def _():
    x = real("rt_x2")
    cert = sp.exp(sp.I * x) ** 2 / 2 + sp.exp(-sp.I * x) ** 2 / 2
    return _d("cosine_written_with_complex_exponentials", 0).le(sp.cos(2 * x), by="non-negativity certificate",
                                                                 certificate=cert)


# ---- 2. lemmas ---------------------------------------------------------------------------------------


def _refuted_lemma(tag: str):
    s = positive(f"rt_ls_{tag}")
    lemma = _d(f"lemma_false_{tag}", s).le(20, by="sign of the residual")
    return s, lemma


@false_step("use_of_a_refuted_lemma", "lemma")
def _():
    s, lemma = _refuted_lemma("a")
    return _d("use_of_a_refuted_lemma", s).le(20, by="lemma", lemma=lemma)


@false_step("chain_of_lemmas_from_a_refuted_one", "lemma")
def _():
    s, lemma = _refuted_lemma("b")
    middle = _d("middle_lemma_b", s).le(20, by="lemma", lemma=lemma)
    return _d("chain_of_lemmas_from_a_refuted_one", s).le(20, by="lemma", lemma=middle)


@false_step("lemma_used_on_a_wider_region", "lemma")
def _():
    u = interval("rt_lu", 0, 1)
    lemma = _d("lemma_on_unit", sp.Abs(u - 1)).eq(1 - u, by="algebra")
    u = positive("rt_lu")
    return _d("lemma_used_on_a_wider_region", sp.Abs(u - 1) + 1).eq(2 - u, by="lemma", lemma=lemma)


@false_step("lemma_missing_an_assumption", "lemma")
def _():
    a, b = positive("rt_la rt_lb")
    lemma = _d("lemma_ordered", sp.Max(a, b), assumptions=(a < b,)).eq(b, by="min and max under the assumptions")
    return _d("lemma_missing_an_assumption", sp.Max(a, b)).eq(b, by="lemma", lemma=lemma)


@false_step("circular_lemma", "lemma")
def _():
    s = positive("rt_lc")
    d = _d("circular_lemma", s)
    d.le(20, by="lemma", lemma=d)
    return d


# ---- 3. domain bounds --------------------------------------------------------------------------------


@false_step("bound_just_above_one", "bounds")
def _():
    u = interval("rt_u1", 0, 1.00000000000001)
    return _d("bound_just_above_one", u).lt(1, by="sign of the residual")


@false_step("float_tenth_is_not_a_tenth", "bounds")
def _():
    w = interval("rt_w1", 0, 0.1)  # the float 0.1 is 0.1000000000000000055...
    return _d("float_tenth_is_not_a_tenth", w).lt(sp.Rational(1, 10), by="sign of the residual")


@false_step("decimal_string_bound", "bounds")
def _():
    w = interval("rt_w2", 0, "1.0000000000000000000001")
    return _d("decimal_string_bound", w).le(1, by="sign of the residual")


@false_step("rational_bound", "bounds")
def _():
    w = interval("rt_w3", 0, sp.Rational(10**20 + 1, 10**20))
    return _d("rational_bound", w).le(1, by="sign of the residual")


@false_step("sympy_float_bound", "bounds")
def _():
    w = interval("rt_w4", 0, sp.Float("1.00000000000000000000000000001", 50))
    return _d("sympy_float_bound", w).lt(1, by="sign of the residual")


@false_step("lower_bound_just_below_zero", "bounds")
def _():
    v = interval("rt_v1", -1e-20, 1)
    return _d("lower_bound_just_below_zero", v).gt(0, by="sign of the residual")


@false_step("lower_bound_far_below_a_tiny_threshold", "bounds")
def _():
    v = interval("rt_v2", -1e-40, 1)
    return _d("lower_bound_far_below_a_tiny_threshold", v).ge(-1e-50, by="sign of the residual")


# ---- 4. strict inequalities between equal sides ------------------------------------------------------


@false_step("strict_between_expanded_square", "strict")
def _():
    x = real("rt_x3")
    return _d("strict_between_expanded_square", (x + 1) ** 2).lt(x**2 + 2 * x + 1, by="algebra")


@false_step("strict_pythagoras", "strict")
def _():
    x = real("rt_x4")
    return _d("strict_pythagoras", sp.sin(x) ** 2 + sp.cos(x) ** 2).gt(1, by="sign of the residual")


@false_step("strict_log_of_square", "strict")
def _():
    s = positive("rt_s6")
    return _d("strict_log_of_square", sp.log(s**2)).lt(2 * sp.log(s), by="sign of the residual")


@false_step("strict_exp_product", "strict")
def _():
    x = real("rt_x5")
    return _d("strict_exp_product", sp.exp(x) * sp.exp(-x) * (1 + x**2)).gt(1 + x**2, by="sign of the residual")


@false_step("strict_uncancelled_fraction", "strict")
def _():
    s = interval("rt_s7", 2, None)
    return _d("strict_uncancelled_fraction", (s**2 - 1) / (s - 1)).gt(s + 1, by="sign of the residual")


@false_step("strict_kl_of_a_law_with_itself", "strict")
def _():
    m = real("rt_m1")
    s = positive("rt_s8")
    return _d("strict_kl_of_a_law_with_itself", KL(Normal(m, s**2), Normal(m, s**2))).gt(0, by="Gibbs' inequality")


@false_step("strict_entropy_equal_to_closed_form", "strict")
def _():
    s = positive("rt_s9")
    return _d("strict_entropy_equal_to_closed_form", DiffEntropy(Normal(0, s**2))).lt(
        sp.log(2 * sp.pi * sp.E * s**2) / 2, by="closed form")


@false_step("strict_square_at_a_special_point", "strict")
def _():
    x = real("rt_x6")
    return _d("strict_square_at_a_special_point", (x - 1) ** 2).gt(0, by="sign of the residual")


@false_step("strict_positive_part_equal_on_a_half_line", "strict", must_refute=False)
def _():
    x = real("rt_x7")
    return _d("strict_positive_part_equal_on_a_half_line", sp.Max(x, 0) + (x + 1) ** 2).gt(
        x**2 + 2 * x + 1, by="sign of the residual")


# ---- 5. outside the window ---------------------------------------------------------------------------


def _threshold(name: str, make, relation: str, bound, rule: str = "sign of the residual"):
    def build():
        sym = make()
        d = _d(name, sym if not callable(bound) else bound(sym)[0])
        rhs = bound if not callable(bound) else bound(sym)[1]
        return getattr(d, relation)(rhs, by=rule)

    return build


for _name, _make, _rel, _bound in [
    ("positive_below_twenty", lambda: positive("rt_p1"), "le", 20),
    ("positive_below_a_thousand", lambda: positive("rt_p2"), "le", 1000),
    ("positive_below_a_million", lambda: positive("rt_p3"), "le", 10**6),
    ("positive_above_a_thousandth", lambda: positive("rt_p4"), "ge", sp.Rational(1, 1000)),
    ("positive_above_a_millionth", lambda: positive("rt_p5"), "gt", sp.Rational(1, 10**6)),
    ("probability_above_a_thousandth", lambda: probability("rt_q1"), "ge", sp.Rational(1, 1000)),
    ("probability_below_0999", lambda: probability("rt_q2"), "le", sp.Rational(999, 1000)),
    ("dimension_at_most_six", lambda: dimension("rt_d1"), "le", 6),
    ("dimension_at_most_a_hundred", lambda: dimension("rt_d2"), "le", 100),
    ("dimension_below_ten_thousand", lambda: dimension("rt_d3"), "lt", 10**4),
    ("real_above_minus_a_hundred", lambda: real("rt_r1"), "ge", -100),
]:
    false_step(_name, "window")(_threshold(_name, _make, _rel, _bound))


@false_step("bernoulli_variance_bounded_below", "window")
def _():
    p = probability("rt_q3")
    return _d("bernoulli_variance_bounded_below", p * (1 - p)).ge(sp.Rational(1, 10**4), by="sign of the residual")


@false_step("square_below_1e8", "window")
def _():
    x = real("rt_r2")
    return _d("square_below_1e8", x**2).le(10**8, by="sign of the residual")


@false_step("exponential_below_1e30", "window")
def _():
    x = real("rt_r3")
    return _d("exponential_below_1e30", sp.exp(x)).le(10**30, by="sign of the residual")


@false_step("near_the_lower_bound_of_an_interval", "window")
def _():
    t = interval("rt_t1", 2, 3)
    return _d("near_the_lower_bound_of_an_interval", t - 2).ge(sp.Rational(1, 10**9), by="sign of the residual")


@false_step("near_the_upper_bound_of_an_interval", "window")
def _():
    t = interval("rt_t2", 2, 3)
    return _d("near_the_upper_bound_of_an_interval", 3 - t).gt(sp.Rational(1, 10**12), by="sign of the residual")


@false_step("a_small_hole_in_the_reals", "window")
def _():
    x = real("rt_r4")
    return _d("a_small_hole_in_the_reals", (x - sp.Rational(31, 10)) ** 2).ge(sp.Rational(1, 10**6),
                                                                               by="sign of the residual")


@false_step("a_small_hole_in_the_positives", "window")
def _():
    s = positive("rt_p6")
    return _d("a_small_hole_in_the_positives", (s - sp.Rational(5, 2)) ** 2).ge(sp.Rational(1, 10**8),
                                                                                 by="sign of the residual")


@false_step("a_small_disk_in_the_plane", "window")
def _():
    x, y = real("rt_r5 rt_r6")
    return _d("a_small_disk_in_the_plane", (x - 1) ** 2 + (y + 2) ** 2).ge(sp.Rational(1, 10**4),
                                                                            by="sign of the residual")


@false_step("powers_of_two_below_a_million", "window")
def _():
    d = dimension("rt_d4")
    return _d("powers_of_two_below_a_million", 2**d).le(10**6, by="sign of the residual")


@false_step("dimension_times_log2_below_100", "window")
def _():
    d = dimension("rt_d5")
    return _d("dimension_times_log2_below_100", d * sp.log(2)).le(100, by="sign of the residual")


@false_step("ratio_of_scales_bounded", "window")
def _():
    s, t = positive("rt_p7 rt_p8")
    return _d("ratio_of_scales_bounded", s / t).le(10**6, by="sign of the residual")


@false_step("cubic_below_a_huge_constant", "window")
def _():
    x = real("rt_r7")
    return _d("cubic_below_a_huge_constant", x**3 - 10**9 * x).le(10**15, by="sign of the residual")


@false_step("x_to_the_x_bounded_below", "window")
def _():
    s = positive("rt_p9")
    return _d("x_to_the_x_bounded_below", s**s).ge(sp.Rational(7, 10), by="sign of the residual")


@false_step("exponential_beats_a_power", "window")
def _():
    s = positive("rt_p10")
    return _d("exponential_beats_a_power", sp.exp(s)).gt(s**100, by="sign of the residual")


@false_step("max_is_not_always_the_first", "window")
def _():
    s = positive("rt_p11")
    return _d("max_is_not_always_the_first", sp.Max(s, 1)).eq(s, by="algebra")


@false_step("min_with_zero", "window")
def _():
    x = real("rt_r8")
    return _d("min_with_zero", sp.Min(x, 0)).eq(0, by="algebra")


@false_step("absolute_value_is_not_identity", "window")
def _():
    x = real("rt_r9")
    return _d("absolute_value_is_not_identity", sp.Abs(x)).eq(x, by="algebra")


@false_step("square_root_of_a_square", "window")
def _():
    x = real("rt_r10")
    return _d("square_root_of_a_square", sp.sqrt(x**2)).eq(x, by="algebra")


# ---- 6. gaps below the tolerance ---------------------------------------------------------------------


@false_step("tiny_rational_gap", "tiny")
def _():
    x = real("rt_r11")
    return _d("tiny_rational_gap", x).eq(x + sp.Rational(1, 10**30), by="algebra")


@false_step("tiny_relative_float_gap", "tiny")
def _():
    s = positive("rt_p12")
    return _d("tiny_relative_float_gap", s).eq(s * (1 + sp.Float("1e-30", 50)), by="algebra")


@false_step("tiny_gap_after_a_log", "tiny")
def _():
    s = positive("rt_p13")
    return _d("tiny_gap_after_a_log", sp.log(s)).eq(sp.log(s) + sp.Rational(1, 10**35), by="algebra")


@false_step("exponentially_small_is_not_zero", "tiny")
def _():
    s = positive("rt_p14")
    return _d("exponentially_small_is_not_zero", sp.exp(-s - 1000)).eq(0, by="algebra")


@false_step("square_plus_a_crumb", "tiny")
def _():
    s = positive("rt_p15")
    return _d("square_plus_a_crumb", s**2 + sp.Rational(1, 10**50)).eq(s**2, by="algebra")


@false_step("gaussian_kl_off_by_1e40", "tiny")
def _():
    m1, m2 = real("rt_m2 rt_m3")
    s1, s2 = positive("rt_p16 rt_p17")
    closed = sp.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - sp.Rational(1, 2)
    return _d("gaussian_kl_off_by_1e40", KL(Normal(m1, s1**2), Normal(m2, s2**2))).eq(
        closed + sp.Rational(1, 10**40), by="closed form")


@false_step("logistic_saturated_is_not_one", "tiny")
def _():
    x = real("rt_r12")
    return _d("logistic_saturated_is_not_one", 1 / (1 + sp.exp(-100 - x**2))).eq(1, by="algebra")


@false_step("doubling_an_exponentially_small_value", "tiny")
def _():
    x = real("rt_r13")
    f = sp.exp(-(x**2) - 10**6)
    return _d("doubling_an_exponentially_small_value", f).eq(2 * f, by="algebra")


@false_step("tiny_strict_gap_the_wrong_way", "tiny")
def _():
    x = real("rt_r14")
    return _d("tiny_strict_gap_the_wrong_way", x + sp.Rational(1, 10**200)).lt(x, by="sign of the residual")


@false_step("gap_below_the_tolerance_that_vanishes_somewhere", "tiny")
def _():
    x = real("rt_r15")
    return _d("gap_below_the_tolerance_that_vanishes_somewhere", x).eq(
        x + sp.Rational(1, 10**30) * sp.sin(x) ** 2, by="algebra")


@false_step("polynomial_gap_below_the_tolerance", "tiny")
def _():
    x = real("rt_r16")
    return _d("polynomial_gap_below_the_tolerance", x**2).eq(x**2 + sp.Rational(1, 10**45) * x**3, by="algebra")


# ---- supports ----------------------------------------------------------------------------------------


@false_step("kl_from_a_normal_to_an_exponential_is_not_finite", "supports")
def _():
    m = real("rt_su1")
    lam = positive("rt_su2")
    finite = -sp.log(2 * sp.pi * sp.E) / 2 - sp.log(lam) + lam * m
    return _d("kl_from_a_normal_to_an_exponential_is_not_finite", KL(Normal(m, 1), Exponential(lam))).eq(
        finite, by="closed form")


@false_step("cross_entropy_against_a_uniform_on_a_smaller_support", "supports")
def _():
    m = real("rt_su3")
    return _d("cross_entropy_against_a_uniform_on_a_smaller_support", CrossEntropy(Normal(m, 1), Uniform(0, 1))).eq(
        0, by="closed form")


@false_step("exponential_log_density_outside_its_support", "supports")
def _():
    m = real("rt_su4")
    lam = positive("rt_su5")
    v = sp.Symbol("rt_sv", real=True)
    return _d("exponential_log_density_outside_its_support", E(LogDensity(Exponential(lam), v), v, Normal(m, 1))).eq(
        sp.log(lam) - lam * m, by="explicit log-density")


# ---- 7. small random instances -----------------------------------------------------------------------

_xo, _zo = outcome("x z")
_q = Joint("q", _xo, _zo)
_p = Joint("p", _xo, _zo)


@false_step("support_at_most_four", "instances")
def _():
    return _d("support_at_most_four", SupportSize(_zo)).le(4, by="sign of the residual")


@false_step("support_at_most_ten", "instances")
def _():
    return _d("support_at_most_ten", SupportSize(_xo)).le(10, by="sign of the residual")


@false_step("support_at_least_two", "instances")
def _():
    return _d("support_at_least_two", SupportSize(_zo)).ge(2, by="sign of the residual")


@false_step("entropy_at_most_log_four", "instances")
def _():
    return _d("entropy_at_most_log_four", ShannonEntropy(_q.law(_zo))).le(sp.log(4), by="sign of the residual")


@false_step("entropy_strictly_positive", "instances")
def _():
    return _d("entropy_strictly_positive", ShannonEntropy(_q.law(_zo))).gt(0, by="sign of the residual")


@false_step("mutual_information_at_most_log_two", "instances")
def _():
    return _d("mutual_information_at_most_log_two", MutualInfo("q", _xo, _zo)).le(sp.log(2),
                                                                                    by="sign of the residual")


@false_step("entropy_at_most_log_three_of_x", "instances")
def _():
    return _d("entropy_at_most_log_three_of_x", ShannonEntropy(_q.law(_xo))).le(sp.log(3),
                                                                                 by="sign of the residual")


@false_step("support_at_most_a_hundred", "instances")
def _():
    return _d("support_at_most_a_hundred", SupportSize(_zo)).le(100, by="sign of the residual")


@false_step("log_probability_never_below_minus_700", "instances")
def _():
    return _d("log_probability_never_below_minus_700", sp.log(_q(_xo, _zo))).ge(-700, by="sign of the residual")


@false_step("probabilities_at_most_one_half", "instances")
def _():
    return _d("probabilities_at_most_one_half", _q(_xo, _zo)).le(sp.Rational(1, 2), by="sign of the residual")


@false_step("kl_between_tables_at_most_twenty", "instances")
def _():
    return _d("kl_between_tables_at_most_twenty", KL(_q.law(_zo, given=_xo), _p.law(_zo, given=_xo))).le(
        20, by="sign of the residual")


# ---- vacuous proofs ----------------------------------------------------------------------------------


@false_step("proof_under_contradictory_assumptions", "vacuous", must_refute=False)
def _():
    s = positive("rt_vac")
    return _d("proof_under_contradictory_assumptions", -s, assumptions=(s < -1,)).ge(1, by="sign of the residual")


# ---- mis-cited rules and expectations ----------------------------------------------------------------


@false_step("second_moment_is_not_the_squared_mean", "rules")
def _():
    m = real("rt_m4")
    s = positive("rt_p18")
    v = sp.Symbol("rt_v", real=True)
    return _d("second_moment_is_not_the_squared_mean", E(v**2, v, Normal(m, s**2))).eq(
        E(v, v, Normal(m, s**2)) ** 2, by="linearity of expectation")


@false_step("gaussian_entropy_without_e", "rules")
def _():
    s = positive("rt_p19")
    return _d("gaussian_entropy_without_e", DiffEntropy(Normal(0, s**2))).eq(sp.log(2 * sp.pi * s**2) / 2,
                                                                             by="closed form")


@false_step("kl_is_bounded_by_one", "rules")
def _():
    m = real("rt_m5")
    return _d("kl_is_bounded_by_one", KL(Normal(m, 1), Normal(0, 1))).le(1, by="Gibbs' inequality")


# ---- linearity where expectations do not add --------------------------------------------------------


def _cauchy():
    m = real("rt_lm")
    s = positive("rt_ls")
    return Cauchy(m, s), sp.Symbol("rt_lx", real=True)


@false_step("linearity_splits_kl_cauchy_gumbel", "linearity", must_refute=False)
def _():
    """KL(Cauchy || Gumbel) is +oo; split by linearity it becomes E[e^{-x/d}] (+oo) + E[x]/d (undefined)."""
    law, x = _cauchy()
    c = real("rt_lc")
    d = positive("rt_ld")
    integrand = sp.log(d) - sp.log(sp.pi * law.args[1] * (1 + ((x - law.args[0]) / law.args[1]) ** 2)) + (
        sp.exp(-(x - c) / d) + (x - c) / d)
    split = apply_linearity(E(integrand, x, law))
    return _d("linearity_splits_kl_cauchy_gumbel", E(integrand, x, law)).eq(split, by="linearity of expectation")


@false_step("infinity_minus_infinity_is_not_one", "linearity", must_refute=False)
def _():
    law, x = _cauchy()
    return _d("infinity_minus_infinity_is_not_one", E(x**2 + 1, x, law) - E(x**2, x, law)).eq(
        1, by="linearity of expectation")


@false_step("undefined_means_do_not_cancel", "linearity", must_refute=False)
def _():
    law, x = _cauchy()
    return _d("undefined_means_do_not_cancel", E(x + 1, x, law) - E(x, x, law)).eq(
        1, by="linearity of expectation")


def _student_second_moments(rule: str):
    """E[x^2 + 1] - E[x^2] under a Student t is oo - oo for nu <= 2: its E x^2 is Piecewise(..., (oo, True)), and
    SymPy cancels P - P, so substituting both moments read it as 1."""
    nu, s = positive("rt_tnu rt_ts")
    m = real("rt_tm")
    x = sp.Symbol("rt_tx", real=True)
    law = StudentT(nu, m, s)
    return _d(f"student_moments_do_not_cancel_{rule.replace(' ', '_')}", E(x**2 + 1, x, law) - E(x**2, x, law)).eq(1, by=rule)


for _rule in ("moments", "closed form", "linearity of expectation"):
    false_step(f"student_moments_do_not_cancel_by_{_rule.replace(' ', '_')}", "linearity", must_refute=False)(
        lambda rule=_rule: _student_second_moments(rule))


@false_step("pareto_moments_do_not_cancel", "linearity", must_refute=False)
def _():
    """The same under a Pareto law with shape <= 2 (x_m, alpha): the numeric oracle must not confirm it from
    the points with alpha > 2 while the others have no finite second moment."""
    xm, alpha = positive("rt_pxm rt_pa")
    x = sp.Symbol("rt_px", positive=True)
    law = Pareto(xm, alpha)
    return _d("pareto_moments_do_not_cancel", E(x**2 + 1, x, law) - E(x**2, x, law)).eq(1, by="moments")


@true_step("linearity_with_one_infinite_term")
def _():
    """E[f + g] = E[f] + E[g] with g integrable holds whatever E[f] is: here E_Cauchy[x^2] = +oo."""
    law, x = _cauchy()
    m, s = law.args
    g = sp.log(1 + ((x - m) / s) ** 2)
    return _d("linearity_with_one_infinite_term", E(sp.exp(x) + g, x, law)).eq(
        E(sp.exp(x), x, law) + E(g, x, law), by="linearity of expectation")


# ---- true but hard -----------------------------------------------------------------------------------


@true_step("hyperbolic_identity_with_huge_terms")
def _():
    x = interval("rt_h1", 1, 2)
    return _d("hyperbolic_identity_with_huge_terms", sp.cosh(100 * x) ** 2 - sp.sinh(100 * x) ** 2).eq(
        1, by="algebra")


@true_step("hyperbolic_identity_on_the_reals")
def _():
    x = real("rt_h2")
    return _d("hyperbolic_identity_on_the_reals", sp.cosh(100 * x) ** 2 - sp.sinh(100 * x) ** 2).eq(1, by="algebra")


@true_step("softplus_identity_at_large_arguments")
def _():
    x = positive("rt_h3")
    return _d("softplus_identity_at_large_arguments", sp.log(1 + sp.exp(x)) - x).eq(sp.log(1 + sp.exp(-x)),
                                                                                     by="algebra")


@true_step("log_below_the_identity_strictly")
def _():
    s = positive("rt_h4")
    return _d("log_below_the_identity_strictly", sp.log(s)).lt(s, by="sign of the residual")


@true_step("log1p_below_x_strictly")
def _():
    x = positive("rt_h5")
    return _d("log1p_below_x_strictly", sp.log(1 + x)).lt(x, by="sign of the residual")


@true_step("x_over_1_plus_x_below_log1p")
def _():
    x = positive("rt_h6")
    return _d("x_over_1_plus_x_below_log1p", x / (1 + x)).lt(sp.log(1 + x), by="sign of the residual")


@true_step("one_minus_cosine_nonnegative")
def _():
    x = real("rt_h7")
    return _d("one_minus_cosine_nonnegative", 1 - sp.cos(x)).ge(0, by="sign of the residual")


@true_step("a_gap_of_1e60_is_seen_at_80_digits")
def _():
    x = real("rt_h8")
    return _d("a_gap_of_1e60_is_seen_at_80_digits", x).lt(x + sp.Rational(1, 10**60), by="sign of the residual")


@true_step("bernoulli_kl_nonnegative_near_the_edges")
def _():
    p, q = probability("rt_h9 rt_h10")
    from infoproofs import Bernoulli

    cert = p * LogGap(q / p) + (1 - p) * LogGap((1 - q) / (1 - p))
    return _d("bernoulli_kl_nonnegative_near_the_edges", KL(Bernoulli(p), Bernoulli(q))).ge(
        0, by="non-negativity certificate on the domain", certificate=cert)


@true_step("gaussian_kl_closed_form_at_every_scale")
def _():
    m1, m2 = real("rt_h11 rt_h12")
    s1, s2 = positive("rt_h13 rt_h14")
    closed = sp.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - sp.Rational(1, 2)
    return _d("gaussian_kl_closed_form_at_every_scale", KL(Normal(m1, s1**2), Normal(m2, s2**2))).eq(
        closed, by="closed form")


@true_step("expanded_square_near_zero")
def _():
    x = real("rt_h15")
    return _d("expanded_square_near_zero", (1 + x) ** 2 - 1 - 2 * x).eq(x**2, by="algebra")


@true_step("mean_of_a_centred_gaussian_is_zero")
def _():
    m = real("rt_h16")
    s = positive("rt_h17")
    v = sp.Symbol("rt_hv", real=True)
    return _d("mean_of_a_centred_gaussian_is_zero", E(v - m, v, Normal(m, s**2))).eq(0, by="moments")


@true_step("entropy_of_a_tiny_gaussian")
def _():
    s = positive("rt_h18")
    return _d("entropy_of_a_tiny_gaussian", DiffEntropy(Normal(0, s**2))).eq(
        sp.log(2 * sp.pi * sp.E * s**2) / 2, by="closed form")


@true_step("support_at_least_one")
def _():
    return _d("support_at_least_one", SupportSize(_zo)).ge(1, by="sign of the residual")


@true_step("entropy_at_most_log_support")
def _():
    return _d("entropy_at_most_log_support", ShannonEntropy(_q.law(_zo))).le(sp.log(SupportSize(_zo)),
                                                                             by="sign of the residual")


# ---- the tests ---------------------------------------------------------------------------------------


def test_the_suite_is_large_enough():
    assert len(FALSE) >= 60
    assert len(TRUE) >= 10
    assert len({cls for cls, _, _ in FALSE.values()}) >= 7


@pytest.mark.parametrize("name", sorted(FALSE))
def test_false_step_is_never_accepted(name):
    cls, must_refute, build = FALSE[name]
    result = check_derivation(build(), OPTIONS)
    last = result.steps[-1]
    assert not last.internal_error, last.reason
    assert last.verdict not in ("proved", "confirmed"), (cls, last.verdict, last.reason)
    if must_refute:
        assert last.verdict == "refuted", (cls, last.verdict, last.reason)
        assert last.counterexample is not None


@pytest.mark.parametrize("name", sorted(TRUE))
def test_true_but_hard_step_is_not_refuted(name):
    result = check_derivation(TRUE[name](), OPTIONS)
    for step in result.steps:
        assert not step.internal_error, step.reason
        assert step.verdict in ("proved", "confirmed"), (step.verdict, step.reason)



def test_lemmas_from_another_file_cap_the_verdict(tmp_path):
    """Checking only the user's file still checks the lemmas it imports, and their verdicts propagate."""
    import json
    import subprocess
    import sys

    from .conftest import ROOT

    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "infoproofs.cli", "check", "--no-cache", "-q", str(ROOT / "tests" / "data" / "lemma_user.py"),
         "--json", str(report)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 1, done.stderr  # a refuted step
    steps = {d["name"]: d["steps"][0] for d in json.loads(report.read_text())["derivations"]}
    confirmed, false = steps["uses_a_confirmed_lemma"], steps["uses_a_false_lemma"]
    assert confirmed["verdict"] == "confirmed", confirmed["reason"]
    assert "only confirmed" in confirmed["reason"]
    assert confirmed["oracles"]["lemma"]["verdict"] == "confirmed"
    assert false["verdict"] == "refuted" and not false["internal_error"], false["reason"]
    assert false["counterexample"]


def test_the_engine_does_not_split_an_expectation_that_does_not_add():
    """KL(Cauchy || Gumbel) is +oo; the engine used to split it by linearity into an undefined E[x] and print nan."""
    from infoproofs import Gumbel
    from infoproofs.engine.derive import closed_form, derive_steps

    law, _x = _cauchy()
    target = KL(law, Gumbel(real("rt_lc2"), positive("rt_ld2")))
    assert closed_form(target) == target  # no closed form: left to the numeric oracle's definition
    for step in derive_steps(target):
        assert not step.expr.has(sp.nan) and step.rule != "linearity of expectation"
