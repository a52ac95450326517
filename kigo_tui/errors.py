"""The one base class of errors meant for the user; their messages are Danish and name the problem."""


class KigoError(Exception):
    """Shown to the user as it is (CLI: on stderr with a non-zero exit; TUI: as a notification)."""
