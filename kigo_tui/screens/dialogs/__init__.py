"""Modal dialogs, one module per concern; each returns its answer with dismiss()."""

from kigo_tui.screens.dialogs.base import Dialog
from kigo_tui.screens.dialogs.confirm import ConfirmScreen
from kigo_tui.screens.dialogs.conflict import ConflictScreen
from kigo_tui.screens.dialogs.filter import FilterScreen
from kigo_tui.screens.dialogs.help import HelpScreen
from kigo_tui.screens.dialogs.task_list import TaskListScreen
from kigo_tui.screens.dialogs.tasks import AddTaskScreen, EditResult, EditTaskScreen

__all__ = [
    "AddTaskScreen",
    "ConfirmScreen",
    "ConflictScreen",
    "Dialog",
    "EditResult",
    "EditTaskScreen",
    "FilterScreen",
    "HelpScreen",
    "TaskListScreen",
]
