"""How it is kept: SQL text on SQLite (stdlib) or PostgreSQL, schema and migrations, the store, live changes, backup, copy, preload."""
