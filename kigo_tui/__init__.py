"""kigo-tui: KOMBIT's implementation model for STS, SAPA, KY and KSD in the terminal."""

__version__ = "0.1.0"
