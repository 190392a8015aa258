"""The layout the year's features are built on: dependencies between the apps point one
way, and every module holds one concept.

    branchsite (settings, URLs, the small shared kernel)
        ← groups, members (the organisation core)
        ← activities
        ← reports (pages and documents that compose every app)
        ← demo (the demo school, built through everyone's services)

Between the two core apps: `members` reads `groups` (its models, the roles, the workbench
scoping, the group services), `groups` reads only the models of `members` (a group holds
members by nature). The project's URLs are the kernel's one exception: they include the apps.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"branchsite": 0, "groups": 1, "members": 1, "activities": 2, "reports": 3, "demo": 4}
# Imports the kernel may make of the apps: only its URL configuration includes them.
KERNEL_EXCEPTIONS = {"branchsite/urls.py"}
# What `groups` may read of `members`: its models (and their enums).
GROUPS_MAY_READ_OF_MEMBERS = ("members.models",)
MAX_MODULE_LINES = 600


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every absolute import of the file, function-local ones included, as (line, module)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            # `from members import roster` imports the module members.roster.
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def application_modules():
    for app in LAYERS:
        yield from sorted((ROOT / app).rglob("*.py"))


def allowed(source_app: str, relative: str, module: str) -> bool:
    target_app = module.split(".")[0]
    if target_app not in LAYERS or target_app == source_app:
        return True
    if source_app == "branchsite":
        return relative in KERNEL_EXCEPTIONS
    if LAYERS[target_app] < LAYERS[source_app]:
        return True
    if (source_app, target_app) == ("members", "groups"):
        return True
    if (source_app, target_app) == ("groups", "members"):
        return module == "members" or module.startswith(GROUPS_MAY_READ_OF_MEMBERS)
    return False


def import_violations(paths) -> list[str]:
    violations = []
    for path in paths:
        relative = path.relative_to(ROOT).as_posix()
        source_app = relative.split("/")[0]
        for line, module in imported_modules(path):
            if not allowed(source_app, relative, module):
                violations.append(f"{relative}:{line} imports {module}")
    return sorted(set(violations))


def test_no_module_of_application_code_holds_more_than_one_screenful_of_concepts():
    """A module that grows past this becomes a package named for its concepts."""
    too_long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in application_modules()
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert not too_long, "modules to split:\n" + "\n".join(too_long)


def test_dependencies_between_the_apps_point_one_way():
    violations = import_violations(application_modules())
    assert not violations, "imports that point back:\n" + "\n".join(violations)


@pytest.mark.parametrize(
    ("relative", "source", "expected"),
    [
        ("groups/views.py", "from activities.selectors import x\n", False),
        ("groups/views.py", "def f():\n    from reports import overview\n", False),
        ("groups/forms.py", "from members.models import Member\n", True),
        ("groups/forms.py", "from members import services\n", False),
        ("groups/forms.py", "import members.roster\n", False),
        ("members/views.py", "from groups.access import roles_for\n", True),
        ("activities/views.py", "from reports.minutes import minutes_pdf\n", False),
        ("reports/views.py", "from activities.models import Meeting\n", True),
        ("branchsite/uploads.py", "from groups.models import Branch\n", False),
        ("branchsite/urls.py", "from reports.overview import home\n", True),
        ("demo/school.py", "from activities.services import meeting_record\n", True),
        ("reports/views.py", "from demo import school\n", False),
    ],
)
def test_the_import_check_catches_an_import_that_points_back(tmp_path, relative, source, expected):
    """The check itself can fail: each line above is judged as if it stood in that file."""
    path = ROOT / relative
    fake = tmp_path / relative
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_text(source)
    violations = []
    for line, module in imported_modules(fake):
        if not allowed(relative.split("/")[0], relative, module):
            violations.append(f"{path}:{line} {module}")
    assert (not violations) is expected, violations
