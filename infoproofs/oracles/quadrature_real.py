"""Expectations under the laws of the whole line and the circle, heavy tails included.

Each scheme moves the integral into a variable where the law's weight is
smooth and its mass sits in a known place, because tanh-sinh on the raw
density of a heavy-tailed law converges to a few digits at best:

* Student t (and the Cauchy, nu = 1): x = mu +- sigma sqrt(nu) tan(psi) on the
  core psi in [0, pi/4] (weight cos^(nu-1) psi / B(nu/2, 1/2), split at
  k / sqrt(nu) for large nu, where the mass is Gaussian-narrow), and on the
  tail x = mu +- sigma sqrt(nu) cot(phi) with phi = (pi/4) e^(-u/nu), where the
  weight sin^(nu-1)(phi) dphi becomes e^(-u) du (times a bounded factor): the
  polynomial tail x^(-nu) of nu = 0.1 is then as easy as an exponential, and
  the tail's far end is reached without computing 1 - u near 1 (the
  reflected quantile, in closed form).
* Gumbel: x = mu - beta log w with w ~ Exp(1) (its closed-form quantile).  Above mu
  (w <= 1) in z = -log w, weight e^(-z - e^(-z)); below mu in w, weight e^(-w).  An
  integrand that grows like w^k there (the e^(-x/beta') of another Gumbel's
  log-density, k = beta/beta') moves the mass to w ~ k, so the peak of |f| e^(-w)
  is located (a scan, then Newton on its logarithm) and the integral split around it.
* Logistic: its quantile mu + s logit(u) read in z = |logit u| on each side of mu
  (the upper half reflected, so that u and 1 - u are never told apart near 1),
  weight e^(-z) / (1 + e^(-z))^2.
* Every exponential tail (Gumbel above mu, Logistic, the Student tail in u) is
  split on the scale 1/(1 - a) when the integrand grows like e^(a z) there (an
  e^(c x) with beta c near 1), and all pieces are integrated on the scale of the
  largest integrand (mpmath's tolerance is absolute; see ``_integrate``).
* von Mises: x = mu +- t on [0, pi], the weight exp(-2 kappa sin^2(t/2)) / (2 pi I_0(kappa) e^(-kappa))
  without cancellation, split at k / sqrt(kappa) (kappa = 1e6 has its mass within 1e-2 of mu).

The working precision is raised where log-densities cancel (large nu or kappa,
a location far from 0 on the scale of the law), and regions beyond that
(nu or kappa outside 1e-30 .. 1e30) raise ``OutsideDomain``: the point is
skipped, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath as mp

from ..notation.laws_real import Cauchy, Gumbel, Logistic, StudentT, VonMises
from .numeric_eval import Divergent, InvalidParameters, OutsideDomain, accumulate, error_frame, lg, parameter, unmetered
from .quadrature import law_quadrature, tracked_quad

__all__ = ["student_expectation", "gumbel_expectation", "logistic_expectation", "von_mises_expectation"]

Integrand = Callable[[mp.mpf], mp.mpf]
LIMIT = mp.mpf(10) ** 30  # shapes and concentrations beyond 1e30 (or below 1e-30) are not evaluated
MAX_EXTRA = 80  # at most this many extra digits for a location far from 0 on the law's scale
MIN_DOF = mp.mpf(10) ** -12  # Student t degrees of freedom below this are not integrated (see ``student_expectation``)
CUT_LIMIT = mp.mpf(10) ** 6  # an exponential tail is cut at a finite end only up to here (else left infinite)


def _extra_digits(*magnitudes: mp.mpf) -> int:
    """Digits to add so that cancellations of size ``magnitudes`` (ratios >= 1) leave the working digits intact."""
    worst = max([mp.mpf(1), *(abs(m) for m in magnitudes)])
    return min(int(mp.log10(worst)) + 5, MAX_EXTRA)


def _checked(name: str, value: mp.mpf) -> None:
    if value <= 0:
        raise InvalidParameters(f"non-positive {name} at this point")
    if value > LIMIT or value < 1 / LIMIT:
        raise OutsideDomain(f"{name} {mp.nstr(value, 5)} is outside 1e-30 .. 1e30, where quadrature is not run")


def _inside(points, lo, hi) -> list:
    return sorted({p for p in points if lo < p < hi} | {lo, hi})


def _log_size(h: Callable[[mp.mpf], mp.mpf], v: mp.mpf) -> mp.mpf:
    """log |h(v)|, -oo where h vanishes or cannot be evaluated (the scan only looks for where mass is)."""
    try:
        value = h(v)
    except (ZeroDivisionError, ValueError, ArithmeticError):
        return mp.ninf
    return mp.log(abs(value)) if value != 0 else mp.ninf


@dataclass(frozen=True)
class Piece:
    """int g(v) weight(v) dv over ``points`` (sorted breakpoints, the last one may be +oo)."""

    g: Integrand
    points: list
    weight: Integrand
    # for a tail cut at a finite end (see ``_exponential_tail``): the decay rate of g * weight beyond it
    tail_rate: mp.mpf | None = None

    def remainder(self) -> mp.mpf:
        """A bound on the integral beyond a cut tail's end: |g weight| there over the decay rate, times 16."""
        if self.tail_rate is None:
            return mp.mpf(0)
        end = self.points[-1]
        with unmetered():  # one probe, bounded by construction
            # g rounding to 0 there (log(1 + e^-270)) is taken as one unit of the working precision
            size = max(_log_size(self.g, end), -mp.mp.prec * mp.log(2)) + _log_size(self.weight, end)
        if size == mp.ninf:
            return mp.mpf(0)  # the weight itself underflows at the cut
        return 16 * mp.exp(size) / self.tail_rate if mp.isfinite(size) else mp.inf

    def log_size(self) -> mp.mpf:
        """log of the largest |g| weight at the breakpoints and midpoints (-oo if all vanish)."""
        finite = [p for p in self.points if mp.isfinite(p)]
        probes = finite + [(a + b) / 2 for a, b in zip(finite, finite[1:])]
        if not mp.isfinite(self.points[-1]):
            probes.append(finite[-1] + 1)
        with unmetered():  # a probe per breakpoint, bounded by construction
            sizes = [_log_size(self.g, v) + _log_size(self.weight, v) for v in probes]
        return max(sizes, default=mp.ninf)


