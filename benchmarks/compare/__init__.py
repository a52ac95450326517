"""Other programs measured in the same run and harness: dooit (a Textual todo TUI) and taskwarrior."""
