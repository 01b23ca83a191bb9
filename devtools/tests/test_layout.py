"""The layout's one rule that code can break silently: no domain module imports devtools."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ("loanmarket", "lenders", "applications", "partners")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_domain_module_imports_devtools():
    offenders = [
        str(path.relative_to(ROOT))
        for app in DOMAIN
        for path in (ROOT / app).rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        and any(name.split(".")[0] == "devtools" for name in _imports(path))
    ]
    assert offenders == []
