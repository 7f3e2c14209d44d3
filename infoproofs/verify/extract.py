r"""Find the math in a document: the first step of ``infoproofs verify``.

The document is *text only*.  Nothing is followed (``\input``, ``\include``,
links), nothing is evaluated, and no macro is expanded: a scanner that never
runs the document cannot be tricked by it.  Every pass is a left-to-right
regular-expression scan, and every search for a closing delimiter is bounded
by the next token that could not occur inside the block, so a megabyte of
LaTeX, of garbage or of ``$`` signs is processed in well under a second.

How a document is read
----------------------
1. *Masking.*  Text that must not be read as math (``%`` comments and
   verbatim environments in LaTeX; fenced code, code spans and ``<!-- -->``
   comments in Markdown) is overwritten with a filler character, keeping the
   newlines, so that every offset still points at the same character of the
   file.  Declaration comments (``% infoproofs: ...`` and
   ``<!-- infoproofs: ... -->``) are collected on the way.
2. *Tokens.*  The masked text is cut into the only tokens that matter:
   ``\begin{ENV}`` / ``\end{ENV}`` for the registered environments, ``$$``,
   ``$``, ``\[``, ``\]`` and blank lines.  Escapes (``\$``, ``\\``, ``\%``)
   are consumed first, so ``\$5`` is never a delimiter and ``\\[2pt]`` is a
   line break, not display math.
3. *Blocks.*  Openers are paired with their closers.  A display block can not
   contain a blank line (TeX rejects it, Markdown ends the paragraph there),
   so a blank line, or an opener that cannot nest, ends the search.

Problems never hide the rest of the file
----------------------------------------
A broken block is returned as a :class:`MathBlock` whose ``problem`` says
what is wrong and names the line; scanning then resumes, so every well-formed
block after it is still returned and checked:

* an environment, ``$$`` or ``\[`` that is never closed: ``body`` runs from
  the opener to the blank line (or the opener that cannot nest, or the end of
  the file) where the search stopped, cut to :data:`UNTERMINATED_LIMIT`
  characters, and scanning resumes there;
* ``\begin{align} ... \end{equation}``: the block ends at the wrong
  ``\end`` and scanning resumes after it;
* unbalanced braces inside an otherwise delimited block.

:class:`ExtractError` is raised only when no math in the file can be trusted
(a binary file); :func:`raise_on_problem` turns the first problem of a list of
blocks into an :class:`ExtractError` for callers that want to stop.

Other decisions
---------------
* ``gather`` yields one block per ``\\``-separated line (the lines are
  independent claims); ``align``, ``equation``, ``multline`` and ``eqnarray``
  stay whole, because their lines are steps of one derivation.
* ``$$ \begin{align} ... \end{align} $$`` (MathJax style) is reported as the
  inner ``align``, so the parser gets its steps.
* Inline ``$...$`` is kept only when it states a relation (:func:`has_relation`).
  In LaTeX every ``$`` pairs with the next; in Markdown and plain text the
  Pandoc rule applies (an opening ``$`` is followed by a non-space, a closing
  one is preceded by a non-space and not followed by a digit) so that
  "``$5 and $10``" is prose.
* ``body`` is the text between the delimiters with masked characters (comments
  inside the block) replaced by spaces: same length, so :func:`line_of` maps
  any body offset to the file.  Whitespace-only blocks are dropped.
* In LaTeX with a ``\begin{document}``, math in the preamble (macro
  definitions such as ``\newcommand{\be}{\begin{equation}}``) is ignored.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import NamedTuple

__all__ = [
    "ENVIRONMENTS",
    "ExtractError",
    "MathBlock",
    "UNTERMINATED_LIMIT",
    "claim_block",
    "extract_blocks",
    "guess_kind",
    "has_relation",
    "line_of",
    "raise_on_problem",
]

#: How much of an unterminated block is kept as its body (it is reported, never parsed).
UNTERMINATED_LIMIT = 2000


class ExtractError(ValueError):
    """A document problem that stops extraction of one block or the file, with file:line in the message."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(f"{file}:{line}: {message}")

    def __reduce__(self) -> tuple[type[ExtractError], tuple[str, int, str]]:
        # Keeps the error picklable (worker processes) despite the custom signature.
        return (type(self), (self.file, self.line, self.message))


