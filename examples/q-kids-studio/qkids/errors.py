"""The game's errors (a kid-readable message each)."""


class QKidsError(Exception):
    """Base of the game's errors."""


class BlockError(QKidsError):
    """A block program that cannot be compiled."""


class UnknownMission(QKidsError):
    """No mission of that name."""
