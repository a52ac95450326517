"""Write a dooit database with N todos: run with the *dooit* venv's python (it imports dooit).

    <dooit venv>/bin/python benchmarks/compare/dooit_db.py OUT.db --todos 50000

The schema is dooit's own (its SQLAlchemy models create the tables); the rows are inserted in bulk
through those models' tables. The shape mirrors kigo's generated database: a workspace per project
(STS, SAPA, KY, KSD), 16 hovedopgave workspaces in each, and the todos spread over them round-robin
with due dates around 2026-11-23 and about a third done.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta

from dooit.api import Todo, Workspace, manager
from sqlalchemy import insert

PROJECTS = ("STS", "SAPA", "KY", "KSD")
MAIN_TASKS = 16
TODAY = datetime(2026, 11, 23)


def write(path: str, todos: int, seed: int = 1) -> None:
    manager.connect(path)
    workspaces: list[dict[str, object]] = []

    def workspace(parent: int | None, description: str, order: int) -> int:
        workspaces.append(
            {
                "id": len(workspaces) + 1,
                "parent_workspace_id": parent,
                "description": description,
                "order_index": order,
                "is_root": parent is None,
            }
        )
        return len(workspaces)

    root = workspace(None, "", -1)
    leaves = []
    for p, code in enumerate(PROJECTS):
        project = workspace(root, code, p)
        leaves += [
            workspace(project, f"{code} hovedopgave {m:02d}", m - 1)
            for m in range(1, MAIN_TASKS + 1)
        ]
    rng = random.Random(seed)
    rows = []
    for k in range(todos):
        project = k % len(PROJECTS)
        main = (k // len(PROJECTS)) % MAIN_TASKS
        due = TODAY + timedelta(days=rng.randint(-200, 300))
        rows.append(
            {
                "parent_workspace_id": leaves[project * MAIN_TASKS + main],
                "description": f"Genereret opgave {k + 1} for {PROJECTS[project]} "
                f"hovedopgave {main + 1}",
                "order_index": k,
                "due": due,
                "pending": not (due < TODAY and rng.random() < 0.85),
            }
        )
    connection = manager.session.connection()
    connection.execute(insert(Workspace.__table__), workspaces)
    for i in range(0, len(rows), 5000):
        connection.execute(insert(Todo.__table__), rows[i : i + 5000])
    manager.session.commit()
    count = manager.session.query(Todo).count()
    if count != todos:
        raise SystemExit(f"dooit_db: wrote {count} todos, expected {todos}")


def main() -> None:
    parser = argparse.ArgumentParser(description="En dooit-database med N opgaver.")
    parser.add_argument("out")
    parser.add_argument("--todos", type=int, default=50_000)
    args = parser.parse_args()
    write(args.out, args.todos)


if __name__ == "__main__":
    main()
