"""Step notes in LaTeX: the mathematics in a note typeset as mathematics, the words as text.

Notes are plain ASCII written by derivation authors: ``E[x] = mu, E[x^2] =
mu^2 + sigma^2 under p``.  Printed verbatim they show ``E[x\\textasciicircum{}2]``;
here each note is cut into runs of mathematical tokens (single letters,
Greek names, numbers, operators, ``E[...]``, ``log``, subscripts) and runs of
words, and each math run becomes ``$...$`` (``x^2`` -> ``x^{2}``, ``mu`` ->
``\\mu``, ``>=`` -> ``\\ge``), each word run escaped text.  A note that already
contains ``$...$`` is taken as LaTeX the author wrote.
"""

from __future__ import annotations

import re

__all__ = ["note_latex", "escape_text"]

_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
    "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
    "|": r"\textbar{}",
}


def escape_text(text: str) -> str:
    """Text for LaTeX's text mode: every special character escaped (``<=`` is not ``¡=``).

    Characters plain pdflatex cannot set (outside Latin-1: CJK titles, say) are
    left out; the citations give an English title beside them.
    """
    return "".join(_ESCAPES.get(ch, ch) for ch in text if ord(ch) < 256 or ch in "–—‘’“”")


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
    "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Sigma",
    "Phi", "Psi", "Omega",
}
_FUNCTIONS = {"log": r"\log", "exp": r"\exp", "det": r"\det", "tr": r"\operatorname{tr}", "sqrt": r"\sqrt",
              "Var": r"\operatorname{Var}", "KL": r"\mathrm{KL}", "log2": r"\log_2", "lim": r"\lim", "max": r"\max",
              "min": r"\min", "sup": r"\sup", "inf": r"\inf", "cos": r"\cos", "sin": r"\sin"}
_MATH_WORDS = _GREEK | set(_FUNCTIONS) | {"E", "H", "I", "h", "N", "T", "abar", "ELBO", "Bern", "Laplace"}
_TOKEN = re.compile(r"\s+|[A-Za-z][A-Za-z0-9]*(?:_\{[^}]*\}|_[A-Za-z0-9]+)*(?:\^[A-Za-z0-9]+)?|\d+(?:\.\d+)?|"
                    r"\|\||>=|<=|!=|\^\([^)]*\)|\^\{[^}]*\}|\^-?[A-Za-z0-9]+|.", re.S)
_OPERATORS = set("=+-*/<>|^~") | {">=", "<=", "!=", "||"}
_BRACKETS = set("()[],")


def _is_math(token: str) -> bool | None:
    """True for a mathematical token, False for a word, None for brackets (they follow their neighbours)."""
    if token.isspace():
        return False
    if token in _BRACKETS:
        return None
    if token in _OPERATORS or token.startswith("^") or re.fullmatch(r"\d+(\.\d+)?", token):
        return True
    word = re.match(r"[A-Za-z]+", token)
    if word is None:
        return False
    stem = word.group(0)
    if re.fullmatch(r"[A-Za-z]{2,}(_[A-Za-z]{3,})+", token) and stem not in _MATH_WORDS:
        return False  # an identifier such as kl_normal, not a subscripted symbol
    if "_" in token or stem in _MATH_WORDS or stem + re.sub(r"\D", "", token) in _MATH_WORDS:
        return True
    # single letters and letter+digits (x, mu1, S1, b2) are symbols; longer words are English
    return len(stem) == 1 or (len(stem) <= 2 and token[len(stem):].isdigit() and token != stem)


