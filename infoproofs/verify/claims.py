"""Check the claims of a document: each math block becomes a ``Derivation`` and goes through ``check``.

There is no second checker.  A block is parsed (``parse.latex``) into a chain
``A rel B rel C ...``; the chain becomes a derivation whose first left-hand
side is the start and whose steps cite the justification the line gives
(a hint that names a registered rule is held to it; anything else cites
``no rule cited``, and the portfolio decides).  Then the same oracles run.

Two verdicts exist only here, and neither is ever counted as checked:

* ``unparsed``: the text could not be read (with its file:line:column, the
  offending token and what was expected);
* ``unsupported``: it was read, but its meaning is unknown (an undeclared
  function ``f``, say).

A claim's verdict is the weakest of its steps' (refuted < unknown <
confirmed < proved), so an align-derivation is proved only when every step is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..check import CheckOptions, StepResult, check_derivation
from ..derivation import Derivation, DerivationError, Relation
from ..parse.latex import LatexParseError, LatexUnsupported, parse_chain
from ..rules import RULES
from ..rules.core import NO_RULE
from .extract import MathBlock, line_of

__all__ = ["ClaimResult", "verify_block", "verify_blocks", "claim_verdict", "VERDICT_ORDER", "rule_for_hint"]

# Weakest first: a claim is as good as its weakest step.
VERDICT_ORDER = ("unparsed", "unsupported", "refuted", "unknown", "confirmed", "proved")


@dataclass
class ClaimResult:
    file: str
    line: int
    label: str | None
    latex: str
    relation: str
    verdict: str
    steps: list[StepResult] = field(default_factory=list)
    assumptions_used: dict[str, str] = field(default_factory=dict)
    counterexample: dict[str, Any] | None = None
    reason: str = ""
    column: int = 1
    internal_error: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "line": self.line, "column": self.column, "label": self.label,
            "latex": self.latex, "relation": self.relation, "verdict": self.verdict,
            "steps": [s.to_json() for s in self.steps], "assumptions_used": dict(self.assumptions_used),
            "counterexample": self.counterexample, "reason": self.reason, "internal_error": self.internal_error,
        }


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_RULE_WORDS = {_normal(name): name for name in RULES if name != NO_RULE}


def rule_for_hint(hint: str) -> str:
    """The registered rule a justification hint names ("by Jensen's inequality" -> that rule), else ``NO_RULE``.

    Only a hint that contains a rule's whole name is held to that rule; a
    free-text hint ("since the KL is non-negative") cites nothing we can check.
    """
    words = _normal(re.sub(r"^\s*(by|using|from|via|since)\b", "", hint, flags=re.IGNORECASE))
    if not words:
        return NO_RULE
    if words in _RULE_WORDS:
        return _RULE_WORDS[words]
    found = [name for key, name in _RULE_WORDS.items() if len(key) > 4 and re.search(rf"\b{re.escape(key)}\b", words)]
    return max(found, key=len) if found else NO_RULE


_T = sp.Symbol("t", real=True)


def _outer_function(side: sp.Expr):
    """The f of ``f(E X)`` when a side is a function applied to an expression holding an expectation."""
    from ..notation.abstract import FunctionValue
    from ..notation.functionals import Expectation

    def holds_expectation(e: sp.Basic) -> bool:
        return any(isinstance(a, Expectation) for a in sp.preorder_traversal(e))

    if isinstance(side, FunctionValue) and holds_expectation(side.arg):
        return side.fn
    if isinstance(side, (sp.log, sp.exp)) and holds_expectation(side.args[0]):
        return sp.Lambda(_T, type(side)(_T))
    if isinstance(side, sp.Pow) and side.exp.is_Integer and holds_expectation(side.base):
        return sp.Lambda(_T, _T**side.exp)
    return None


def rule_params(rule: str, previous: sp.Expr, side: sp.Expr, relation: Relation = Relation.EQ,
                assumptions: tuple = (), hint: str = "") -> dict:
    """The parameters a cited rule needs that LaTeX leaves implicit: Jensen's f, read off f(E X); a
    non-negativity certificate, a form of the step's residual that is manifestly non-negative; and the
    lemma, a catalog derivation the hint names ("by lemma elbo_gap").

    The rules still check what they are given (that the sides are f(E X) and
    E f(X) and that f has the shape the direction needs; that the certificate
    equals the residual and is non-negative; that the lemma is itself checked
    and its conclusion is what the step uses), so a wrong guess proves nothing.
    """
    params = RULES[rule].params
    if "lemma" in params:
        found = _catalog_lemma(hint)
        return {"lemma": found} if found is not None else {}
    if "certificate" in params:
        found = _certificate(previous, side, relation, assumptions)
        return {"certificate": found} if found is not None else {}
    if "f" not in params:
        return {}
    for candidate in (previous, side):
        f = _outer_function(candidate)
        if f is not None:
            return {"f": f}
    return {}


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _catalog_lemma(hint: str):
    """The catalog derivation whose name the hint contains after the word lemma (the longest such), else None.

    ``infoproofs latex`` writes a lemma step as "by lemma NAME"; the name is
    matched with its punctuation dropped, as the hint lost it (``elbo\\_gap``).
    """
    words = _squashed(hint.split("lemma", 1)[1]) if "lemma" in hint.lower() else ""
    if not words:
        return None
    found = [d for d in _catalog_by_name() if _squashed(d.name) and words.startswith(_squashed(d.name))]
    return max(found, key=lambda d: len(d.name)) if found else None


_CATALOG: list = []


def _catalog_by_name() -> list:
    """The default catalog's derivations, loaded once (only when a hint cites a lemma)."""
    if not _CATALOG:
        from ..catalog import default_catalog, load_paths

        _CATALOG.extend(load_paths([default_catalog()]))
    return _CATALOG


