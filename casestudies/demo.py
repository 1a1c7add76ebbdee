"""Demo content of the case studies (filled by the case-study work)."""


def load() -> dict[str, object]:
    return {}
