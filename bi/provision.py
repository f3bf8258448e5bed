"""Bring Superset's metadata to the state the repo describes (run by start.py, idempotent).

Schema migrations, built-in roles, the admin (and optional analyst) user, the Analyst
role, and the assets in bi/assets/ (database connection, datasets, charts, dashboards in
Superset's export format) imported with overwrite: the repo is the source of truth.
"""

from __future__ import annotations

import os
from pathlib import Path

BI_DIR = Path(__file__).resolve().parent
ASSETS = BI_DIR / "assets"
ANALYST_ROLE = "Analyst"
# Gamma can read dashboards and charts; sql_lab adds SQL Lab. Neither can manage users,
# roles or database connections, and neither can write a dashboard another user owns.
ANALYST_BASE_ROLES = ("Gamma", "sql_lab")


def bundle(warehouse: Path, docs_url: str) -> dict[str, str]:
    """bi/assets as an import bundle, with this machine's warehouse path and docs address filled in."""
    uri = f"duckdb:///{warehouse}"
    contents = {}
    for path in sorted(ASSETS.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        text = text.replace("__WAREHOUSE_URI__", uri).replace("__DOCS_URL__", docs_url.rstrip("/"))
        contents[path.relative_to(ASSETS).as_posix()] = text
    return contents


def main() -> None:
    import superset
    from flask import g
    from flask_migrate import upgrade
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        upgrade(directory=str(Path(superset.__file__).parent / "migrations"))
        from superset import db, security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.models.core import Database

        appbuilder = app.appbuilder
        appbuilder.add_permissions(update_perms=True)
        security_manager.sync_role_definitions()

        admin = _user(security_manager, os.environ.get("SUPERSET_ADMIN_USER", "admin"),
                      os.environ["SUPERSET_ADMIN_PASSWORD"], security_manager.find_role("Admin"))
        with app.test_request_context():
            g.user = admin
            warehouse = Path(os.environ["NEWSWH_WAREHOUSE"])
            docs_url = os.environ.get("NEWSWH_DOCS_URL", "http://127.0.0.1:8081")
            ImportAssetsCommand(bundle(warehouse, docs_url)).run()
        database = db.session.query(Database).filter_by(database_name="newswarehouse").one()
        analyst = _analyst_role(security_manager, database)
        if os.environ.get("SUPERSET_ANALYST_PASSWORD"):
            _user(security_manager, os.environ.get("SUPERSET_ANALYST_USER", "analyst"),
                  os.environ["SUPERSET_ANALYST_PASSWORD"], analyst)
        db.session.commit()
        print(f"superset: metadata ready; dashboards imported over {warehouse} (read-only)", flush=True)


def _user(sm, username: str, password: str, role):
    """Create the user, or reset its password and role: .env stays the source of truth."""
    from superset import db
    from werkzeug.security import generate_password_hash

    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(username, username, "user", f"{username}@localhost", role, password=password)
        if not user:
            raise SystemExit(f"could not create Superset user {username}")
    else:
        user.password = generate_password_hash(password)
        user.roles = [role]
        user.active = True
        db.session.merge(user)
    db.session.commit()
    return user


def _analyst_role(sm, database):
    """Gamma + sql_lab + access to the warehouse connection; rebuilt on every start."""
    from superset import db

    role = sm.add_role(ANALYST_ROLE)
    perms = {pv for name in ANALYST_BASE_ROLES for pv in sm.find_role(name).permissions}
    perms.add(sm.add_permission_view_menu("database_access", database.perm))
    role.permissions = sorted(perms, key=lambda pv: pv.id or 0)
    db.session.commit()
    return role


if __name__ == "__main__":
    main()
