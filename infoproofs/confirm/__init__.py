"""PyTorch experiments that confirm the catalog's predicted bits.

Nothing here imports torch at module import time: ``infoproofs confirm``
imports it only when an experiment runs, so ``import infoproofs`` and
``infoproofs check`` work without torch installed.
"""