def _integrate(pieces: list[Piece]) -> mp.mpf:
    """The sum of the pieces' integrals by ``tracked_quad``, all on the scale of the largest integrand.

    Why the scale: mpmath's tanh-sinh stops once its error estimate is below 2^-prec in *absolute*
    terms, so an integrand of size 1e2000 (a Gumbel's e^{-x/beta'} with beta/beta' = 1000) runs every
    interval to the maximal degree (tens of thousands of calls), and one of size 1e-100 stops at once
    with no correct digit.  Dividing every weight by the largest size seen makes "absolute" mean
    "relative to the expectation's scale"; the errors ``tracked_quad`` reports in the scaled units are
    reported again in the true ones.
    """
    top = max((piece.log_size() for piece in pieces), default=mp.ninf)
    top = top if mp.isfinite(top) else mp.mpf(0)
    scale = mp.exp(-top)
    with error_frame() as frame:
        values = [
            tracked_quad(piece.g, piece.points, weight=lambda v, w=piece.weight: w(v) * scale) for piece in pieces
        ]
        for piece in pieces:
            if piece.tail_rate is not None:
                accumulate(lg(piece.remainder() * scale))
    if frame.absolute > float("-inf"):
        accumulate(frame.absolute + float(top / mp.log(2)))
    return mp.fsum(values) / scale


# Where the growth of an integrand is read: log |h| at each of these z, slopes between neighbours.
GROWTH_PROBES = tuple(mp.mpf(z) for z in (50, 100, 200, 400, 800))


def _growth(h: Integrand) -> mp.mpf:
    """The rate a at which log |h(z)| grows far out (h ~ e^{a z}): 0 for polynomial or logarithmic h.

    The largest slope of log |h| between neighbouring probes out to z = 800, not one slope near z = 50:
    a location far from 0 on the law's scale (x = mu + r e^z with |mu| / r = 1e30) keeps log |x| flat
    until e^z passes |mu| / r, so a slope read at 50..100 saw a fraction of E_{Cauchy}[x]'s true growth
    (1, as fast as the tail decays) and the tail's remainder was bounded as if it converged: a value for
    an expectation that does not exist.  log |mu + r e^z| is convex in z, so slopes read further out are
    the larger ones; the probes reach past any ratio |mu| / r below e^700 (``student_expectation`` refuses
    larger ones).
    """
    with unmetered():  # five values, bounded by construction
        sizes = [_log_size(h, z) for z in GROWTH_PROBES]
    slopes = [
        (b - a) / (zb - za)
        for (za, a), (zb, b) in zip(zip(GROWTH_PROBES, sizes), zip(GROWTH_PROBES[1:], sizes[1:]))
        if mp.isfinite(a) and mp.isfinite(b)
    ]
    return max([mp.mpf(0), *slopes])