def _residual_forms(residual: sp.Expr) -> list[sp.Expr]:
    """The residual as written, and with each factor expanded (1 - a(1 - b) as 1 - a + a b, whose
    1 - a the domain facts see), and factored."""
    together = sp.together(residual)
    factors = sp.Mul.make_args(together)
    expanded = sp.Mul(*[sp.Pow(sp.expand(f.base), f.exp) if f.is_Pow else sp.expand(f) for f in factors])
    found = [residual, expanded]
    try:
        found.append(sp.factor(together))
    except (sp.PolynomialError, TypeError, ValueError):
        pass
    return found


def _certificate(previous: sp.Expr, side: sp.Expr, relation: Relation, assumptions: tuple) -> sp.Expr | None:
    r"""A form of the residual (``previous - side`` for \ge, ``side - previous`` for \le) that is manifestly
    non-negative under the block's domains and strict assumptions, as the certificate rules see them; None
    when no form is (the step is then left to the portfolio, as with no certificate given)."""
    import contextvars

    from ..notation.domains import domain_of
    from ..rules.tools import hide_domain_facts, nonnegative, set_domain_facts

    if relation.direction == 0:
        return None
    residual = previous - side if relation.direction > 0 else side - previous
    if not isinstance(residual, sp.Expr):
        return None
    domains = {}
    for sym in residual.free_symbols:
        domain = domain_of(sym)
        if domain is not None:
            domains[sym] = (domain.lo, domain.hi)

    def first_nonnegative() -> sp.Expr | None:
        set_domain_facts(domains, assumptions)
        for form in _residual_forms(residual):
            if nonnegative(hide_domain_facts(form), strict=relation.strict):
                return form
        return None

    try:
        return contextvars.copy_context().run(first_nonnegative)  # the facts stay out of the caller's context
    except (TypeError, ValueError, AttributeError, sp.PolynomialError):
        return None


def claim_verdict(steps: list[StepResult]) -> str:
    if not steps:
        return "unknown"
    return min((s.verdict for s in steps), key=VERDICT_ORDER.index)


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _located(block: MathBlock, exc: LatexParseError) -> tuple[int, int]:
    """The file position of a parse error at (line, column) of the block's body."""
    lines = block.body.split("\n")
    line = min(max(exc.line, 1), len(lines))
    offset = sum(len(lines[i]) + 1 for i in range(line - 1)) + max(exc.column - 1, 0)
    return line_of(block, min(offset, len(block.body)))


def _named(side, others) -> bool:
    """A bare symbol that no other side of the chain contains: a name being introduced, not a value."""
    return isinstance(side, sp.Symbol) and not any(side in o.free_symbols for o in others)


def _without_names(chain) -> tuple[list, list, list, list[str]]:
    """The chain with its names dropped: ``A &\\ge L = B`` (L defined here) is the claim ``A >= B``.

    Papers name quantities inside chains ("= L = E_q[...]"); checking
    ``A = L`` for every L would refute a definition.  A name is dropped only
    where it is defined by an equality that follows it.
    """
    sides, relations, hints = list(chain.sides), list(chain.relations), list(chain.hints)
    dropped = []
    i = 1
    while i < len(sides) - 1:
        others = sides[:i] + sides[i + 1:]
        if _named(sides[i], others) and relations[i] is Relation.EQ:
            dropped.append(str(sides[i]))
            del sides[i]
            del relations[i]
            hints[i - 1] = hints[i - 1] or hints[i]
            del hints[i]
            continue
        i += 1
    return sides, relations, hints, dropped


