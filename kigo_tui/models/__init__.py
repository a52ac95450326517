"""The database schema (SQLModel tables). No Textual here."""

from kigo_tui.models.tables import (
    ChecklistItem,
    History,
    MainTask,
    Meta,
    Project,
    SkippedMainTask,
    Task,
)

__all__ = ["ChecklistItem", "History", "MainTask", "Meta", "Project", "SkippedMainTask", "Task"]