@dataclass
class MathBlock:
    """One piece of math found in a document, located in the file."""

    file: str
    line: int
    column: int
    environment: str
    body: str
    label: str | None
    declarations: tuple[str, ...]
    problem: str | None = None


# ---------------------------------------------------------------------------
# The environment registry
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Environment:
    """How the claims of one display environment are cut out of its body."""

    name: str
    one_claim_per_line: bool = False


def _registry(*envs: Environment) -> dict[str, Environment]:
    return {env.name: env for env in envs}


#: The display environments that hold claims, by name (``\begin{NAME}``).
ENVIRONMENTS: dict[str, Environment] = _registry(
    Environment("equation"),
    Environment("equation*"),
    Environment("align"),
    Environment("align*"),
    Environment("gather", one_claim_per_line=True),
    Environment("gather*", one_claim_per_line=True),
    Environment("multline"),
    Environment("multline*"),
    Environment("eqnarray"),
    Environment("eqnarray*"),
)


# ---------------------------------------------------------------------------
# Small public helpers
# ---------------------------------------------------------------------------

_KINDS_BY_SUFFIX = {".tex": "tex", ".ltx": "tex", ".md": "md", ".markdown": "md"}
_KINDS = ("tex", "md", "txt")


def guess_kind(file: str) -> str:
    """``tex``, ``md`` or ``txt`` from the file name; anything unknown (``-``, ``<claim>``) is ``txt``."""
    return _KINDS_BY_SUFFIX.get(PurePath(file).suffix.lower(), "txt")


_RELATION_COMMANDS = frozenset({"le", "leq", "ge", "geq", "leqslant", "geqslant", "lt", "gt"})
_RELATION_SCAN = re.compile(r"\\([A-Za-z]+)|\\.|[{}()=<>]", re.S)
_GROUP_DEPTH = {"{": 1, "}": -1, "(": 1, ")": -1}


def has_relation(math: str) -> bool:
    r"""Whether ``math`` states a relation (``=``, ``<``, ``\le``, ...) outside every brace or parenthesis.

    Inline math is mostly notation (``$x$``, ``$p(x)$``); only a relation at
    the top level is a claim.  A relation inside braces belongs to a
    subscript, a ``\text{...}`` or a set, and one inside parentheses to an
    event (``$P(X = x)$``): neither claims anything.  Depths never go below
    zero, so a half-open interval ``[0, 1)`` hides nothing after it.
    """
    braces = parentheses = 0
    for match in _RELATION_SCAN.finditer(math):
        token = match.group()
        if token in "{}":
            braces = max(braces + _GROUP_DEPTH[token], 0)
        elif token in "()":
            parentheses = max(parentheses + _GROUP_DEPTH[token], 0)
        elif braces == 0 and parentheses == 0 and (token in "=<>" or match.group(1) in _RELATION_COMMANDS):
            return True
    return False


def line_of(block: MathBlock, offset: int) -> tuple[int, int]:
    """The (line, column) in the file of character ``offset`` of ``block.body``.

    The body is an unshifted copy of the file's text, so counting its newlines
    is enough; an offset past the end (a parser's "unexpected end") is the
    position just after the body.
    """
    offset = min(max(offset, 0), len(block.body))
    prefix = block.body[:offset]
    newlines = prefix.count("\n")
    if newlines == 0:
        return block.line, block.column + offset
    return block.line + newlines, offset - prefix.rfind("\n")


def raise_on_problem(blocks: Iterable[MathBlock]) -> None:
    """Raise an :class:`ExtractError` for the first block with a problem (for callers that stop on bad input)."""
    for block in blocks:
        if block.problem:
            raise ExtractError(block.file, block.line, block.problem)


def claim_block(text: str, file: str = "<claim>", declarations: tuple[str, ...] = ()) -> MathBlock:
    """A command-line ``--claim``: the whole text is one block at line 1, column 1."""
    block = MathBlock(file, 1, 1, "claim", text, _label_of(text), tuple(declarations))
    block.problem = _brace_problem(block)
    return block


# ---------------------------------------------------------------------------
# Positions
# ---------------------------------------------------------------------------


class _Lines:
    """Offset -> (line, column) for one text, by bisection on its newline offsets."""

    def __init__(self, text: str) -> None:
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_left(self._newlines, offset)
        start = self._newlines[index - 1] + 1 if index else 0
        return index + 1, offset - start + 1


# ---------------------------------------------------------------------------
# Step 1: masking
# ---------------------------------------------------------------------------

