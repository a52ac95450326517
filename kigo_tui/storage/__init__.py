"""How it is kept: SQL text (`sql`) on SQLite (stdlib) or PostgreSQL (`engine`), one write
`transaction`, schema and migrations (`schema`), the store, live changes, backup, copy, preload."""
