"""Named inference rules.  Importing this package registers all of them."""

from . import abstract, core, inequality, information  # noqa: F401  (registration by import)
from .registry import RULES, Rule, RuleContext, RuleOutcome, UnknownRule, get_rule, rule
from .tools import LogGap, equivalent, is_zero, nonnegative

__all__ = [
    "RULES", "Rule", "RuleContext", "RuleOutcome", "UnknownRule", "get_rule", "rule",
    "LogGap", "equivalent", "is_zero", "nonnegative",
]
