"""``infoproofs verify``: check the formulas a paper, a set of notes or a Markdown file claims.

The pipeline is split by concern so that each step can be tested on its own:
``extract`` finds the math in a document (pure text scanning, standard library
only), ``claims`` turns each block into a derivation and checks it.  Nothing is
imported here, so ``import infoproofs.verify.extract`` stays cheap.
"""

__all__ = ["extract"]
