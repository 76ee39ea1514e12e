def seed_demo():
    return "forum: nothing"


def load_directory(directory):
    return ""
