"""The base of every refusal an editor or a contact may see: the message says why."""


class ActionRefused(Exception):
    """An action on an interview request that cannot be done; the message says why."""
