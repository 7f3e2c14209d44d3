from infoproofs import Derivation

d = Derivation("broken", "Broken", source="test", start=1
d.eq(1, by="algebra")