def _symbol(token: str) -> str:
    match = re.fullmatch(r"([A-Za-z]+)(\d*)((?:_\{[^}]*\}|_[A-Za-z0-9]+)*)(\^[A-Za-z0-9]+)?", token)
    if match is None:
        return token
    stem, digits, subscripts, power = match.groups()
    base = _FUNCTIONS.get(stem + digits) or _FUNCTIONS.get(stem)
    if base is not None and not digits:
        out = base
    elif stem in _GREEK:
        out = "\\" + stem
    elif stem == "abar":
        out = r"\bar{\alpha}"
    elif stem == "E" and not digits:
        out = r"\mathbb{E}"
    elif len(stem) > 1 and stem not in _MATH_WORDS:
        out = rf"\mathrm{{{stem}}}"
    else:
        out = stem
    if digits:
        out += f"_{{{digits}}}"
    for sub in re.findall(r"_\{([^}]*)\}|_([A-Za-z0-9]+)", subscripts or ""):
        inner = sub[0] or sub[1]
        if "_" in out:
            out = f"{{{out}}}"  # S1_ij: {S_1}_{ij}, not a double subscript
        out += f"_{{{_math(inner)}}}"
    if power:
        out += f"^{{{power[1:]}}}"
    return out


def _math(text: str) -> str:
    out = []
    tokens = _TOKEN.findall(text)
    for i, token in enumerate(tokens):
        if token == "*":
            after = tokens[i + 1] if i + 1 < len(tokens) else " "
            before = tokens[i - 1] if i > 0 else " "
            if re.match(r"[A-Za-z]", before) and (after.isspace() or after in "(),"):
                out.append("^{*}")  # D*(x), D* = ...: a star, not a product
                continue
        if token.isspace():
            out.append(" ")
        elif token == ">=":
            out.append(r"\ge ")
        elif token == "<=":
            out.append(r"\le ")
        elif token == "!=":
            out.append(r"\ne ")
        elif token == "*":
            out.append(r"\, ")  # a product
        elif token.startswith("^(") or token.startswith("^{"):
            out.append("^{" + _math(token[2:-1]) + "}")
        elif token.startswith("^"):
            out.append("^{" + _math(token[1:]) + "}")
        elif token in "{}":
            out.append("\\" + token)
        elif token == "||":
            out.append(r"\,\|\, ")
        elif token == "|":
            out.append("|")
        elif token == "~":
            out.append(r"\sim ")
        elif token == "\\":
            out.append(r"\backslash ")
        elif token in "%#&$":
            out.append("\\" + token)
        elif re.match(r"[A-Za-z]", token):
            out.append(_symbol(token))
        elif token == ",":
            out.append(r",\allowbreak ")
        else:
            out.append(token)
    return "".join(out).strip()


def note_latex(note: str) -> str:
    """The note for ``\\text{...}``: math runs as ``$...$``, word runs escaped."""
    if not note:
        return ""
    if "$" in note:
        return note  # the author wrote LaTeX
    tokens = _TOKEN.findall(note)
    kinds = [None if t.isspace() else _is_math(t) for t in tokens]
    # brackets belong to the math they touch: math if the next non-space token is math, else text
    for i, token in enumerate(tokens):
        if token in _BRACKETS:
            after = next((kinds[j] for j in range(i + 1, len(tokens)) if kinds[j] is not None and
                          tokens[j] not in _BRACKETS), False)
            before = next((kinds[j] for j in range(i - 1, -1, -1) if kinds[j] is not None and
                           tokens[j] not in _BRACKETS), False)
            kinds[i] = bool(after) if token in "([" else bool(before)
    for i, token in enumerate(tokens):
        if token == "a" and kinds[i]:
            after = next((tokens[j] for j in range(i + 1, len(tokens)) if not tokens[j].isspace()), "")
            if re.fullmatch(r"[A-Za-z]{3,}", after) and not _is_math(after):
                kinds[i] = False  # the article: "a sum of", not the symbol a
    runs: list[tuple[bool, list[str]]] = []
    for token, kind in zip(tokens, kinds):
        if kind is None:
            if runs:
                runs[-1][1].append(token)
            continue
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(token)
        else:
            runs.append((kind, [token]))
    out = []
    for is_math, parts in runs:
        text = "".join(parts)
        stripped = text.rstrip()
        trailing = text[len(stripped):]
        if is_math and re.search(r"[=<>^_\[\]()+*/-]|\d|[A-Za-z]", stripped):
            body = stripped.rstrip(",;")
            tail = stripped[len(body):]
            out.append(f"${_math(body)}${escape_text(tail)}{trailing}")
        else:
            out.append(escape_text(text))
    return "".join(out)
