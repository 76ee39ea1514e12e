"""Demo content for review: filled in below."""


def seed_demo():
    return "review: nothing"
