"""Named inference rules.  Importing this package registers all of them."""

from ..engine.derive import set_positivity_check as _set_positivity_check
from . import abstract, core, inequality, information  # noqa: F401  (registration by import)
from .registry import RULES, Rule, RuleContext, RuleOutcome, UnknownRule, get_rule, rule
from .tools import LogGap, equivalent, facts_key, is_zero, nonnegative, positive_here

_set_positivity_check(positive_here, facts_key)

__all__ = [
    "RULES", "Rule", "RuleContext", "RuleOutcome", "UnknownRule", "get_rule", "rule",
    "LogGap", "equivalent", "is_zero", "nonnegative",
]