_DECLARATION_PROBLEMS: dict[str, str] = {}


def _usable(declarations: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """The declarations that can be read, and a message for each that cannot.

    Declarations accumulate through a document, so one that cannot be read
    would otherwise make every later block unsupported; it is set aside (and
    said so in each verdict that would have used it) instead.
    """
    kept, problems = [], []
    for text in declarations:
        if text not in _DECLARATION_PROBLEMS:
            try:
                parse_chain("0 = 0", (text,))
                _DECLARATION_PROBLEMS[text] = ""
            except (LatexParseError, LatexUnsupported) as exc:
                _DECLARATION_PROBLEMS[text] = str(exc)
        if _DECLARATION_PROBLEMS[text]:
            problems.append(f"declaration {_one_line(text, 60)!r} ignored: {_DECLARATION_PROBLEMS[text]}")
        else:
            kept.append(text)
    return tuple(kept), problems


def verify_block(
    block: MathBlock, index: int, log_base: str = "e", assume: tuple[str, ...] = (), options: CheckOptions | None = None
) -> ClaimResult:
    """Parse, build and check one block; every failure is a verdict, never an exception."""
    result = ClaimResult(block.file, block.line, block.label, _one_line(block.body), "", "unparsed", column=block.column)
    if block.problem:
        result.reason = block.problem
        return result
    declarations, ignored = _usable(tuple(block.declarations) + tuple(assume))
    try:
        chain = parse_chain(block.body, declarations, log_base)
    except LatexParseError as exc:
        line, column = _located(block, exc)
        result.line, result.column = line, column
        result.reason = "; ".join([f"{block.file}:{line}:{column}: {exc}", *ignored])
        return result
    except LatexUnsupported as exc:
        result.verdict, result.reason = "unsupported", "; ".join([str(exc), *ignored])
        return result
    result.assumptions_used = dict(chain.defaults)
    sides, relations, hints, names = _without_names(chain)
    result.relation = " ".join(r.value for r in relations)
    if len(sides) == 2 and (_named(sides[0], sides[1:]) or _named(sides[1], sides[:1])):
        bare = sides[0] if _named(sides[0], sides[1:]) else sides[1]
        result.verdict = "unsupported"
        result.reason = (f"a definition or a condition, not an identity: {bare} is a bare symbol the other side does "
                         "not contain (declare it, or write the claim with what it stands for)")
        return result
    try:
        derivation = Derivation(
            f"claim_{index}", block.label or result.latex, f"{block.file}:{block.line}",
            start=sides[0], assumptions=chain.assumptions,
        )
        for previous, relation, side, hint in zip(sides, relations, sides[1:], hints):
            rule = rule_for_hint(hint)
            params = rule_params(rule, previous, side, relation, tuple(chain.assumptions), hint)
            derivation.step(relation, side, by=rule, note=hint, **params)
    except (DerivationError, TypeError, ValueError) as exc:
        result.verdict, result.reason = "unsupported", f"not a derivation infoproofs can check: {exc}"
        return result
    try:
        checked = check_derivation(derivation, options or CheckOptions())
    except Exception as exc:  # noqa: BLE001 - a crash of the checker is our bug: reported loudly, never a traceback
        result.verdict, result.internal_error = "unknown", True
        result.reason = f"INTERNAL ERROR: the checker failed on this claim ({type(exc).__name__}: {exc}); " \
                        "this is a bug in infoproofs"
        return result
    notes = ([f"read {', '.join(names)} as a name defined in the chain, not a step"] if names else []) + ignored
    result.reason = "; ".join(notes)
    result.steps = checked.steps
    result.verdict = claim_verdict(checked.steps)
    failing = next((s for s in checked.steps if s.verdict == result.verdict), None)
    if failing is not None and result.verdict != "proved":
        where = f"step {failing.index}: " if len(checked.steps) > 1 else ""
        result.reason = "; ".join(filter(None, [where + failing.reason, result.reason]))
        result.counterexample = failing.counterexample
    return result


def verify_blocks(
    blocks: list[MathBlock], log_base: str = "e", assume: tuple[str, ...] = (), options: CheckOptions | None = None
) -> list[ClaimResult]:
    return [verify_block(b, i + 1, log_base, assume, options) for i, b in enumerate(blocks)]
