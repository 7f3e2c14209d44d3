r"""Finding the math in documents: what is taken, what is skipped, and where it is in the file."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infoproofs.verify.extract import (
    UNTERMINATED_LIMIT,
    ExtractError,
    MathBlock,
    claim_block,
    extract_blocks,
    guess_kind,
    has_relation,
    line_of,
    raise_on_problem,
)


def position(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """(line, column) of ``needle`` in ``text``, computed independently of the extractor."""
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def bodies(blocks: list[MathBlock]) -> list[str]:
    return [b.body.strip() for b in blocks]


# ---------------------------------------------------------------------------
# LaTeX
# ---------------------------------------------------------------------------

TEX = r"""\documentclass{article}
\newcommand{\be}{\begin{equation}}
% infoproofs: p \in (0, 1)
\begin{document}
The price is \$5 and 50\% of it is tax; $x$ is notation but $a = b$ is a claim.
% an ordinary comment: $c = d$ and \[ e = f \] are not math
%% infoproofs: \sigma > 0
\begin{align}
  h(X) &= -\log p \label{eq:first} \\
  &\le \log 2 \nonumber % trailing comment with x = y
\end{align}
Some text.
\begin{equation*}
  D(p \| q) \ge 0
\end{equation*}
\[ H(X, Y) \leq H(X) + H(Y) \]
\end{document}
$ after = document $
"""


def test_tex_blocks_in_order_with_environments():
    blocks = extract_blocks(TEX, "paper.tex")
    assert [b.environment for b in blocks] == ["$", "align", "equation*", "\\["]
    assert bodies(blocks)[0] == "a = b"
    assert bodies(blocks)[2] == r"D(p \| q) \ge 0"
    assert bodies(blocks)[3] == r"H(X, Y) \leq H(X) + H(Y)"
    assert all(b.file == "paper.tex" and b.problem is None for b in blocks)


def test_align_keeps_body_label_and_nonumber_but_not_comments():
    align = extract_blocks(TEX, "paper.tex")[1]
    assert align.label == "eq:first"
    assert r"\label{eq:first}" in align.body and r"\nonumber" in align.body
    assert "&=" in align.body and r"\\" in align.body
    assert "trailing comment" not in align.body and "x = y" not in align.body
    # The comment is blanked, not cut: the body keeps the file's length and offsets.
    start = TEX.index(r"\begin{align}") + len(r"\begin{align}")
    assert len(align.body) == TEX.index(r"\end{align}") - start


def test_comments_are_ignored_and_declarations_accumulate_in_order():
    blocks = extract_blocks(TEX, "paper.tex")
    assert all("c = d" not in b.body and "e = f" not in b.body for b in blocks)
    assert blocks[0].declarations == (r"p \in (0, 1)",)
    assert blocks[1].declarations == (r"p \in (0, 1)", r"\sigma > 0")
    assert blocks[3].declarations == blocks[1].declarations


def test_escaped_dollar_and_percent_are_text():
    blocks = extract_blocks(r"costs \$5 or \$7 = a lot; 100\% $u \ge 0$ here % $v = 1$", "a.tex")
    assert bodies(blocks) == [r"u \ge 0"]


def test_preamble_macros_are_not_math():
    # \be in the preamble would open an equation that the next line "closes".
    blocks = extract_blocks(TEX, "paper.tex")
    assert not any("newcommand" in b.body for b in blocks)
    assert "after" not in " ".join(bodies(blocks))


def test_without_begin_document_the_whole_file_is_scanned():
    assert bodies(extract_blocks("\\begin{equation}a=b\\end{equation}\n", "x.tex")) == ["a=b"]


def test_verbatim_and_verb_hide_math():
    text = "\\begin{verbatim}\n$$ x = 1 $$\n\\end{verbatim}\n\\verb|$y = 2$| and $z = 3$\n"
    assert bodies(extract_blocks(text, "a.tex")) == ["z = 3"]


def test_inline_math_needs_a_relation_at_top_level():
    text = r"$x$, $p(x)$, $x_{i=1}$, $\text{if a = b} x$, $\left( x \right)$, $a < b$, $k \leqslant n$"
    assert bodies(extract_blocks(text, "a.tex")) == ["a < b", r"k \leqslant n"]


@pytest.mark.parametrize(
    ("math", "expected"),
    [
        ("a = b", True),
        (r"x \le y", True),
        (r"x \leq y", True),
        (r"x \geqslant 0", True),
        ("a > b", True),
        (r"\{x\} = \{y\}", True),  # escaped braces are not groups
        (r"\left( x \right)", False),  # \left is not \le
        (r"\text{a = b}", False),
        ("x_{i=1}", False),
        (r"\sum_{n=1}^{N} x_n", False),
        ("", False),
        ("P(X = x)", False),  # an event, not a claim
        ("P(X = x) = p_x", True),
        (r"[0, 1) \ni x = 1", True),  # an unmatched ")" hides nothing
        ("}} a = b", True),  # a stray closing brace does not hide what follows
    ],
)
def test_has_relation(math, expected):
    assert has_relation(math) is expected


def test_tex_adjacent_inline_math():
    assert bodies(extract_blocks("$a$$b = c$ and $d = e$", "a.tex")) == ["b = c", "d = e"]


def test_unregistered_inner_environments_stay_in_the_body():
    text = "\\begin{equation}\n  f(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}\n\\end{equation}\n"
    (block,) = extract_blocks(text, "a.tex")
    assert block.environment == "equation" and "\\end{cases}" in block.body


def test_starred_and_other_environments_are_registered():
    text = "\n".join(
        f"\\begin{{{env}}} a = {i} \\end{{{env}}}"
        for i, env in enumerate(["multline", "multline*", "eqnarray", "eqnarray*", "align*", "equation"])
    )
    blocks = extract_blocks(text, "a.tex")
    assert [b.environment for b in blocks] == ["multline", "multline*", "eqnarray", "eqnarray*", "align*", "equation"]


# ---------------------------------------------------------------------------
# gather: one claim per line
# ---------------------------------------------------------------------------

GATHER = r"""Intro.
\begin{gather}
  H(X) \ge 0 \label{eq:g1} \\
  I(X;Y) = I(Y;X) \\[2pt]
  f = \begin{cases} 1 \\ 2 \end{cases} \\