def _exponential_tail(h: Integrand, weight: Integrand, cuts) -> Piece:
    """int_0^oo h(z) weight(z) dz for a weight decaying like e^{-z}, split on the scale 1/(1 - a) of the
    product when h grows like e^{a z} (an e^{c x} against a Gumbel's or a Logistic's tail, an x^2 against a
    Student t's); an integrand growing as fast as the weight decays has no finite expectation to check."""
    rate = 1 - _growth(h)
    if rate < mp.mpf(10) ** -12:
        raise Divergent("the integrand grows about as fast as the law's tail decays: no finite expectation here")
    points = sorted({mp.mpf(0)} | {k / rate for k in (1, 4, 16, 64)} | {c for c in cuts if c > 0})
    # The tail is cut where h weight has decayed by e^-(the working bits + 100) past the last breakpoint, and
    # what lies beyond is bounded from its size at the cut (``Piece.remainder``, added to the error).  Left
    # infinite, tanh-sinh puts nodes out to u ~ 1e22, where a Student t's x = cot(e^-u) is e^(1e22): a value
    # whose error bound the log2 bookkeeping cannot represent, so every such expectation came out with an
    # infinite error (and every cross-check of a Cauchy step was skipped).
    end = points[-1] + (mp.mp.prec * mp.log(2) + 100) / rate
    if end > CUT_LIMIT:
        return Piece(h, points + [mp.inf], weight)
    return Piece(h, points + [end], weight, tail_rate=rate)


# ---- Student t and Cauchy --------------------------------------------------------------------


def _student_side(nu, mu, r, side, f: Integrand, kinks, log_norm) -> list[Piece]:
    """int over x on one side of mu: core x = mu + side r tan(psi), tail x = mu + side r cot(phi(u))."""
    y0 = mp.log(4 / mp.pi)  # phi = pi/4 at u = 0
    core_points, tail_points = [mp.mpf(0), mp.pi / 4], []
    if nu > 1:  # the mass is Gaussian-narrow near psi = 0, of width 1/sqrt(nu)
        core_points += [k / mp.sqrt(nu) for k in (1, 3, 8, 20)]
    else:  # x leaves the core's scale within u ~ nu: a layer at the start of the tail
        tail_points += [k * nu for k in (1, 4, 16)]
    for k in kinks:
        y = side * (k - mu) / r
        if 0 < y <= 1:
            core_points.append(mp.atan(y))
        elif y > 1:
            tail_points.append(nu * (-mp.log(mp.atan(1 / y)) - y0))

    def core_weight(psi):
        # cos^(nu-1) psi with log cos psi = log1p(-2 sin^2(psi/2)), no cancellation near psi = 0
        return mp.exp((nu - 1) * mp.log1p(-2 * mp.sin(psi / 2) ** 2) + log_norm)

    def phi_of(u):
        return mp.exp(-y0 - u / nu)

    def tail_weight(u):
        phi = phi_of(u)
        return mp.exp((nu - 1) * mp.log(mp.sin(phi) / phi) - nu * y0 - u + log_norm) / nu

    core = Piece(lambda psi: f(mu + side * r * mp.tan(psi)), _inside(core_points, 0, mp.pi / 4), core_weight)
    return [core, _exponential_tail(lambda u: f(mu + side * r / mp.tan(phi_of(u))), tail_weight, tail_points)]


