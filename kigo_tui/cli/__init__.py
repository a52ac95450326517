"""`kigo <command>`: one module per command family, parser and runner together."""
