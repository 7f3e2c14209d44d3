"""Parsers for user-written notation (a lark grammar; never eval or sympify)."""

from .target import ParseError, parse_target, parse_target_with_assumptions

__all__ = ["ParseError", "parse_target", "parse_target_with_assumptions"]
