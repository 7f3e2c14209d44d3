"""Steps justified by lemmas from another file: no stronger than those lemmas' own verdicts."""

import sympy as sp
from lemma_source import basel, k, n, s, too_strong

from infoproofs import Derivation

use_confirmed = Derivation(
    "uses_a_confirmed_lemma", "Applies a lemma that is only confirmed", source="red team",
    start=sp.Sum(1 / k**2, (k, 1, n)),
)
use_confirmed.le(2, by="lemma", lemma=basel)

use_false = Derivation("uses_a_false_lemma", "Applies a refuted lemma", source="red team", start=s)
use_false.le(20, by="lemma", lemma=too_strong)
