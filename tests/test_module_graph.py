"""The integration's module graph (scripts/module_graph.py): no runtime import cycle, and only the
places where the wings meet import from more than two of them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
import subprocess
import sys
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "module_graph.py"
PACKAGE = ROOT / "custom_components" / "facecapture"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("module_graph", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_package_has_no_runtime_cycle_and_only_its_doors_span_wings() -> None:
    graph_script = _script()
    graph = graph_script.build(PACKAGE)

    assert graph.wings == {"access", "captures", "link", "people", "voice"}
    assert graph_script.cycles(graph) == []
    wide = graph_script.wide_importers(graph, graph.runtime)
    assert {graph_script.display(name) for name in wide} <= graph_script.MAY_SPAN_WINGS
    # The runtime data names a class of every wing, under ``if TYPE_CHECKING:`` only.
    assert set(graph_script.wide_importers(graph, graph.type_only)) <= {"coordinator"}


def test_the_script_passes_on_the_package() -> None:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(PACKAGE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "runtime import cycles: none" in run.stdout
    assert "NOT ALLOWED" not in run.stdout


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_runtime_cycle_fails_and_a_type_only_one_does_not(tmp_path: Path) -> None:
    package = _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "coordinator.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from .one.hub import Hub\n"
            ),
            "one/__init__.py": '"""One."""\n',
            "one/hub.py": "from ..coordinator import X\nfrom .rules import Y\n",
            "one/rules.py": "def f():\n    from .hub import Hub\n",
        },
    )
    graph_script = _script()
    graph = graph_script.build(package)
    assert graph.type_only == {"coordinator": {"one.hub"}, "one.hub": set(), "one.rules": set()}
    assert graph_script.cycles(graph) == [["one.hub", "one.rules"]]
    assert graph_script.all_cycles(graph) == [["coordinator", "one.hub", "one.rules"]]
    assert graph_script.main([str(package)]) == 1

    (package / "one" / "rules.py").write_text("Y = 1\n", encoding="utf-8")
    assert graph_script.main([str(package)]) == 0


def test_a_module_reaching_three_wings_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            **{f"{wing}/__init__.py": "" for wing in ("a", "b", "c")},
            **{f"{wing}/m.py": "" for wing in ("a", "b", "c")},
            "api/__init__.py": "",
            "glue.py": "from .a.m import x\nfrom .b import m\nfrom .c.m import z\nfrom . import api\n",
            "sensor.py": "from .a.m import x\nfrom .b.m import y\nfrom .c.m import z\n",
            "two.py": "from .a.m import x\nfrom .b.m import y\nfrom .api import q\n",
        },
    )
    graph_script = _script()
    graph = graph_script.build(package)
    assert graph.wings == {"a", "b", "c"}
    assert graph_script.wide_importers(graph, graph.runtime) == {
        "glue": ["a", "b", "c"],
        "sensor": ["a", "b", "c"],
    }
    assert graph_script.main([str(package)]) == 0
    out = capsys.readouterr().out
    assert "glue: a, b, c  (NOT ALLOWED)" in out
    assert "sensor: a, b, c\n" in out
