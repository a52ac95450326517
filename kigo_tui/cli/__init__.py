"""`kigo <command>`: one module per command family, parser and runner together.

main           build_parser() from every family's register(), and main(argv): parse, run args.run
args           the argument types and options the families share (dates, project codes, --json,
               --force, the database's location, free text) and the parser class
running        how a command runs: its database, today and store, printable output, errors
tui            `kigo` without a command: the quick parse of --db/--today (__main__ starts the TUI)
tasks          status, set, done, checklist, golive, add, delete
database       init, demo; copy, backup, backups, restore
kommune        kommune: show or change the kommune the database is for
catalogue      catalogue import
organisation   people, role, responsible, mine, dialogue
exit_strategy  exit …: the KMD Sag exit workspace
defects        defect …: the defect log and its SLA
calendar       calendar (.ics of the open tasks)
progress       progress (weekly figures)
bundle         export, verify, aggregate: the status bundle

Every subcommand's parser gets `set_defaults(run=…)`; nothing dispatches on a command's name.
"""