\end{gather}
"""


def test_gather_is_split_into_lines_with_their_positions():
    blocks = extract_blocks(GATHER, "g.tex")
    assert [b.environment for b in blocks] == ["gather"] * 3
    assert bodies(blocks) == [r"H(X) \ge 0 \label{eq:g1}", "I(X;Y) = I(Y;X)", r"f = \begin{cases} 1 \\ 2 \end{cases}"]
    assert [(b.line, b.column) for b in blocks] == [
        position(GATHER, "H(X)"),
        position(GATHER, "I(X;Y)"),
        position(GATHER, "f = "),
    ]
    assert [b.label for b in blocks] == ["eq:g1", None, None]


def test_align_is_not_split():
    text = "\\begin{align}\na &= b \\\\\n&= c\n\\end{align}\n"
    (block,) = extract_blocks(text, "a.tex")
    assert block.environment == "align" and block.body.count("\\\\") == 1


# ---------------------------------------------------------------------------
# Positions
# ---------------------------------------------------------------------------


def test_line_and_column_of_the_first_body_character():
    text = "x\n\tsee \\[ a = b \\] and\n  $$c = d$$\n"
    first, second = extract_blocks(text, "p.md")
    assert (first.line, first.column) == (2, 8)  # the space after "\["
    assert (second.line, second.column) == position(text, "c = d")


def test_line_of_maps_body_offsets_to_the_file():
    align = extract_blocks(TEX, "paper.tex")[1]
    for needle in ["h(X)", r"\log p", r"\le \log 2", r"\nonumber"]:
        assert line_of(align, align.body.index(needle)) == position(TEX, needle)
    assert line_of(align, 0) == (align.line, align.column)
    end_line, end_column = position(TEX, r"\end{align}")
    assert line_of(align, len(align.body)) == (end_line, end_column)
    assert line_of(align, 10**9) == line_of(align, len(align.body))


def test_line_of_on_a_gather_line_and_a_claim():
    second = extract_blocks(GATHER, "g.tex")[1]
    assert line_of(second, second.body.index("=")) == position(GATHER, "= I(Y;X)")
    claim = claim_block("a = b")
    assert (claim.file, claim.line, claim.column, claim.environment) == ("<claim>", 1, 1, "claim")
    assert line_of(claim, 4) == (1, 5)


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------

MARKDOWN = """# Notes

