"""Choose points: a seeded design that covers every scale of each declared domain.

"Confirmed" must mean that a claim was tried across the whole region where it
is stated, not in a comfortable window.  So each coordinate of a point is
drawn from one of several *classes* of values:

* ``typical``: the domain's sample window (where the first points come from,
  so that most counterexamples are readable);
* ``special``: the simple values inside the domain (0, 1, -1, 2, 1/2, ...);
* ``decades``: a magnitude log-uniform over 40 decades (1e-20 .. 1e20), with
  either sign where the domain allows it, measured from the bound when there
  is one (``lo + 10^k``);
* ``near-lo`` / ``near-hi``: at distances ``w 10^-k`` (k = 1 .. 15) from a
  bound, with ``w`` both the width of the domain and the size of the bound
  itself, so ``(-1e-20, 1)`` is probed on both sides of 0;
* for integers: the smallest values, the window, and large values up to 1e12.

The random instances' seeds (``sampler="seed"``) are uniform integers: the
*instance* built from the seed covers support sizes and matrices.  Outcome
indices (``sampler="window"``) are small integers.

The design is deterministic (a NumPy generator seeded by the symbols' names and
domains), so consecutive steps over the same symbols see the same points and
reuse cached quadratures, and reruns give the same verdicts.  Points are mpmath
numbers at ``POINT_DPS`` digits, exact once drawn, so a point 1e-30 from a bound
stays strictly inside it; membership is checked exactly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import mpmath as mp
import numpy as np
import sympy as sp

from ..notation.domains import Domain

__all__ = ["design", "POINT_DPS", "value_classes", "draw_value"]

POINT_DPS = 60
DECADES = (-20.0, 20.0)
NEAR_EXPONENTS = (1, 15)
LARGE_INTEGER = 10**12

# Class weights for the points after the typical ones.
_REAL_CLASSES = (("typical", 0.25), ("special", 0.15), ("decades", 0.35), ("near-lo", 0.125), ("near-hi", 0.125))
_INTEGER_CLASSES = (("smallest", 0.35), ("typical", 0.3), ("large", 0.25), ("near-hi", 0.1))


def _rng(*parts: object) -> np.random.Generator:
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _mpf(value) -> mp.mpf:
    with mp.workdps(POINT_DPS):
        if isinstance(value, sp.Basic):
            return mp.mpf(sp.Float(value, POINT_DPS + 10))
        return mp.mpf(value)


def value_classes(domain: Domain) -> tuple[tuple[str, float], ...]:
    """The classes this domain draws from (bounds that are absent drop their classes)."""
    classes = _INTEGER_CLASSES if domain.integer else _REAL_CLASSES
    found = []
    for name, weight in classes:
        if name == "near-lo" and domain.lo is None:
            continue
        if name == "near-hi" and domain.hi is None:
            continue
        found.append((name, weight))
    return tuple(found)


def _inside(domain: Domain, value: mp.mpf) -> bool:
    return mp.isfinite(value) and domain.contains(value)


def _special(domain: Domain) -> list[mp.mpf]:
    candidates = [0, 1, -1, 2, -2, sp.Rational(1, 2), sp.Rational(-1, 2), 3, 10, sp.Rational(1, 10)]
    return [v for v in (_mpf(c) for c in candidates) if _inside(domain, v)]


def _typical(domain: Domain, rng: np.random.Generator) -> mp.mpf:
    if domain.integer:
        return _mpf(int(rng.integers(int(domain.sample_lo), int(domain.sample_hi) + 1)))
    return _mpf(rng.uniform(domain.sample_lo, domain.sample_hi))


def _decades(domain: Domain, rng: np.random.Generator) -> mp.mpf:
    with mp.workdps(POINT_DPS):
        size = mp.mpf(10) ** _mpf(rng.uniform(*DECADES))
        if domain.lo is not None and domain.hi is None:
            return _mpf(domain.lo) + size
        if domain.hi is not None and domain.lo is None:
            return _mpf(domain.hi) - size
        if domain.lo is None and domain.hi is None:
            return size if rng.random() < 0.5 else -size
        # bounded: a log-uniform distance from either bound, within the width
        width = _mpf(domain.hi) - _mpf(domain.lo)
        offset = width * mp.mpf(10) ** _mpf(-rng.uniform(0, 15))
        return _mpf(domain.lo) + offset if rng.random() < 0.5 else _mpf(domain.hi) - offset


def _near(domain: Domain, rng: np.random.Generator, side: str) -> mp.mpf:
    with mp.workdps(POINT_DPS):
        bound = _mpf(domain.lo if side == "lo" else domain.hi)
        other = domain.hi if side == "lo" else domain.lo
        width = abs(_mpf(other) - bound) if other is not None else max(mp.mpf(1), abs(bound))
        # distances relative to the width and, for a bound away from 0, to the bound itself
        scales = [width] + ([abs(bound)] if bound != 0 else [])
        scale = scales[int(rng.integers(0, len(scales)))]
        distance = scale * mp.mpf(10) ** (-int(rng.integers(NEAR_EXPONENTS[0], NEAR_EXPONENTS[1] + 1)))
        distance *= _mpf(rng.uniform(0.1, 1.0))
        return bound + distance if side == "lo" else bound - distance


def _integer(domain: Domain, rng: np.random.Generator, kind: str) -> mp.mpf:
    smallest = int(sp.floor(domain.lo)) + 1 if domain.lo is not None else -LARGE_INTEGER
    largest = int(sp.ceiling(domain.hi)) - 1 if domain.hi is not None else smallest + LARGE_INTEGER
    if kind == "smallest":
        return _mpf(min(largest, smallest + int(rng.integers(0, 3))))
    if kind == "large":
        span = max(1, largest - smallest)
        return _mpf(min(largest, smallest + int(round(10 ** rng.uniform(1, np.log10(span) if span > 10 else 1)))))
    if kind == "near-hi":
        return _mpf(max(smallest, largest - int(rng.integers(0, 3))))
    return _typical(domain, rng)


SEED_STRATA = 10  # = instantiate.STRATA: consecutive points get consecutive seed residues


def draw_value(domain: Domain, rng: np.random.Generator, kind: str, index: int = 0) -> mp.mpf | None:
    """One value of class ``kind`` strictly inside ``domain`` (None if it fell outside).

    Instance seeds are stratified: the ``index``-th point's seed has residue
    ``index mod SEED_STRATA``, so every run of that many points meets every option
    a random instance can take (support sizes, sparse tables, tiny floors).
    """
    if domain.sampler == "seed":
        top = (int(domain.sample_hi) - int(domain.sample_lo)) // SEED_STRATA
        base = int(domain.sample_lo) + SEED_STRATA * int(rng.integers(0, max(1, top)))
        value = _mpf(base + index % SEED_STRATA)
    elif domain.sampler == "window" or kind == "typical":
        value = _typical(domain, rng)
    elif domain.integer:
        value = _integer(domain, rng, kind)
    elif kind == "special":
        options = _special(domain)
        value = options[int(rng.integers(0, len(options)))] if options else _typical(domain, rng)
    elif kind == "decades":
        value = _decades(domain, rng)
    elif kind == "near-lo":
        value = _near(domain, rng, "lo")
    elif kind == "near-hi":
        value = _near(domain, rng, "hi")
    else:
        raise ValueError(f"unknown class of values {kind!r}")
    return value if _inside(domain, value) else None


def design(
    symbols: list[sp.Symbol], domains: dict[sp.Symbol, Domain], typical: int
) -> Iterator[dict[sp.Symbol, mp.mpf]]:
    """An endless, deterministic stream of points: ``typical`` from the windows, then every class.

    The caller takes as many as it needs (and skips those that violate the
    derivation's assumptions or fall outside what the oracle evaluates).
    """
    rng = _rng("points", *[f"{s.name}:{domains[s]!r}" for s in symbols])
    classes = {s: value_classes(domains[s]) for s in symbols}
    drawn = 0
    while True:
        point: dict[sp.Symbol, mp.mpf] = {}
        for s in symbols:
            kind = "typical"
            if drawn >= typical:
                names = [c[0] for c in classes[s]]
                weights = np.array([c[1] for c in classes[s]])
                kind = names[int(rng.choice(len(names), p=weights / weights.sum()))]
            value = None
            for _ in range(4):
                value = draw_value(domains[s], rng, kind, drawn)
                if value is not None:
                    break
            point[s] = value if value is not None else draw_value(domains[s], rng, "typical")
        drawn += 1
        if all(v is not None for v in point.values()):
            yield point
