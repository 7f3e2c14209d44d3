"""``infoproofs verify``: claims and align-derivations read from LaTeX, checked by the same oracles (issue 10)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from infoproofs.check import CheckOptions
from infoproofs.rules.core import NO_RULE
from infoproofs.verify.claims import claim_verdict, rule_for_hint, verify_block
from infoproofs.verify.extract import extract_blocks

from .conftest import ROOT

GAUSS_ENTROPY = r"h(\mathcal N(\mu,\sigma^2)) = \frac12\log(2\pi e\sigma^2)"
GAUSS_KL_WRONG = (r"D_{\mathrm{KL}}(\mathcal N(\mu_1,\sigma_1^2)\|\mathcal N(\mu_2,\sigma_2^2)) = "
                  r"\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} + \frac12")


def verify(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "infoproofs.cli", "verify", *args], capture_output=True, text=True,
                          input=stdin, cwd=cwd or ROOT, timeout=300)


def claims_of(done: subprocess.CompletedProcess) -> list[dict]:
    return json.loads(done.stdout)["claims"]


def test_a_true_claim_is_proved_and_a_false_one_refuted_with_a_counterexample():
    done = verify("--claim", GAUSS_ENTROPY, "--claim", GAUSS_KL_WRONG, "--json", "-", "--no-cache")
    assert done.returncode == 1, done.stderr  # something is refuted
    first, second = claims_of(done)
    assert first["verdict"] == "proved" and first["relation"] == "="
    assert first["assumptions_used"] == {"mu": "real", "sigma": "positive"}
    assert second["verdict"] == "refuted"
    assert set(second["counterexample"]) == {"mu_1", "mu_2", "sigma_1", "sigma_2"}
    assert "Traceback" not in done.stderr


def test_exit_zero_when_nothing_is_refuted():
    done = verify("--claim", r"\log x \le x - 1 where x > 0", "--json", "-")
    assert done.returncode == 0, done.stderr
    (claim,) = claims_of(done)
    assert claim["verdict"] == "proved" and claim["relation"] == "<="
    assert claim["assumptions_used"] == {}  # x was declared by the where clause


@pytest.mark.parametrize("text,verdict", [
    (r"f(x) = 1", {"unsupported"}),
    (r"\frac{1}{2 = x", {"unparsed"}),
    (r"\input{/etc/passwd} = 1", {"unparsed", "unsupported"}),  # a payload is text: nothing is read or run
    (r"__import__('os') = 1", {"unparsed", "unsupported"}),
])
def test_what_cannot_be_read_is_never_counted_as_checked(text, verdict):
    done = verify("--claim", text, "--json", "-")
    assert done.returncode == 0, done.stderr
    (claim,) = claims_of(done)
    assert claim["verdict"] in verdict and claim["steps"] == []
    assert claim["reason"]
    strict = verify("--claim", text, "--strict")
    assert strict.returncode == 1


def test_an_unparsed_claim_names_line_column_and_token():
    done = verify("--claim", r"a + b = c + \frac{1}{", "--json", "-")
    (claim,) = claims_of(done)
    assert claim["verdict"] == "unparsed"
    assert "<claim 1>:1:" in claim["reason"]


def test_a_markdown_document_on_stdin_with_an_align_derivation():
    document = "\n".join([
        "# Notes",
        "<!-- infoproofs: \\sigma > 0 -->",
        "The entropy of a Gaussian:",
        "$$",
        "\\begin{align}",
        "h(\\mathcal N(\\mu, \\sigma^2)) &= \\frac12 \\log(2\\pi e \\sigma^2) \\\\",
        "&= \\frac12 + \\frac12\\log(2\\pi\\sigma^2) \\label{eq:h}",
        "\\end{align}",
        "$$",
        "and a slip: $\\log(2\\pi\\sigma^2) = \\log(2\\pi) + \\log\\sigma$.",
    ])
    done = verify("-", "--json", "-", stdin=document)
    claims = claims_of(done)
    assert [c["verdict"] for c in claims] == ["proved", "refuted"], done.stdout
    assert claims[0]["line"] in (4, 5, 6) and claims[0]["label"] == "eq:h"
    assert len(claims[0]["steps"]) == 2 and claims[1]["line"] == 10
    assert done.returncode == 1


def test_bad_input_gets_exit_two_and_a_message(tmp_path):
    (tmp_path / "empty.tex").write_text("No formulas here, only prose.\n")
    for args, message in [
        (["missing.tex"], "no such file"),
        ([str(tmp_path / "empty.tex")], "no math found"),
        ([], "nothing to verify"),
        ([str(tmp_path)], "is a folder"),
    ]:
        done = verify(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr


def test_unterminated_align_and_unbalanced_braces_are_reported_per_block(tmp_path):
    tex = tmp_path / "broken.tex"
    tex.write_text("\\begin{equation} x^2 \\ge 0 \\end{equation}\n"
                   "\\begin{equation} \\frac{a}{b = 1 \\end{equation}\n"
                   "\\begin{align} a &= a\n")
    done = verify(str(tex), "--json", "-")
    assert done.returncode == 0, done.stderr
    verdicts = [c["verdict"] for c in claims_of(done)]
    assert verdicts[0] == "proved" and all(v == "unparsed" for v in verdicts[1:]) and len(verdicts) == 3
    assert verify(str(tex), "--strict").returncode == 1


def test_hints_that_name_a_rule_are_held_to_it():
    assert rule_for_hint("by Jensen's inequality") == "Jensen's inequality"
    assert rule_for_hint("linearity of expectation") == "linearity of expectation"
    assert rule_for_hint("since everything is positive") == NO_RULE
    assert rule_for_hint("") == NO_RULE


def test_a_claim_is_as_good_as_its_weakest_step():
    class S:
        def __init__(self, verdict):
            self.verdict = verdict

    assert claim_verdict([S("proved"), S("confirmed")]) == "confirmed"
    assert claim_verdict([S("proved"), S("refuted"), S("unknown")]) == "refuted"
    assert claim_verdict([]) == "unknown"


def test_verify_works_outside_the_main_thread():
    (block,) = extract_blocks(f"${GAUSS_ENTROPY}$", "<thread>", "md")
    found = []
    worker = threading.Thread(target=lambda: found.append(verify_block(block, 1, options=CheckOptions(use_cache=False))))
    worker.start()
    worker.join(120)
    assert found and found[0].verdict == "proved"


def test_log_base_two_changes_what_a_bare_log_means():
    claim = r"\log 8 = 3"
    assert claims_of(verify("--claim", claim, "--json", "-", "--log-base", "2"))[0]["verdict"] == "proved"
    assert claims_of(verify("--claim", claim, "--json", "-"))[0]["verdict"] == "refuted"


def test_nothing_is_written_beside_the_document(tmp_path):
    doc = tmp_path / "notes.md"
    doc.write_text(f"$${GAUSS_ENTROPY}$$\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    done = verify(str(doc), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("claim,verdict", [
    # the VAE KL with the covariance written entry by entry
    (r"D_{\mathrm{KL}}(\mathcal{N}(\mu, \operatorname{diag}(\sigma_1^2,\dots,\sigma_d^2))\,\|\,\mathcal{N}(0, I_d))"
     r" = -\frac{1}{2}\sum_{j=1}^{d}(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2)", "proved"),
    (r"D_{\mathrm{KL}}(\mathcal{N}(\mu, \operatorname{diag}(\sigma_1^2,\dots,\sigma_d^2))\,\|\,\mathcal{N}(0, I_d))"
     r" = \frac{1}{2}\sum_{j=1}^{d}(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2)", "refuted"),
    # N(x; mu, sigma^2) is the density at x
    (r"\log \mathcal{N}(x; \mu, \sigma^2) = -\frac12 \log(2\pi\sigma^2) - \frac{(x-\mu)^2}{2\sigma^2}", "proved"),
    (r"\log \mathcal{N}(x; \mu, \sigma^2) = -\frac12 \log(2\pi\sigma^2) - \frac{(x-\mu)^2}{\sigma^2}", "refuted"),
    # alpha_{t-1} is a name of its own (the diffusion posterior variance is below beta_t)
    (r"\frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t \le \beta_t where \bar\alpha_t < \bar\alpha_{t-1} < 1",
     "proved confirmed"),
    # a covariance matrix is not read as a number
    (r"h(\mathcal N(\mu, \Sigma)) = \frac12 \log|2\pi e \Sigma|", "unsupported"),
])
def test_notation_papers_use(claim, verdict):
    done = verify("--claim", claim, "--json", "-", "--assume", r"d \in \mathbb N")
    (found,) = claims_of(done)
    assert found["verdict"] in verdict.split(), found["reason"]


def test_a_declaration_that_cannot_be_read_is_set_aside_not_fatal(tmp_path):
    tex = tmp_path / "notes.tex"
    tex.write_text("% infoproofs: \\sigma > 0\n% infoproofs: \\frobnicate{x} > 0\n"
                   "\\begin{equation} h(\\mathcal N(\\mu,\\sigma^2)) = \\frac12\\log(2\\pi e\\sigma^2) \\end{equation}\n")
    (claim,) = claims_of(verify(str(tex), "--json", "-"))
    assert claim["verdict"] == "proved"
    assert "ignored" in claim["reason"] and "frobnicate" in claim["reason"]


CERTIFICATES = r"""
% infoproofs: p \in (0, 1); q \in (0, 1); a \in (0, 1); \beta \in (0, 1)
% infoproofs: \phi(u) = u - 1 - \log u
\begin{equation}
p \phi(q/p) + (1 - p) \phi((1 - q)/(1 - p)) \ge 0 \quad \text{by non-negativity certificate on the domain}
\end{equation}
\begin{equation}
\beta - \frac{\beta^2 a}{1 - a (1 - \beta)} \le \beta \quad \text{by non-negativity certificate on the domain}
\end{equation}
\begin{equation}
p - q \ge 0 \quad \text{by non-negativity certificate on the domain}
\end{equation}
"""


def test_a_certificate_rule_gets_the_residual_as_its_certificate_and_still_checks_it():
    """LaTeX cannot pass certificate=...; the read-back step is given a form of its own residual that is
    manifestly non-negative on the domain (1 - a(1 - beta) expanded, so that the fact 1 - a > 0 is seen).
    The rule still checks the certificate, so a false step is never proved by it."""
    gibbs, diffusion, false = (verify_block(b, i, options=CheckOptions(use_cache=False))
                               for i, b in enumerate(extract_blocks(CERTIFICATES, "t.tex", None)))
    for claim in (gibbs, diffusion):
        (step,) = claim.steps
        assert claim.verdict == "proved", claim.reason
        assert step.rule == "non-negativity certificate on the domain" and step.citation == "ok"
    assert false.verdict == "refuted" and false.steps[0].citation != "ok"


def test_claims_about_the_registered_families_end_to_end():
    """The families of notation/laws_*.py, written as papers write them, through ``infoproofs verify --claim``."""
    claims = [
        r"h(\mathrm{Gamma}(a, b)) = a - \log b + \log\Gamma(a) + (1 - a)\psi(a)",
        r"h(\mathrm{Gamma}(a, b)) = a + \log b + \log\Gamma(a) + (1 - a)\psi(a)",  # the sign of log b is wrong
        r"D_{\mathrm{KL}}(\mathrm{Poisson}(\lambda_1) \| \mathrm{Pois}(\lambda_2)) = "
        r"\lambda_1 \log\frac{\lambda_1}{\lambda_2} + \lambda_2 - \lambda_1",
        r"h(\chi^2(k)) = \frac{k}{2} + \log 2 + \log\Gamma(k/2) + (1 - k/2)\psi(k/2)",
    ]
    done = verify(*[arg for claim in claims for arg in ("--claim", claim)], "--json", "-", "--no-cache")
    assert done.returncode == 1, done.stderr  # one is refuted
    verdicts = [c["verdict"] for c in claims_of(done)]
    assert verdicts == ["proved", "refuted", "proved", "proved"], [c["reason"] for c in claims_of(done)]
    assert claims_of(done)[0]["assumptions_used"] == {"a": "positive", "b": "positive"}
