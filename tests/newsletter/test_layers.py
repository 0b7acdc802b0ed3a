"""The tasks call the services; the services enqueue tasks by name and never import them."""

import ast
from pathlib import Path

import newsletter.services

SERVICES = Path(newsletter.services.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_service_module_imports_the_tasks():
    modules = sorted(SERVICES.glob("*.py"))
    assert len(modules) >= 6
    for path in modules:
        imports = imported_modules(path)
        assert not {name for name in imports if name.startswith("newsletter.tasks")}, path.name


def test_only_the_queue_module_talks_to_celery():
    for path in sorted(SERVICES.glob("*.py")):
        imports = imported_modules(path)
        uses_celery = any(name.startswith(("celery", "compsite.celery")) for name in imports)
        assert uses_celery == (path.name == "queue.py"), path.name
