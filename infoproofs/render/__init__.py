"""Renderers read verdicts and derivations; they never check anything."""