def student_expectation(nu: mp.mpf, mu: mp.mpf, sigma: mp.mpf, f: Integrand, kinks=()) -> mp.mpf:
    """E f(X) for X ~ StudentT(nu, mu, sigma) (nu = 1: the Cauchy), by the tan/cot substitutions above."""
    _checked("Student t degrees of freedom", nu)
    if nu < MIN_DOF:
        # the tail's mass reaches u ~ 300 in phi = (pi/4) e^(-u/nu), i.e. x ~ e^(300/nu): beyond 2^(2^50) for
        # nu < 1e-12, where no error bound can be represented; such a point used to climb to 160 digits first
        raise OutsideDomain(f"Student t degrees of freedom {mp.nstr(nu, 3)} below {mp.nstr(MIN_DOF, 1)}: "
                            "the tail reaches values whose error bound cannot be represented")
    if abs(mu) > sigma * mp.exp(600):
        # the tail's growth is read out to z = 800 (``_growth``): beyond that ratio a location can hide it
        raise OutsideDomain("a Student t location more than e^600 scales from 0 is not integrated")
    extra = _extra_digits(nu, 1 / nu, mu / sigma)
    with mp.workdps(mp.mp.dps + extra):
        nu, mu, sigma = +nu, +mu, +sigma
        r = sigma * mp.sqrt(nu)
        log_norm = mp.loggamma((nu + 1) / 2) - mp.loggamma(nu / 2) - mp.loggamma(mp.mpf(1) / 2)
        return _integrate([piece for side in (1, -1) for piece in _student_side(nu, mu, r, side, f, kinks, log_norm)])


@law_quadrature(StudentT)
def _student(dist: StudentT, f, env, kinks):
    nu, mu, sigma = (parameter(a, env) for a in dist.args)
    if sigma <= 0:
        raise InvalidParameters("non-positive Student t scale at this point")
    return student_expectation(nu, mu, sigma, f, kinks)


@law_quadrature(Cauchy)
def _cauchy(dist: Cauchy, f, env, kinks):
    m, s = (parameter(a, env) for a in dist.args)
    if s <= 0:
        raise InvalidParameters("non-positive Cauchy scale at this point")
    return student_expectation(mp.mpf(1), m, s, f, kinks)


# ---- Gumbel --------------------------------------------------------------------------------------


def _peak(g: Callable[[mp.mpf], mp.mpf], grid: list) -> tuple[mp.mpf, mp.mpf] | None:
    """(centre, width) of the highest peak of the log-size g: a scan over ``grid``, then safeguarded Newton
    with central differences on the scale of the peak's own width; None where g is not concave there."""
    values = [g(v) for v in grid]
    best = max(range(len(grid)), key=lambda i: values[i])
    if values[best] == mp.ninf:
        return None
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    centre, delta, width = grid[best], mp.mpf(10) ** -3, None
    for _ in range(60):
        left, mid, right = g(centre - delta), g(centre), g(centre + delta)
        curvature = (left - 2 * mid + right) / delta**2
        if not mp.isfinite(curvature) or curvature >= 0:
            return None
        width = 1 / mp.sqrt(-curvature)
        step = -((right - left) / (2 * delta)) / curvature
        centre = min(max(centre + step, lo), hi)
        if abs(step) < width / 100 and delta <= width:
            break
        delta = min(width, delta)
    return centre, width


def gumbel_expectation(mu: mp.mpf, beta: mp.mpf, f: Integrand, kinks=()) -> mp.mpf:
    """E f(X) for X ~ Gumbel(mu, beta) = mu - beta log W, W ~ Exp(1), in two halves.

    Above mu (W <= 1) in z = -log W with weight e^{-z - e^{-z}}, an exponential tail (see
    ``_exponential_tail``); below mu (W >= 1) in w with weight e^{-w}, split around the peak of
    |f| e^{-w} when f grows like w^k there.
    """
    extra = _extra_digits(mu / beta)
    with mp.workdps(mp.mp.dps + extra):
        mu, beta = +mu, +beta
        upper = _exponential_tail(
            lambda z: f(mu + beta * z), lambda z: mp.exp(-z - mp.exp(-z)), [(k - mu) / beta for k in kinks]
        )

        def in_w(w):
            return f(mu - beta * mp.log(w))

        points = [mp.mpf(1), mp.mpf(4), mp.mpf(12), mp.mpf(40)] + [mp.exp((mu - k) / beta) for k in kinks if k < mu]
        with unmetered():  # a scan and a Newton search, bounded by construction
            # the log-size of f(x(w)) e^{-w} dw in L = log w: a peak far out when f grows like w^k
            found = _peak(lambda L: _log_size(in_w, mp.exp(L)) - mp.exp(L) + L,
                          [mp.mpf(0)] + [mp.mpf(2) ** j for j in range(0, 11)])
        if found is not None and found[0] > mp.log(12):
            centre, width = found
            points += [mp.exp(centre + k * width) for k in (-12, -4, 0, 4, 12)]
        points = sorted({p for p in points if 1 <= p < mp.inf}) + [mp.inf]
        return _integrate([upper, Piece(in_w, points, lambda w: mp.exp(-w))])


