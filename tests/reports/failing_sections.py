"""A section builder that fails, as a broken selector would."""


def build(period, *, options):
    raise RuntimeError("selector exploded")
