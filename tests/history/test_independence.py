"""The history listens; nobody calls it (STYLE §5): the users and market apps never import it,
so either can be read, tested or removed without it."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

APPS = Path(settings.BASE_DIR) / "apps"


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or ""
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@pytest.mark.parametrize("app", ["users", "market"])
def test_app_never_imports_the_history(app):
    sources = sorted((APPS / app).rglob("*.py"))
    assert sources
    for source in sources:
        for module in imported_modules(source):
            assert not module.startswith("apps.history"), f"{source} imports {module}"
