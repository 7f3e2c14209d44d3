"""Parsers for user-written notation (a lark grammar; never eval or sympify)."""

from .target import ParseError, parse_target

__all__ = ["ParseError", "parse_target"]