<!-- infoproofs: \\sigma > 0 -->
The capacity is

$$
C = \\frac{1}{2} \\log(1 + P/N)
$$

```python
# code, not math: $$x=1$$ and $y = 2$
```

~~~
$$ z = 3 $$
~~~

Inline `$a = b$` is code, $c = d$ is math, and it costs $5 and $10 = a lot.
<!--
infoproofs: n \\ge 1
-->
<!-- a comment with $$ hidden = math $$ -->
$$ e \\le f $$
"""


def test_markdown_blocks_skip_code_and_comments():
    blocks = extract_blocks(MARKDOWN, "notes.md")
    assert bodies(blocks) == [r"C = \frac{1}{2} \log(1 + P/N)", "c = d", r"e \le f"]
    assert [b.environment for b in blocks] == ["$$", "$", "$$"]
    assert (blocks[0].line, blocks[1].line, blocks[2].line) == (6, 18, 23)
    assert (blocks[1].line, blocks[1].column) == position(MARKDOWN, "c = d")


def test_markdown_declarations_may_span_lines():
    blocks = extract_blocks(MARKDOWN, "notes.md")
    assert blocks[0].declarations == (r"\sigma > 0",)
    assert blocks[2].declarations == (r"\sigma > 0", r"n \ge 1")


def test_markdown_percent_is_not_a_comment():
    assert bodies(extract_blocks("50% off: $a = b$ % $c = d$\n", "x.md")) == ["a = b", "c = d"]


def test_unclosed_html_comment_is_text():
    blocks = extract_blocks("<!-- infoproofs: oops\n$$ a = b $$\n", "x.md")
    assert bodies(blocks) == ["a = b"] and blocks[0].declarations == ()


def test_unclosed_fence_hides_the_rest_like_a_renderer():
    assert extract_blocks("$$a=b$$\n```\n$$c=d$$\n", "x.md")[-1].body == "a=b"


def test_guess_kind():
    assert [guess_kind(f) for f in ["a.tex", "B.LTX", "c.md", "d.markdown", "e.txt", "-", "<claim>"]] == [
        "tex",
        "tex",
        "md",
        "md",
        "txt",
        "txt",
        "txt",
    ]
    with pytest.raises(ValueError, match="unknown document kind"):
        extract_blocks("", "x", kind="docx")


def test_plain_text_takes_both_declaration_forms_and_whole_line_percent_comments():
    text = "% infoproofs: a > 0\n<!-- infoproofs: b > 0 -->\n% $x = 1$\nsee https://x.org/a%20b $y = 2$\n"
    (block,) = extract_blocks(text, "notes.txt")
    assert block.body == "y = 2" and block.declarations == ("a > 0", "b > 0")


# ---------------------------------------------------------------------------
# Documents in the style of the real sources (short excerpts written for the test)
# ---------------------------------------------------------------------------

BLOG_POST = r"""---
title: Latent capacity
tags:
  - InformationTheory
---
# Notes

- Entropy: $H(X) = - \sum_{x}{p(x) \log{p(x)}}$, $H \in [0,\infty)$.
- Distribution: $p$ is the data, $q$ approximates it.
    - $KL(p,q) = \sum_{x}{p(x)\log{\frac{p(x)}{q(x)}} }$
- Lower bound:
    in which $x$ is the data.
    $$
    \begin{align}
    \log{p(X)} &= \log{ \int_Z{p(X,Z)} } \\\\
              &\geq \mathbb{E}_q \left[ \log{\frac{p(X,Z)}{q(Z)}} \right]
    \end{align}
    $$
