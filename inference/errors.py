"""Errors whose message is safe to show to the person who sent the input."""


class InputError(ValueError):
    """Bad input from a user: the message says what is wrong in plain words."""
