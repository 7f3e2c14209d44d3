"""Expectations under laws on counts, as series summed outward from the mode with a tail bound.

E f(K) = sum_k p_k f(k) is summed from the mode up and down.  Each direction
stops only once the sizes s_k = p_k max(1, |f(k)|) have shrunk by a ratio of
at most rho < 1 over the last few terms and the geometric tail
s_K rho' / (1 - rho'), with rho' = (1 + rho) / 2 halfway to 1, is below
10^-(digits + 10) of the running total; that tail is counted in the error.
For a Poisson law past its mode the ratio is lambda / k, for a geometric law
(1 - p), for a Binomial law (n - k) p / ((k + 1)(1 - p)).  A geometric law with
a small p would need about 115 / p terms, so below ``GEOMETRIC_DIRECT_P`` its
tail beyond a few hundred terms is Gregory's formula (an integral plus forward
differences), and below ``GEOMETRIC_MIN_P`` the point is skipped (``OutsideDomain``).
Log-masses of large rates or many trials cancel (k log lambda against log k!),
so the working precision is raised by log10 of the rate or trials.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath as mp

from ..notation.laws_counts import Binomial, Geometric, Poisson
from .numeric_eval import (
    NEG_INF,
    InvalidParameters,
    NotEvaluable,
    OutsideDomain,
    Singular,
    accumulate,
    last_error,
    lg,
    lsum,
    parameter,
    rounding,
)
from .quadrature import law_quadrature, tracked_quad

__all__ = ["count_series", "MAX_TERMS", "GEOMETRIC_DIRECT_P", "GEOMETRIC_MIN_P", "BINOMIAL_MAX_TRIALS"]

MAX_TERMS = 20000
_WINDOW = 8  # consecutive shrinking ratios needed before the tail is bounded
GEOMETRIC_DIRECT_P = 0.05  # about 2500 terms at 40 digits; below, a head of terms and Gregory's formula for the tail
GEOMETRIC_MIN_P = 1e-6
_GREGORY_START = 256  # terms summed before the tail: a summand's differences there are small (log k!, k log k)
_GREGORY_SHIFT = 64  # the second cut, for the cross-check
_GREGORY_TERMS = 60  # differences allowed before the series must have settled
BINOMIAL_MAX_TRIALS = 10**4


class _Direction:
    """One direction of the walk from the mode: its last size and the ratios of consecutive sizes."""

    def __init__(self) -> None:
        self.previous: mp.mpf | None = None
        self.ratios: list[mp.mpf] = []

    def tail(self, size: mp.mpf) -> mp.mpf | None:
        """A bound on the sum of the sizes beyond this one, if the last ratios are all below 1; else None."""
        if self.previous is not None:
            self.ratios.append(mp.mpf(0) if size == 0 else (mp.inf if self.previous == 0 else size / self.previous))
        self.previous = size
        if len(self.ratios) < _WINDOW:
            return None
        rho = max(self.ratios[-_WINDOW:])
        wide = (1 + rho) / 2
        if wide >= 1:
            return None
        return size * wide / (1 - wide)


def count_series(log_mass: Callable[[int], mp.mpf], f: Callable[[mp.mpf], mp.mpf], mode: int,
                 low: int = 0, high: int | None = None) -> mp.mpf:
    """sum_{k=low}^{high} exp(log_mass(k)) f(k), outward from ``mode``; ``high`` None for an infinite support.

    A finite end (``low``, ``high``) is reached exactly; an infinite one is cut
    only under the geometric tail bound of the module docstring, and a series
    that does not settle within ``MAX_TERMS`` terms raises ``OutsideDomain``.
    """
    terms: list[mp.mpf] = []
    errors: list[float] = []
    threshold = mp.mpf(10) ** (-(mp.mp.dps + 10))
    tails: list[float] = []

    def add(k: int) -> mp.mpf:
        p = mp.exp(log_mass(k))
        if p == 0:
            return mp.mpf(0)
        try:
            at = f(mp.mpf(k))
        except NotEvaluable:
            raise  # (a ValueError too) cannot evaluate, or undefined parameters: not a pole
        except ValueError as why:  # mpmath's gamma pole at an exact integer: log 0 of another law's mass here
            raise Singular(f"the integrand is infinite at the outcome {k}, which has positive mass ({why})",
                           True) from None
        value = p * at
        terms.append(value)
        errors.append(lg(p) + last_error())
        return max(p, abs(value))

    total = add(mode)
    for step, stop in ((1, high), (-1, low)):
        k, walk = mode + step, _Direction()
        while stop is None or (k <= stop if step > 0 else k >= stop):
            if len(terms) > MAX_TERMS:
                raise OutsideDomain(f"the series needs more than {MAX_TERMS} terms at this point")
            size = add(k)
            total += size
            tail = walk.tail(size)
            if tail is not None and tail <= threshold * total:
                if tail:
                    tails.append(lg(tail) + 1)
                break
            k += step
    result = mp.fsum(terms)
    accumulate(max(lsum(errors), rounding(mp.fsum(abs(t) for t in terms)) + 3, max(tails, default=NEG_INF)))
    return result


@law_quadrature(Poisson)
def _poisson(dist: Poisson, f, env, kinks):
    lam = parameter(dist.rate, env)
    if lam <= 0:
        raise InvalidParameters("non-positive Poisson rate at this point")
    if lam > 10**6:
        raise OutsideDomain("a Poisson rate above 1e6 is not summed")
    extra = int(max(0, mp.log10(lam))) + 5
    with mp.workdps(mp.mp.dps + extra):
        lam = +lam
        log_lam = mp.log(lam)
        return count_series(lambda k: k * log_lam - lam - mp.loggamma(k + 1), f, int(mp.floor(lam)))


@law_quadrature(Geometric)
def _geometric(dist: Geometric, f, env, kinks):
    """P(K = k) = p (1 - p)^k from k = 0 (the mode) upwards; log(1 - p) as log1p(-p), exact for small p.

    From ``GEOMETRIC_DIRECT_P`` up the series is summed term by term (about 115 / p
    terms); below, the first terms are summed and the rest by Gregory's formula
    (``_gregory_tail``), down to ``GEOMETRIC_MIN_P``.
    """
    p = parameter(dist.p, env)
    if not 0 < p < 1:
        raise InvalidParameters("a geometric success probability outside (0, 1) at this point")
    if p < GEOMETRIC_MIN_P:
        raise OutsideDomain(f"a geometric law with p below {GEOMETRIC_MIN_P} is not summed")
    with mp.workdps(mp.mp.dps + 5):
        log_p, log_q = mp.log(p), mp.log1p(-p)

        def log_mass(k):
            return log_p + k * log_q

        if p >= GEOMETRIC_DIRECT_P:
            return count_series(log_mass, f, 0)
        edge = max([_GREGORY_START] + [int(mp.ceil(c)) + 1 for c in kinks if c > 0])
        if edge > 4 * _GREGORY_START:
            raise OutsideDomain("a kink of the integrand far out in a geometric law's tail")
        return _head_and_tail(log_mass, f, edge, -log_q)


def _head_and_tail(log_mass, f, edge: int, decay: mp.mpf) -> mp.mpf:
    """sum_{k < edge} exactly plus Gregory's tail from ``edge``, cross-checked against the tail from edge + 64.

    Why the cross-check: Gregory's formula is exact for smooth summands whose
    differences die out, and the two cuts agree only if the terms between them
    are what the formula says they are; a disagreement beyond the working
    precision means the summand is not smooth enough there (OutsideDomain).
    """
    later = edge + _GREGORY_SHIFT
    head = count_series(log_mass, f, 0, 0, edge - 1)
    middle = count_series(log_mass, f, edge, edge, later - 1)
    first = _gregory_tail(log_mass, f, edge, decay)
    second = _gregory_tail(log_mass, f, later, decay)
    one, two = head + first, head + middle + second
    scale = max(abs(one), abs(two), abs(head), mp.mpf(10) ** (-(mp.mp.dps + 20)))
    if abs(one - two) > scale * mp.mpf(10) ** (-(mp.mp.dps - 10)):
        raise OutsideDomain("the geometric tail by Gregory's formula depends on where it starts")
    accumulate(lg(one - two) + 1 if one != two else NEG_INF)
    return two


def _gregory_tail(log_mass, f, start: int, decay: mp.mpf) -> mp.mpf:
    """sum_{k >= start} g(k) for g(x) = mass(x) f(x): the integral plus sum_j c_j Delta^j g(start).

    Gregory's formula: sum_{k >= a} g(k) - int_a^oo g = [1/log(1 + Delta) - 1/Delta] g(a)
    = (1/2 - Delta/12 + Delta^2/24 - 19 Delta^3/720 + ...) g(a) (Jordan (1939), Calculus
    of Finite Differences, sec. 98).  The differences are taken at 30 more digits
    (they cancel); the series must have died out below the working precision by
    ``_GREGORY_TERMS`` differences, else OutsideDomain.  The integral is tanh-sinh
    on pieces scaled to the decay length 1 / log(1/(1 - p)).
    """
    a = mp.mpf(start)
    scale_length = 1 / decay
    points = [a, a + scale_length, a + 8 * scale_length, a + 40 * scale_length, a + 160 * scale_length, mp.inf]
    integral = tracked_quad(f, points, weight=lambda x: mp.exp(log_mass(x)))
    target = mp.mpf(10) ** (-(mp.mp.dps + 10)) * max(abs(integral), mp.mpf(10) ** (-(mp.mp.dps + 20)))
    with mp.workdps(mp.mp.dps + 30):
        values = [mp.exp(log_mass(start + i)) * f(mp.mpf(start + i)) for i in range(_GREGORY_TERMS + 1)]
        correction, small = mp.mpf(0), 0
        for j, c in enumerate(_gregory_coefficients()):
            difference = mp.fsum((-1) ** (j - i) * mp.binomial(j, i) * values[i] for i in range(j + 1))
            term = c * difference
            correction += term
            small = small + 1 if abs(term) <= target else 0
            if small >= 4:
                break
        else:
            raise OutsideDomain("Gregory's series for the geometric tail does not settle")
    accumulate(lg(term) + 2 if term else NEG_INF)
    return integral + correction


def _gregory_coefficients() -> list[mp.mpf]:
    """c_j, the coefficients of Delta^j in 1/log(1 + Delta) - 1/Delta (1/2, -1/12, 1/24, -19/720, ...).

    From x / log(1 + x) = sum_n a_n x^n, with log(1 + x)/x = sum_m (-1)^m x^m / (m + 1):
    a_0 = 1 and a_n = -sum_{m=1}^{n} (-1)^m a_{n-m} / (m + 1); then c_j = a_{j+1}.
    """
    from fractions import Fraction

    a = [Fraction(1)]
    for n in range(1, _GREGORY_TERMS + 2):
        a.append(-sum(Fraction((-1) ** m, m + 1) * a[n - m] for m in range(1, n + 1)))
    return [mp.mpf(c.numerator) / c.denominator for c in a[1:]]


@law_quadrature(Binomial)
def _binomial(dist: Binomial, f, env, kinks):
    """C(n, k) p^k (1 - p)^(n - k) over k = 0..n, outward from the mode floor((n + 1) p)."""
    n = parameter(dist.trials, env)
    p = parameter(dist.p, env)
    if n != int(n) or n < 1:
        raise InvalidParameters("a Binomial number of trials that is not a positive integer at this point")
    if not 0 < p < 1:
        raise InvalidParameters("a Binomial success probability outside (0, 1) at this point")
    if n > BINOMIAL_MAX_TRIALS:
        raise OutsideDomain(f"a Binomial law with more than {BINOMIAL_MAX_TRIALS} trials is not summed")
    trials = int(n)
    extra = int(mp.log10(n)) + 5
    with mp.workdps(mp.mp.dps + extra):
        log_p, log_q = mp.log(p), mp.log1p(-p)
        log_n = mp.loggamma(trials + 1)

        def log_mass(k: int) -> mp.mpf:
            return log_n - mp.loggamma(k + 1) - mp.loggamma(trials - k + 1) + k * log_p + (trials - k) * log_q

        mode = min(trials, int(mp.floor((trials + 1) * p)))
        return count_series(log_mass, f, mode, 0, trials)