@law_quadrature(Gumbel)
def _gumbel(dist: Gumbel, f, env, kinks):
    mu, beta = (parameter(a, env) for a in dist.args)
    if beta <= 0:
        raise InvalidParameters("non-positive Gumbel scale at this point")
    return gumbel_expectation(mu, beta, f, kinks)


# ---- Logistic ------------------------------------------------------------------------------------


def logistic_expectation(mu: mp.mpf, s: mp.mpf, f: Integrand, kinks=()) -> mp.mpf:
    """E f(X) for X ~ Logistic(mu, s): on each side x = mu +- s z, z >= 0, with weight e^{-z} / (1 + e^{-z})^2.

    (This is the quantile transform mu + s logit(u) in the variable z = |logit u|, the upper half reflected:
    u and 1 - u never have to be told apart near 1, and an exponential tail is scaled to its own decay.)
    """
    extra = _extra_digits(mu / s)
    with mp.workdps(mp.mp.dps + extra):
        mu, s = +mu, +s

        def weight(z):
            return mp.exp(-z - 2 * mp.log1p(mp.exp(-z)))

        return _integrate([
            _exponential_tail(lambda z, side=side: f(mu + side * s * z), weight, [side * (k - mu) / s for k in kinks])
            for side in (1, -1)
        ])


@law_quadrature(Logistic)
def _logistic(dist: Logistic, f, env, kinks):
    mu, s = (parameter(a, env) for a in dist.args)
    if s <= 0:
        raise InvalidParameters("non-positive Logistic scale at this point")
    return logistic_expectation(mu, s, f, kinks)


# ---- von Mises -------------------------------------------------------------------------------------


def von_mises_expectation(mu: mp.mpf, kappa: mp.mpf, f: Integrand, kinks=()) -> mp.mpf:
    """E f(X) for X ~ VonMises(mu, kappa) on [mu - pi, mu + pi], split at mu and at k / sqrt(kappa)."""
    _checked("von Mises concentration", kappa)
    extra = _extra_digits(kappa, mu)
    with mp.workdps(mp.mp.dps + extra):
        mu, kappa = +mu, +kappa
        # log(2 pi I_0(kappa) e^{-kappa}): the scaled Bessel function, so the weight never overflows
        log_norm = mp.log(2 * mp.pi) + mp.log(mp.besseli(0, kappa)) - kappa
        base = [k / mp.sqrt(kappa) for k in (1, 3, 6, 12, 24)]

        def weight(t):
            return mp.exp(-2 * kappa * mp.sin(t / 2) ** 2 - log_norm)

        # the ends stop short of pi by a few units of this precision: mpmath integrates at a higher one, where
        # a rounded-up pi would put nodes past the support's ends mu +- pi (a log 0 for the law's log-density)
        end = mp.pi * (1 - mp.ldexp(mp.mpf(1), 4 - mp.mp.prec))
        pieces = []
        for side in (1, -1):
            cuts = base + [side * (k - mu) for k in kinks if side * (k - mu) > 0]
            pieces.append(Piece(lambda t, side=side: f(mu + side * t), _inside(cuts, mp.mpf(0), end), weight))
        value = _integrate(pieces)
        # the two slivers (end, pi) left out: at most their width times the largest weighted integrand there
        with unmetered():
            edge = max(abs(piece.g(end) * weight(end)) for piece in pieces)
        accumulate(float(lg(2 * (mp.pi - end) * edge * 4)) if edge else float("-inf"))
        return value


@law_quadrature(VonMises)
def _von_mises(dist: VonMises, f, env, kinks):
    mu, kappa = (parameter(a, env) for a in dist.args)
    return von_mises_expectation(mu, kappa, f, kinks)
