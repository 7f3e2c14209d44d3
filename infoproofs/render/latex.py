"""LaTeX output: an ``align*`` chain, each step with its justification and, once checked, its verdict.

Written to be pasted into a paper and to compile with plain ``pdflatex``:

* long expressions are broken at their top-level ``+`` and ``-`` (and inside
  expectations and parenthesised sums), so lines stay inside the margins;
* each justification sits on its own line in a ``\\parbox``, so it wraps;
* titles, sources and rule names are escaped (``<=`` is not ``¡=``), and
  notes have their mathematics typeset as mathematics (``render.notes``);
* verdicts are marked: proved ✓, confirmed ≈, refuted ✗ with the
  counterexample, unknown ?; a step whose cited rule does not justify it
  carries a dagger and says what does.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..derivation import Derivation
from ..notation.domains import domain_of
from ..notation.functionals import Expectation
from ..notation.matrices import random_matrices_in
from .notes import escape_text, note_latex

__all__ = ["latex_expr", "derivation_latex", "standalone", "escape_text", "LINE"]

# Visible characters per displayed line (11 pt, 2 cm margins), as ``_width`` estimates them.
LINE = 60
_INVISIBLE = re.compile(r"\\(left|right|Bigl|Bigr|bigl|bigr|mathrm|operatorname|mathbb|mathcal|mathit|limits|displaystyle)"
                        r"|\\[,;!: ]|[{}^_&]")
_COMMAND = re.compile(r"\\[A-Za-z]+")


def _width(latex: str) -> float:
    """About how many characters wide ``latex`` renders: commands as one glyph, formatting as none,
    a fraction as its wider part."""
    text = latex
    for _ in range(3):
        text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: max(m.group(1), m.group(2), key=len), text)
    text = _INVISIBLE.sub("", text)
    text = _COMMAND.sub("x", text)
    return len(text)
_MARKS = {
    "proved": r"$\checkmark$\,proved",
    "confirmed": r"$\approx$\,confirmed",
    "refuted": r"\textbf{$\times$\,refuted}",
    "unknown": r"\textbf{?}\,unknown",
}


_WORD_NAME = re.compile(r"([A-Za-z]{2,})((?:_\{[A-Za-z0-9]+\})?)")


def _symbol_names(expr: sp.Basic) -> dict[sp.Symbol, str]:
    r"""Multi-letter names (``lam``, ``kbits``, ``hi``) as ``\mathit{lam}``: one italic word, as in a paper,
    and one name when ``infoproofs verify`` reads it back (a bare ``hi`` is the product h i)."""
    found = {}
    for sym in expr.atoms(sp.Symbol):
        printed = sp.latex(sym)
        word = _WORD_NAME.fullmatch(printed)
        if word is not None:
            found[sym] = rf"\mathit{{{word.group(1)}}}{word.group(2)}"
    return found


class _Printer(LatexPrinter):
    r"""SymPy's LaTeX, with the special functions a paper writes (and ``infoproofs verify`` reads back):
    ``\log \Gamma(a)`` for ``loggamma(a)`` and ``\psi(a)``, ``\psi^{(n)}(a)`` for ``polygamma(n, a)``,
    where SymPy prints ``\operatorname{loggamma}`` and ``\operatorname{polygamma}``."""

    def _print_loggamma(self, expr, exp=None) -> str:
        tex = rf"\log \Gamma\left({self._print(expr.args[0])}\right)"
        return rf"\left({tex}\right)^{{{exp}}}" if exp is not None else tex

    def _print_polygamma(self, expr, exp=None) -> str:
        order, arg = expr.args
        head = r"\psi" if order == 0 else rf"\psi^{{\left({self._print(order)}\right)}}"
        tex = rf"{head}\left({self._print(arg)}\right)"
        return rf"\left({tex}\right)^{{{exp}}}" if exp is not None else tex


def latex_expr(expr: sp.Basic) -> str:
    names = _symbol_names(expr) if isinstance(expr, sp.Basic) else {}
    settings = {"ln_notation": False, **({"symbol_names": names} if names else {})}
    return _Printer(settings).doprint(expr)


def _signed(term: sp.Expr) -> tuple[str, str]:
    """(sign, LaTeX of |term|) for a term of a sum."""
    coeff, _ = term.as_coeff_Mul()
    if coeff.is_Number and coeff < 0:
        return "-", latex_expr(-term)
    return "+", latex_expr(term)


def _pieces(expr: sp.Basic) -> list[str]:
    """Fragments whose concatenation is the LaTeX of ``expr``, with a line break allowed between any two."""
    whole = latex_expr(expr)
    if _width(whole) <= LINE // 2:
        return [whole]
    if isinstance(expr, sp.Add):
        found: list[str] = []
        for i, term in enumerate(sp.Add.make_args(expr)):
            sign, body = _signed(term)
            shown = term if sign == "+" else -term
            if sign == "-" and isinstance(shown, sp.Add):
                # an unevaluated -(x + y): the sum keeps its parentheses, or "- x + y" would be another claim
                inner = [r"\Bigl(", *_pieces(shown), r"\Bigr)"] if _width(body) > LINE else [rf"\left({body}\right)"]
            else:
                inner = _pieces(shown) if _width(body) > LINE else [body]
            head = ("" if sign == "+" else "-") if i == 0 else f"{sign} "
            found.append(head + inner[0])
            found += inner[1:]
        return found
    if isinstance(expr, Expectation):
        head = rf"\mathbb{{E}}_{{{latex_expr(expr.var)} \sim {latex_expr(expr.dist)}}}\Bigl["
        return [head, *_pieces(expr.integrand), r"\Bigr]"]
    if isinstance(expr, sp.Mul):
        coeff, rest = expr.as_coeff_Mul()
        factors = sp.Mul.make_args(rest)
        long = [f for f in factors if isinstance(f, (sp.Add, Expectation)) and _width(latex_expr(f)) > LINE // 2]
        if len(long) == 1:
            (inner,) = long
            others = sp.Mul(coeff, *[f for f in factors if f is not inner])
            prefix = "" if others == 1 else ("-" if others == -1 else _as_factor(others))
            if isinstance(inner, Expectation):
                pieces = _pieces(inner)
                return [prefix + " " + pieces[0], *pieces[1:]]
            return [prefix + r"\Bigl(", *_pieces(inner), r"\Bigr)"]
        if len(factors) > 1 and _width(whole) > LINE:
            # a product of long factors: a line break may fall between two of them
            fragments = [latex_expr(f) if not isinstance(f, sp.Add) else rf"\left({latex_expr(f)}\right)"
                         for f in factors]
            if coeff != 1:
                fragments[0] = ("-" if coeff == -1 else latex_expr(coeff)) + " " + fragments[0]
            return fragments
    return [whole]


def _as_factor(expr: sp.Expr) -> str:
    r"""``expr`` written before a bracket it multiplies: a sum in parentheses, ``\left(a + 1\right)\Bigl(...``,
    never ``a + 1\Bigl(...`` (which is a + (1 times the bracket))."""
    from sympy.printing.precedence import PRECEDENCE, precedence

    text = latex_expr(expr)
    return rf"\left({text}\right)" if precedence(expr) < PRECEDENCE["Mul"] else text


def _lines(fragments: list[str], first_budget: int) -> list[str]:
    lines: list[str] = []
    current = ""
    budget = first_budget
    for fragment in fragments:
        if current and _width(current) + _width(fragment) + 1 > budget:
            lines.append(current)
            current = fragment
            budget = LINE
        else:
            current = f"{current} {fragment}" if current else fragment
    if current:
        lines.append(current)
    return lines


def _assumptions(d: Derivation) -> list[str]:
    parts = []
    for sym in sorted(d.free_symbols(), key=lambda s: s.name):
        domain = d.domains.get(sym) or domain_of(sym)
        if domain is not None and domain.latex(latex_expr(sym)):
            parts.append(domain.latex(latex_expr(sym)))
    exprs = [d.start, *(step.expr for step in d.steps)]
    for matrix in sorted(random_matrices_in(*exprs), key=lambda m: m.name):
        parts.append(matrix.latex_domain())
    parts += [latex_expr(a) for a in d.assumptions]
    return parts


def _decimal(value: sp.Expr) -> str | None:
    """A rational bound as a decimal the parser reads exactly (-0.25), or None when it has no finite one."""
    if not value.is_Rational:
        return None
    q = int(value.q)
    while q % 2 == 0:
        q //= 2
    while q % 5 == 0:
        q //= 5
    if q != 1:
        return None
    text = format(sp.Float(value, 30), "f").rstrip("0").rstrip(".")
    return text or "0"


def _declared_domain(name: str, domain) -> str | None:
    """``name``'s domain as a declaration ``infoproofs verify`` reads, or None when it has no such spelling.

    Only the forms the LaTeX parser declares are written (``> 0``, ``\\in \\mathbb{R}``,
    ``\\in \\mathbb{N}``, ``\\in (lo, hi)``); a device of the checker (the seed of a
    random instance, an outcome index) is left out, so it keeps the parser's default.
    """
    if domain.latex_form is not None:
        return None
    lo, hi = domain.lo, domain.hi
    if domain.integer:
        return rf"{name} \in \mathbb{{N}}" if lo is not None and lo == 0 and hi is None else None
    if lo is None and hi is None:
        return rf"{name} \in \mathbb{{R}}"
    if hi is None:
        return rf"{name} > 0" if lo == 0 else None
    if lo is None:
        return None
    low, high = _decimal(lo), _decimal(hi)
    return rf"{name} \in ({low}, {high})" if low is not None and high is not None else None


def _declarations(d: Derivation) -> list[str]:
    """``% infoproofs:`` lines: every symbol's domain and the derivation's assumptions.

    They make ``infoproofs latex NAME | infoproofs verify -`` check the same claim
    under the same hypotheses as ``infoproofs check NAME``: without them the parser
    would guess each domain from the symbol's name.
    """
    domains = []
    for sym in sorted(d.free_symbols(), key=lambda s: s.name):
        domain = d.domains.get(sym) or domain_of(sym)
        if domain is not None and (found := _declared_domain(latex_expr(sym), domain)) is not None:
            domains.append(found)
    relations = [latex_expr(a) for a in d.assumptions
                 if isinstance(a, (sp.StrictLessThan, sp.StrictGreaterThan, sp.LessThan, sp.GreaterThan))]
    from ..rules.tools import LogGap

    if any(expr.has(LogGap) for expr in (d.start, *(step.expr for step in d.steps))):
        relations.append(r"\phi(u) = u - 1 - \log u")  # how the steps' phi reads back as LogGap
    exprs = [d.start, *(step.expr for step in d.steps)]
    if _euler_gamma_alone(exprs):
        relations.append(r"\gamma \text{ is Euler's constant}")  # SymPy prints EulerGamma as \gamma
    abstract = _abstract_declarations(exprs)
    return [f"% infoproofs: {'; '.join(items)}" for items in (domains + _laws(exprs), relations, abstract) if items]


def _euler_gamma_alone(exprs: list) -> bool:
    r"""Euler's constant appears and no symbol is also printed ``\gamma``: then declaring ``\gamma`` as the
    constant makes it read back as the constant.  With both, no declaration: ``\gamma`` reads as a symbol."""
    basics = [e for e in exprs if isinstance(e, sp.Basic)]
    if not any(e.has(sp.EulerGamma) for e in basics):
        return False
    return not any(latex_expr(sym) == r"\gamma" for e in basics for sym in e.free_symbols)


def _laws(exprs: list) -> list[str]:
    """``X \\sim \\mathcal{N}(0, S)`` for each random variable the steps print: ``I(X; X + Z)`` and
    ``h(cX)`` read back only with their variables' laws.  They go on the domains' line, after them:
    ``verify`` tries each line alone, and ``\\mathcal{N}(0, S)`` needs ``S > 0`` to be a number."""
    from ..notation.random_variables import random_variables_in

    found: set = set()
    for expr in exprs:
        if isinstance(expr, sp.Basic):
            found |= random_variables_in(expr)
    return [rf"{latex_expr(rv)} \sim {latex_expr(rv.distribution)}" for rv in sorted(found, key=lambda r: r.name)]


_VARIABLE = re.compile(r"([a-z]+)(?:_([a-z0-9]+))?")


def _variable_latex(symbol) -> str | None:
    """The outcome symbol ``z_g`` as the variable ``Z_{g}`` a declaration names (the parser lowers it back)."""
    match = _VARIABLE.fullmatch(symbol.name)
    if match is None:
        return None
    base, sub = match.group(1).upper(), match.group(2)
    return base + (f"_{{{sub}}}" if sub else "")


def _family_declaration(name: str) -> str | None:
    """``p(X, Z) \\text{ a density}`` for the catalog family ``name``, over all its variables, so that
    the parser reuses that very family (a uniform marginal is declared too); None for a family whose
    variables have no such spelling."""
    from ..notation.abstract import family, family_latex

    joint = family(name)
    variables = [_variable_latex(v) for v in joint.variables]
    flat = [_variable_latex(v) for v in joint.uniform]
    if None in variables or None in flat:
        return None
    declared = rf"{family_latex(name)}({', '.join(variables)})"
    if flat:
        return rf"{declared} \text{{ a density with uniform }} {', '.join(flat)}"
    return rf"{declared} \text{{ a density}}"


def _abstract_declarations(exprs: list) -> list[str]:
    """Declarations of the abstract densities, functions and random values the steps print.

    Without them ``p(x | z)`` or ``f(t)`` reads back as an undeclared function.  When
    a family cannot be declared, nothing is, so the block reads back as
    unsupported rather than as a claim about another family.
    """
    from ..notation.abstract import AbstractFunction, RandomValue

    names: set[str] = set()
    functions: dict[str, str] = {}
    values: dict[str, object] = {}
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        for node in sp.preorder_traversal(expr):
            family_name = getattr(node, "family", None)
            if isinstance(family_name, str):
                names.add(family_name)
            if isinstance(node, AbstractFunction):
                functions[node.name] = node.shape
            if isinstance(node, RandomValue):
                values[node.name] = node.label
    found = [_family_declaration(name) for name in sorted(names)]
    if None in found:
        return []
    words = {"convex": "convex", "concave": "concave", "any": "a function"}
    found += [rf"{sp.latex(sp.Symbol(n))} \text{{ {words[shape]}}}" for n, shape in sorted(functions.items())]
    for name, label in sorted(values.items()):
        variable = _variable_latex(sp.Symbol(label.name))
        if variable is None:
            return []
        found.append(rf"{sp.latex(sp.Symbol(name))}({variable}) \text{{ a random variable}}")
    others = _other_values(exprs)
    if others is None:
        return []
    return found + others


def _other_values(exprs: list) -> list[str] | None:
    r"""``w \text{ a value of } Z`` for each outcome symbol a density takes at a variable not its own
    (the catalog's ``p(z=w, given=x)``); None when such a value has no spelling the parser reads."""
    from ..notation.abstract import OUTCOME, Density

    found: dict[str, str] = {}
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        for node in sp.preorder_traversal(expr):
            if not isinstance(node, Density):
                continue
            for label, value in (*node.outcomes, *node.given):
                name = str(getattr(label, "name", label))
                if not isinstance(value, sp.Symbol) or value.name == name or domain_of(value) != OUTCOME:
                    continue
                variable = _variable_latex(sp.Symbol(name))
                if variable is None or found.get(value.name, variable) != variable:
                    return None
                found[value.name] = variable
    return [rf"{sp.latex(sp.Symbol(n))} \text{{ a value of }} {v}" for n, v in sorted(found.items())]


_INLINE_MATH = re.compile(r"(?<!\\)\$([^$]*)(?<!\\)\$")


def _not_a_claim(line: str) -> str:
    """Inline ``$...$`` as ``\\(...\\)``: the same typesetting, but ``infoproofs verify`` reads only
    the ``align*`` block, not a title's or the assumptions' restatement of it."""
    return _INLINE_MATH.sub(lambda m: rf"\({m.group(1)}\)", line)


def _justification(step, result) -> str:
    why = rf"by {escape_text(step.rule)}"
    lemma = step.params.get("lemma") if step.rule == "lemma" else None
    if isinstance(lemma, Derivation):
        why += rf" {escape_text(lemma.name)}"  # the catalog derivation it reuses: verify finds it by this name
    if step.note:
        why += f": {note_latex(step.note)}"
    if result is None:
        return why
    why += rf" \hfill {_MARKS[result.verdict]}"
    if result.citation == "mismatch":
        why += (rf"\\ $^\dagger$ the cited rule does not justify this step; it holds by "
                rf"{escape_text(result.justified_by)}")
    if result.verdict == "refuted" and result.counterexample is not None:
        shown = ", ".join(f"{escape_text(str(k))} = {escape_text(str(v))}" for k, v in list(result.counterexample.items())[:8])
        numeric = result.oracles.get("numeric", {})
        why += rf"\\ counterexample: {shown}"
        if numeric.get("lhs") is not None:
            why += rf"; lhs $= {escape_text(str(numeric.get('lhs')))}$, rhs $= {escape_text(str(numeric.get('rhs')))}$"
    if result.verdict == "unknown" and result.reason:
        why += rf"\\ {escape_text(result.reason[:300])}"
    return why


def derivation_latex(d: Derivation, results: list | None = None) -> str:
    """The derivation as an ``align*`` block, preceded by title, source and assumptions.

    ``results`` are the ``StepResult`` of a check (optional): each step is then marked.
    """
    lines = [
        f"% {d.name}: {' '.join(d.title.split())}",
        _not_a_claim(rf"\subsubsection*{{{note_latex(d.title)}}}"),
        rf"\noindent {escape_text(d.source)}.\par",
    ]
    assumptions = _assumptions(d)
    if assumptions:
        lines.append(_not_a_claim("Assumptions: " + ", ".join(f"${a}$" for a in assumptions) + "."))
    lines += _declarations(d)
    lines.append(r"\begin{align*}")
    # flush left: the start on its own line, each step below it, so a wide start never pushes the rest right
    start = _lines(_pieces(d.start), LINE)
    rows = [rf"&{start[0]}"] + [rf"&\qquad\quad {line}" for line in start[1:]]
    for i, step in enumerate(d.steps):
        relation = step.relation.latex
        body = _lines(_pieces(step.expr), LINE - 4)
        rows.append(rf"&\quad {relation} {body[0]}")
        rows += [rf"&\qquad\quad {line}" for line in body[1:]]
        result = results[i] if results is not None and i < len(results) else None
        rows.append(rf"&\qquad\qquad\parbox[t]{{0.8\linewidth}}{{\raggedright\small {_justification(step, result)}}}")
    lines.append(" \\\\\n".join(rows))
    lines.append(r"\end{align*}")
    return "\n".join(lines) + "\n"


def standalone(body: str) -> str:
    return (
        "\\documentclass[11pt]{article}\n\\usepackage{amsmath,amssymb}\n\\usepackage[margin=2cm]{geometry}\n"
        "\\allowdisplaybreaks\n\\begin{document}\n" + body + "\\end{document}\n"
    )
