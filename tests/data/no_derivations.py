"""A Python file with no derivations in it."""

VALUE = 3