#: Overwrites masked characters; the input may not contain it (see ``_reject_binary``).
_FILL = "\x00"
_DECLARATION = re.compile(r"\A\s*infoproofs\s*:(.*)\Z", re.S | re.I)


class _Masked(NamedTuple):
    text: str
    declarations: list[tuple[int, str]]  # (offset of the comment, text after "infoproofs:")


class _Masker:
    """Collects the spans to blank out and the declarations found in them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = []
        self.declarations: list[tuple[int, str]] = []

    def mask(self, start: int, end: int) -> int:
        self.spans.append((start, end))
        return end

    def comment(self, start: int, end: int, inner: str) -> int:
        """Blank a comment out; keep it as a declaration when it is one."""
        match = _DECLARATION.match(inner)
        if match and match.group(1).strip():
            self.declarations.append((start, match.group(1).strip()))
        return self.mask(start, end)

    def result(self) -> _Masked:
        pieces: list[str] = []
        last = 0
        for start, end in self.spans:
            pieces.append(self.text[last:start])
            pieces.append(re.sub(r"[^\n]", _FILL, self.text[start:end]))
            last = end
        pieces.append(self.text[last:])
        return _Masked("".join(pieces), self.declarations)


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


_TEX_MASK = re.compile(
    r"\\verb\*?(?P<delim>[^A-Za-z\s*])"
    r"|\\begin\s*\{(?P<verbatim>verbatim\*?|Verbatim\*?|lstlisting|minted|comment)\}"
    r"|\\[\\%]"
    r"|(?P<percent>%+)"
)


def _mask_tex(text: str) -> _Masked:
    r"""Blank out ``%`` comments (``\%`` is a percent sign), ``\verb`` and verbatim-like environments."""
    masker = _Masker(text)
    pos = 0
    while (m := _TEX_MASK.search(text, pos)) is not None:
        if m.group("percent"):
            end = _line_end(text, m.end())
            pos = masker.comment(m.start(), end, text[m.end() : end])
        elif m.group("delim"):
            stop = text.find(m.group("delim"), m.end(), _line_end(text, m.end()))
            pos = masker.mask(m.start(), stop + 1 if stop >= 0 else _line_end(text, m.end()))
        elif m.group("verbatim"):
            close = f"\\end{{{m.group('verbatim')}}}"
            stop = text.find(close, m.end())
            pos = masker.mask(m.start(), stop + len(close) if stop >= 0 else len(text))
        else:
            pos = m.end()
    return masker.result()


class _MarkdownFeatures(NamedTuple):
    code_spans: bool
    percent_lines: bool


_MD_MASK = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})"
    r"|(?P<html><!--)"
    r"|^[ \t]*(?P<percent>%+)"
    r"|(?P<ticks>`+)",
    re.M,
)
_BLANK_LINE = re.compile(r"\n[ \t\r]*(?=\n)")


class _MarkdownMasker(_Masker):
    """Markdown (and plain text): fenced code, ``<!-- -->`` comments, code spans, ``%`` comment lines."""

    def __init__(self, text: str, features: _MarkdownFeatures) -> None:
        super().__init__(text)
        self.features = features
        self._no_comment_close_after = len(text) + 1
        # Code spans: the closing run has the opener's exact length and lies in the same paragraph.
        self._runs: dict[int, list[int]] = {}
        for run in re.finditer(r"`+", text):
            self._runs.setdefault(len(run.group()), []).append(run.start())
        self._paragraph_ends = [m.start() for m in _BLANK_LINE.finditer(text)]

    def run(self) -> _Masked:
        pos = 0
        while (m := _MD_MASK.search(self.text, pos)) is not None:
            pos = self._step(m)
        return self.result()

    def _step(self, m: re.Match[str]) -> int:
        if m.group("fence"):
            return self._fence(m)
        if m.group("html"):
            return self._html_comment(m)
        if m.group("percent"):
            if not self.features.percent_lines:
                return m.end()
            end = _line_end(self.text, m.end())
            return self.comment(m.start("percent"), end, self.text[m.end() : end])
        if not self.features.code_spans:
            return m.end()
        return self._code_span(m)

    def _fence(self, m: re.Match[str]) -> int:
        """A fenced code block runs to a closing fence of the same character, or to the end (CommonMark)."""
        fence = m.group("fence")
        body_start = _line_end(self.text, m.end())
        closer = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*\r?$", re.M)
        close = closer.search(self.text, body_start + 1) if body_start < len(self.text) else None
        return self.mask(m.start("fence"), close.end() if close else len(self.text))

    def _html_comment(self, m: re.Match[str]) -> int:
        """A comment without ``-->`` is left as text, so a typo cannot hide the rest of the file."""
        if m.start() >= self._no_comment_close_after:
            return m.end()
        stop = self.text.find("-->", m.end())
        if stop < 0:
            self._no_comment_close_after = m.start()
            return m.end()
        return self.comment(m.start(), stop + 3, self.text[m.end() : stop])

    def _code_span(self, m: re.Match[str]) -> int:
        length = len(m.group("ticks"))
        starts = self._runs.get(length, [])
        index = bisect_left(starts, m.end())
        if index == len(starts):
            return m.end()
        close = starts[index]
        paragraph = bisect_left(self._paragraph_ends, m.start())
        if paragraph < len(self._paragraph_ends) and self._paragraph_ends[paragraph] < close:
            return m.end()
        return self.mask(m.start(), close + length)


def _mask_markdown(text: str) -> _Masked:
    return _MarkdownMasker(text, _MarkdownFeatures(code_spans=True, percent_lines=False)).run()


def _mask_plain(text: str) -> _Masked:
    """Plain text may be either: Markdown comments and fences, and whole-line ``%`` comments.

    Only whole lines: a ``%`` inside a sentence ("50% of", a URL) is a percent sign.
    """
    return _MarkdownMasker(text, _MarkdownFeatures(code_spans=False, percent_lines=True)).run()


# ---------------------------------------------------------------------------
# Step 2: tokens
# ---------------------------------------------------------------------------

BEGIN, END, DOLLARS, DOLLAR, OPEN_BRACKET, CLOSE_BRACKET, PARAGRAPH = range(7)

_TOKEN = re.compile(
    r"\\begin[ \t]*\{(?P<begin>[A-Za-z]+\*?)\}"
    r"|\\end[ \t]*\{(?P<end>[A-Za-z]+\*?)\}"
    r"|(?P<open>\\\[)"
    r"|(?P<close>\\\])"
    r"|\\."
    r"|(?P<dollars>\$\$)"
    r"|(?P<dollar>\$)"
    r"|(?P<paragraph>\n[ \t\r]*(?=\n))",
    re.S,
)
_SIMPLE_TOKENS = {
    "open": OPEN_BRACKET,
    "close": CLOSE_BRACKET,
    "dollars": DOLLARS,
    "dollar": DOLLAR,
    "paragraph": PARAGRAPH,
}


class _Token(NamedTuple):
    kind: int
    start: int
    end: int
    name: str = ""


def _tokenize(masked: str, start: int, stop: int) -> list[_Token]:
    """The delimiter tokens of ``masked[start:stop]``; unregistered environments are plain text."""
    tokens: list[_Token] = []
    for m in _TOKEN.finditer(masked, start, stop):
        group = m.lastgroup
        kind = _SIMPLE_TOKENS.get(group)  # type: ignore[arg-type]
        if kind is not None:
            tokens.append(_Token(kind, *m.span()))
        elif group is not None and m.group(group) in ENVIRONMENTS:  # not an escape such as \$ or \\
            tokens.append(_Token(BEGIN if group == "begin" else END, *m.span(), m.group(group)))
    return tokens


def _document_range(masked: str, kind: str) -> tuple[int, int]:
    r"""In LaTeX, only ``\begin{document} ... \end{document}`` holds claims, when present."""
    if kind != "tex":
        return 0, len(masked)
    begin = re.search(r"\\begin[ \t]*\{document\}", masked)
    if begin is None:
        return 0, len(masked)
    end = re.compile(r"\\end[ \t]*\{document\}").search(masked, begin.end())
    return begin.end(), end.start() if end else len(masked)


# ---------------------------------------------------------------------------
# Step 3: blocks
# ---------------------------------------------------------------------------

_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
_BRACES = re.compile(r"\\.|[{}]", re.S)
_GATHER_SCAN = re.compile(
    r"(?P<newline>\\\\\*?(?:[ \t]*\[[^\]\n]*\])?)"
    r"|(?P<open>\\begin\s*\{[^{}]*\}|\{)"
    r"|(?P<close>\\end\s*\{[^{}]*\}|\})"
    r"|\\.",
    re.S,
)


def _label_of(body: str) -> str | None:
    match = _LABEL.search(body)
    return match.group(1).strip() if match else None


def _brace_problem(block: MathBlock) -> str | None:
    r"""Name the first unbalanced brace of the block (``\{`` and ``\}`` are escaped, not groups)."""
    opened: list[int] = []
    for m in _BRACES.finditer(block.body):
        if m.group() == "{":
            opened.append(m.start())
        elif m.group() == "}":
            if not opened:
                line, column = line_of(block, m.start())
                return f"unbalanced braces: '}}' at line {line}, column {column} closes nothing"
            opened.pop()
    if opened:
        line, column = line_of(block, opened[-1])
        return f"unbalanced braces: '{{' at line {line}, column {column} is never closed"
    return None


def _gather_lines(body: str) -> list[tuple[int, int]]:
    r"""The (start, end) of each ``\\``-separated line of a gather body, outside braces and inner environments."""
    lines: list[tuple[int, int]] = []
    depth, start = 0, 0
    for m in _GATHER_SCAN.finditer(body):
        if m.group("open"):
            depth += 1
        elif m.group("close"):
            depth = max(depth - 1, 0)
        elif m.group("newline") and depth == 0:
            lines.append((start, m.start()))
            start = m.end()
    lines.append((start, len(body)))
    return lines


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_OPENER_NAMES = {DOLLARS: "$$", OPEN_BRACKET: "\\[", DOLLAR: "$"}
_CLOSER_NAMES = {DOLLARS: "$$", CLOSE_BRACKET: "\\]", DOLLAR: "$"}
# What ends the search for a closer, by opener: tokens that cannot occur inside that block.
_DISPLAY_STOPS = {
    BEGIN: frozenset({BEGIN, DOLLARS, OPEN_BRACKET, CLOSE_BRACKET, PARAGRAPH}),
    DOLLARS: frozenset({OPEN_BRACKET, CLOSE_BRACKET, PARAGRAPH}),
    OPEN_BRACKET: frozenset({DOLLARS, OPEN_BRACKET, PARAGRAPH}),
}
_DISPLAY_CLOSERS = {DOLLARS: DOLLARS, OPEN_BRACKET: CLOSE_BRACKET}
_INLINE_STOPS = frozenset({BEGIN, END, DOLLARS, OPEN_BRACKET, CLOSE_BRACKET, PARAGRAPH})


def _pandoc_opener(masked: str, token: _Token) -> bool:
    return token.end < len(masked) and not masked[token.end].isspace()


def _pandoc_closer(masked: str, token: _Token) -> bool:
    before_ok = token.start > 0 and not masked[token.start - 1].isspace()
    return before_ok and not (token.end < len(masked) and masked[token.end].isdigit())


def _any_dollar(masked: str, token: _Token) -> bool:
    return True


class _InlineRule(NamedTuple):
    """How ``$`` pairs in one kind of document (TeX: always; Markdown: the Pandoc rule)."""

    opener: Callable[[str, _Token], bool]
    closer: Callable[[str, _Token], bool]
    report_unclosed: bool  # in TeX an unclosed $ is an error; in Markdown it is a dollar sign


_INLINE_RULES = {
    "tex": _InlineRule(_any_dollar, _any_dollar, report_unclosed=True),
    "md": _InlineRule(_pandoc_opener, _pandoc_closer, report_unclosed=False),
    "txt": _InlineRule(_pandoc_opener, _pandoc_closer, report_unclosed=False),
}


class _Scanner:
    """Pairs the tokens of one masked document into blocks, recovering after every problem."""

    def __init__(self, file: str, masked: _Masked, tokens: list[_Token], kind: str) -> None:
        self.file = file
        self.text = masked.text
        self.tokens = tokens
        self.lines = _Lines(masked.text)
        self.rule = _INLINE_RULES[kind]
        self.blocks: list[MathBlock] = []
        self._declarations = masked.declarations
        self._seen = 0
        self._seen_tuple: tuple[str, ...] = ()
        self._next_closer, self._next_inline_stop = self._inline_tables()

    # -- driving -------------------------------------------------------------

    def run(self) -> list[MathBlock]:
        handlers = {BEGIN: self._environment, DOLLARS: self._display, OPEN_BRACKET: self._display, DOLLAR: self._inline}
        i = 0
        while i < len(self.tokens):
            handler = handlers.get(self.tokens[i].kind)
            # Stray closers and blank lines outside math are text.
            i = handler(i) if handler else i + 1
        return self.blocks

    def _search(self, i: int, closes: Callable[[_Token], bool], stops: frozenset[int]) -> tuple[int, bool]:
        """Index of the closer of token ``i`` (True) or of the token that ends the search (False)."""
        for j in range(i + 1, len(self.tokens)):
            token = self.tokens[j]
            if closes(token):
                return j, True
            if token.kind in stops:
                return j, False
        return len(self.tokens), False

    def _stop_offset(self, j: int) -> int:
        return self.tokens[j].start if j < len(self.tokens) else len(self.text)

    # -- the three kinds of opener --------------------------------------------

    def _environment(self, i: int) -> int:
        opener = self.tokens[i]
        j, closed = self._search(i, lambda t: t.kind == END, _DISPLAY_STOPS[BEGIN])
        begin = f"\\begin{{{opener.name}}}"
        if closed and self.tokens[j].name == opener.name:
            self._add(opener, ENVIRONMENTS[opener.name], opener.end, self.tokens[j].start)
            return j + 1
        if closed:
            line = self.lines.position(self.tokens[j].start)[0]
            problem = f"{begin} at line {self._line(opener)} is closed by \\end{{{self.tokens[j].name}}} at line {line}"
            self._add_problem(opener, opener.name, self.tokens[j].start, problem)
            return j + 1
        self._add_problem(
            opener, opener.name, self._stop_offset(j), self._unclosed(begin, f"\\end{{{opener.name}}}", opener, j)
        )
        return j

    def _display(self, i: int) -> int:
        opener = self.tokens[i]
        closer_kind = _DISPLAY_CLOSERS[opener.kind]
        j, closed = self._search(i, lambda t: t.kind == closer_kind, _DISPLAY_STOPS[opener.kind])
        name = _OPENER_NAMES[opener.kind]
        if not closed:
            self._add_problem(
                opener, name, self._stop_offset(j), self._unclosed(name, _CLOSER_NAMES[closer_kind], opener, j)
            )
            return j
        inner = self._wrapped_environment(i, j) if j > i + 2 else None
        if inner is None:
            self._add(opener, Environment(name), opener.end, self.tokens[j].start)
        else:
            begin, end = inner
            self._add(opener, ENVIRONMENTS[begin.name], begin.end, end.start)
        return j + 1

    def _inline(self, i: int) -> int:
        opener = self.tokens[i]
        if not self.rule.opener(self.text, opener):
            return i + 1
        j, stop = self._next_closer[i], self._next_inline_stop[i]
        if j < stop:
            self._add_inline(opener, self.tokens[j].start)
            return j + 1
        if not self.rule.report_unclosed:
            return i + 1  # a dollar sign
        if stop < len(self.tokens) and self.tokens[stop].kind == DOLLARS:
            # TeX: in inline math, "$$" is the closing "$" and the next opening one ("$a$$b$").
            double = self.tokens[stop]
            self._add_inline(opener, double.start)
            self.tokens[stop] = _Token(DOLLAR, double.start + 1, double.end)
            return stop
        end = self._stop_offset(stop)
        if has_relation(self.text[opener.end : end].replace(_FILL, " ")):
            self._add_problem(opener, "$", end, self._unclosed("$", "$", opener, stop))
        return stop

    # -- helpers -----------------------------------------------------------------

    def _add_inline(self, opener: _Token, end: int) -> None:
        """Inline math is a claim only when it states a relation; ``$x$`` is notation."""
        if has_relation(self.text[opener.end : end].replace(_FILL, " ")):
            self._add(opener, Environment("$"), opener.end, end)

    def _inline_tables(self) -> tuple[list[int], list[int]]:
        """For each token, the index of the next ``$`` that may close inline math and of the next stop.

        Precomputed backwards so that a paragraph full of unpaired dollars is still linear.
        """
        n = len(self.tokens)
        next_closer, next_stop = [n] * (n + 1), [n] * (n + 1)
        for k in range(n - 1, -1, -1):
            token = self.tokens[k]
            closes = token.kind == DOLLAR and self.rule.closer(self.text, token)
            next_closer[k] = k if closes else next_closer[k + 1]
            next_stop[k] = k if token.kind in _INLINE_STOPS else next_stop[k + 1]
        return next_closer[1:] + [n], next_stop[1:] + [n]

    def _wrapped_environment(self, i: int, j: int) -> tuple[_Token, _Token] | None:
        r"""``$$ \begin{align} ... \end{align} $$``: the inner environment's tokens, when that is all there is."""
        inside = [t for t in self.tokens[i + 1 : j] if t.kind in (BEGIN, END)]
        if len(inside) != 2 or inside[0].kind != BEGIN or inside[1].kind != END or inside[0].name != inside[1].name:
            return None
        begin, end = inside
        outer_start, outer_end = self.tokens[i].end, self.tokens[j].start
        around = self.text[outer_start : begin.start] + self.text[end.end : outer_end]
        if around.replace(_FILL, " ").strip():
            return None
        return begin, end

    def _line(self, token: _Token) -> int:
        return self.lines.position(token.start)[0]

    def _unclosed(self, opener_name: str, closer_name: str, opener: _Token, j: int) -> str:
        where = self._stop_description(j)
        return f"{opener_name} at line {self._line(opener)} is never closed: no {closer_name} before {where}"

    def _stop_description(self, j: int) -> str:
        if j >= len(self.tokens):
            return "the end of the file"
        token = self.tokens[j]
        line = self._line(token) + (1 if token.kind == PARAGRAPH else 0)
        if token.kind == PARAGRAPH:
            return f"the blank line at line {line}"
        what = f"\\begin{{{token.name}}}" if token.kind == BEGIN else _OPENER_NAMES.get(token.kind, "\\]")
        return f"{what} at line {line}"

    def _declarations_before(self, offset: int) -> tuple[str, ...]:
        """Every declaration before ``offset`` (blocks come in file order, so this only moves forward)."""
        count = self._seen
        while count < len(self._declarations) and self._declarations[count][0] < offset:
            count += 1
        if count != self._seen:
            self._seen = count
            self._seen_tuple = tuple(text for _, text in self._declarations[:count])
        return self._seen_tuple

    def _block(self, opener: _Token, environment: str, start: int, end: int) -> MathBlock:
        body = self.text[start:end].replace(_FILL, " ")
        line, column = self.lines.position(start)
        declarations = self._declarations_before(opener.start)
        return MathBlock(self.file, line, column, environment, body, _label_of(body), declarations)

    def _add(self, opener: _Token, environment: Environment, start: int, end: int) -> None:
        if not self.text[start:end].replace(_FILL, " ").strip():
            return  # nothing to check ("$$ $$", an empty equation)
        block = self._block(opener, environment.name, start, end)
        block.problem = _brace_problem(block)
        if environment.one_claim_per_line and block.problem is None:
            self._add_lines(opener, environment, start, block.body)
        else:
            self.blocks.append(block)

    def _add_lines(self, opener: _Token, environment: Environment, start: int, body: str) -> None:
        for line_start, line_end in _gather_lines(body):
            first, last = _strip_span(body, line_start, line_end)
            if first < last:
                self.blocks.append(self._block(opener, environment.name, start + first, start + last))

    def _add_problem(self, opener: _Token, environment: str, end: int, problem: str) -> None:
        end = min(end, opener.end + UNTERMINATED_LIMIT)
        block = self._block(opener, environment, opener.end, end)
        block.problem = problem
        self.blocks.append(block)


# ---------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------

_MASKERS: dict[str, Callable[[str], _Masked]] = {"tex": _mask_tex, "md": _mask_markdown, "txt": _mask_plain}


def _reject_binary(text: str, file: str) -> None:
    """A NUL character means this is not a text document: nothing in it can be trusted as math."""
    nul = text.find(_FILL)
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ExtractError(file, line, "not a text document (it contains a NUL character)")


def extract_blocks(text: str, file: str = "<text>", kind: str | None = None) -> list[MathBlock]:
    """Every math block of ``text`` in file order; see the module docstring for the rules.

    ``kind`` is ``"tex"``, ``"md"`` or ``"txt"``; ``None`` guesses it from ``file``.
    Broken blocks come back with ``problem`` set; :class:`ExtractError` is
    raised only for a document that is not text at all.
    """
    kind = guess_kind(file) if kind is None else kind
    if kind not in _MASKERS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {', '.join(_KINDS)}")
    _reject_binary(text, file)
    masked = _MASKERS[kind](text)
    start, stop = _document_range(masked.text, kind)
    return _Scanner(file, masked, _tokenize(masked.text, start, stop), kind).run()