See [Shannon–Hartley](https://en.wikipedia.org/wiki/Shannon%E2%80%93Hartley_theorem) for $N\sim\mathcal{N}(0,t^{2}I)$.
"""

SLIDES = r"""Information in Echo Channel

$$I(Z; X) = h(Z) - h(Z|X)$$

**Entropy of
output**

Shape is the same: a scale function $S(\mathbf{x})$

$$I(Z; X) = -\mathbb{E} \log |\det S(\mathbf{x})|$$
"""


def test_blog_post_with_front_matter_lists_and_wrapped_align():
    blocks = extract_blocks(BLOG_POST, "post.txt")
    assert [b.environment for b in blocks] == ["$", "$", "align"]
    assert bodies(blocks)[0].startswith("H(X) = ")
    align = blocks[2]
    assert (align.line, align.column) == (14, 18)  # after the indented \begin{align}
    assert align.body.count(r"\\\\") == 1 and r"\geq" in align.body
    assert line_of(align, align.body.index(r"&\geq")) == position(BLOG_POST, r"&\geq")
    assert all(b.problem is None for b in blocks)


def test_slides_with_display_formulas():
    blocks = extract_blocks(SLIDES, "slides.txt")
    assert [(b.line, b.environment) for b in blocks] == [(3, "$$"), (10, "$$")]
    assert blocks[1].body == r"I(Z; X) = -\mathbb{E} \log |\det S(\mathbf{x})|"


# ---------------------------------------------------------------------------
# Bad input: reported with its line, and the rest of the file is still read
# ---------------------------------------------------------------------------


def test_unterminated_environment_is_reported_at_its_begin_and_scanning_goes_on():
    text = "intro\n\\begin{align}\n a &= b\n\nmore text\n\\[ c = d \\]\n"
    first, second = extract_blocks(text, "bad.tex")
    assert first.environment == "align" and first.line == 2
    assert "\\begin{align} at line 2 is never closed" in first.problem
    assert "blank line at line 4" in first.problem
    assert "more text" not in first.body
    assert second.body.strip() == "c = d" and second.problem is None
    with pytest.raises(ExtractError) as info:
        raise_on_problem([first, second])
    assert (info.value.file, info.value.line) == ("bad.tex", 2)
    assert str(info.value).startswith("bad.tex:2: ")


def test_unterminated_environment_at_end_of_file_is_cut():
    text = "\\begin{equation}\n" + "x + " * 2000
    (block,) = extract_blocks(text, "bad.tex")
    assert "end of the file" in block.problem and len(block.body) == UNTERMINATED_LIMIT


def test_environment_stopped_by_another_opener():
    text = "\\begin{align} a = b\n\\begin{equation} c = d \\end{equation}\n"
    first, second = extract_blocks(text, "bad.tex")
    assert "before \\begin{equation} at line 2" in first.problem
    assert second.body.strip() == "c = d" and second.problem is None


def test_mismatched_end():
    text = "ok\n\\begin{align}\na = b\n\\end{equation}\n$c = d$\n"
    first, second = extract_blocks(text, "bad.tex")
    assert first.problem == "\\begin{align} at line 2 is closed by \\end{equation} at line 4"
    assert first.body.strip() == "a = b"
    assert second.body == "c = d" and second.problem is None


@pytest.mark.parametrize(
    ("text", "environment", "message"),
    [
        ("a\n\n$$ x = 1\n", "$$", "$$ at line 3 is never closed: no $$ before the end of the file"),
        ("\\[ x = 1\n\ny", "\\[", "\\[ at line 1 is never closed: no \\] before the blank line at line 2"),
        ("$$ x = 1\n\\[ y \\]", "$$", "$$ at line 1 is never closed: no $$ before \\[ at line 2"),
    ],
)
def test_unclosed_display_delimiters(text, environment, message):
    blocks = extract_blocks(text, "bad.md")
    assert blocks[0].environment == environment and blocks[0].problem == message
    with pytest.raises(ExtractError, match="^bad.md:"):
        raise_on_problem(blocks)


def test_unclosed_inline_dollar_in_tex_is_reported_only_when_it_claims_something():
    blocks = extract_blocks("$x + 1\n\n$y = 2\n\n$a = b$", "bad.tex")
    assert [(b.line, b.problem is not None) for b in blocks] == [(3, True), (5, False)]


def test_unbalanced_braces_mark_the_block_and_others_survive():
    text = "\\begin{equation}\n  \\frac{a}{b = c\n\\end{equation}\n$$ \\{x\\} = \\{y\\} $$\n\\[ a} = b \\]\n"
    first, second, third = extract_blocks(text, "b.tex")
    assert first.problem == "unbalanced braces: '{' at line 2, column 11 is never closed"
    assert second.problem is None  # \{ \} are escaped braces
    assert third.problem == "unbalanced braces: '}' at line 5, column 5 closes nothing"


def test_gather_with_unbalanced_braces_is_one_reported_block():
    (block,) = extract_blocks("\\begin{gather} a = {b \\\\ c = d \\end{gather}", "g.tex")
    assert block.problem and "never closed" in block.problem


def test_binary_input_is_an_extract_error():
    with pytest.raises(ExtractError) as info:
        extract_blocks("ok\n\x00garbage", "blob.tex")
    assert (info.value.file, info.value.line) == ("blob.tex", 2)


def test_stray_closers_are_text():
    assert bodies(extract_blocks("\\end{align} \\] $a=b$", "a.tex")) == ["a=b"]


def test_extract_error_pickles():
    import pickle

    error = pickle.loads(pickle.dumps(ExtractError("f.tex", 3, "bad")))
    assert (error.file, error.line, error.message, str(error)) == ("f.tex", 3, "bad", "f.tex:3: bad")


# ---------------------------------------------------------------------------
# Bounded time on a megabyte
# ---------------------------------------------------------------------------

MEGABYTE = 1_000_000


def _timed(text: str, file: str) -> list[MathBlock]:
    start = time.perf_counter()
    blocks = extract_blocks(text, file)
    assert time.perf_counter() - start < 10  # generous: the point is "not quadratic"
    return blocks


def test_megabyte_of_equations():
    unit = "Text $x$ and \\$3.\n\\begin{equation}\n  H(X_{%d}) \\le \\log n \\label{e%d}\n\\end{equation}\n"
    text = "".join(unit % (i, i) for i in range(20_000))
    assert len(text) > MEGABYTE
    blocks = _timed(text, "big.tex")
    assert len(blocks) == 20_000 and blocks[-1].label == "e19999"
    assert blocks[-1].line == 4 * 19_999 + 2  # the line of its \begin{equation}


@pytest.mark.parametrize(
    ("text", "file", "count"),
    [
        ("$" * MEGABYTE, "dollars.tex", 0),  # 500,000 empty $$ $$ pairs
        ("$ a=b " * (MEGABYTE // 6), "dollars.md", 0),  # never a valid Pandoc closer
        ("$1$2" * (MEGABYTE // 4), "dollars.txt", 0),  # every closer is followed by a digit
        ("\\begin{align}{" * (MEGABYTE // 14), "opens.tex", MEGABYTE // 14),
        ("`` ` " * (MEGABYTE // 5), "ticks.md", 0),
        ("<!-- " * (MEGABYTE // 5), "comments.md", 0),
        ("\\[ x=1 " * (MEGABYTE // 7), "brackets.tex", MEGABYTE // 7),
    ],
)
def test_megabyte_of_delimiters(text, file, count):
    assert len(_timed(text, file)) == count


def test_megabyte_of_garbage():
    import random

    rng = random.Random(7)
    alphabet = "ab{}$\\[]%\n &=<>`~-!"
    text = "".join(rng.choice(alphabet) for _ in range(MEGABYTE))
    for file in ["g.tex", "g.md", "g.txt"]:
        assert isinstance(_timed(text, file), list)


# ---------------------------------------------------------------------------
# Random documents: blocks or ExtractError, never anything else
# ---------------------------------------------------------------------------

TOKENS = [
    "$", "$$", "\\[", "\\]", "\\begin{align}", "\\end{align}", "\\begin{gather}", "\\end{gather}",
    "\\end{equation}", "{", "}", "%", "\n", "\n\n", "x = 1", "\\label{a}", "\\\\", "\\$", "`", "```",
    "<!--", "-->", " ", "a", "% infoproofs: p > 0\n",
]  # fmt: skip


@settings(database=None, deadline=None, max_examples=150)
@given(st.lists(st.sampled_from(TOKENS), max_size=60), st.sampled_from(["a.tex", "a.md", "a.txt"]))
def test_random_documents_give_blocks_or_extract_error(pieces, file):
    text = "".join(pieces)
    try:
        blocks = extract_blocks(text, file)
    except ExtractError:
        return
    for block in blocks:
        assert block.file == file and block.line >= 1 and block.column >= 1
        # Every body character is the file's character at line_of (or a blanked comment character).
        lines = text.split("\n")
        for offset, char in enumerate(block.body):
            line, column = line_of(block, offset)
            original = lines[line - 1][column - 1] if column <= len(lines[line - 1]) else "\n"
            assert char == original or char == " "
