"""The data model, free of Textual.

`tables` holds the SQLModel tables (importing it loads SQLAlchemy); `readmodels` holds the plain
dataclasses the CLI and the TUI read, and is cheap to import.
"""
