"""Errors a user can cause and fix: the CLI prints them as one line, the editor as a message."""


class UserError(Exception):
    """Bad input or settings; the message says what is wrong and, where possible, what to do."""


class ImageError(UserError):
    """An image file that cannot be read or is not acceptable."""


class CheckpointError(UserError):
    """A weights file or model folder that cannot be loaded."""


class RegistryError(UserError):
    """An unknown network or model name."""
