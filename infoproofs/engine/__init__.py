"""The derivation engine: closed forms derived from definitions, step by step."""

from .derive import closed_form, derive, derive_steps, evaluate, register_closed_form, tidy

__all__ = ["closed_form", "derive", "derive_steps", "evaluate", "register_closed_form", "tidy"]
