"""The public surface: every name of __all__ imports and is in the stubs; docs/python.md's
quickstart runs."""

import ast
import pathlib
import re

import crosshedge as ch

PKG = pathlib.Path(ch.__file__).parent
REPO = pathlib.Path(__file__).resolve().parents[3]


def _stub_names(path):
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return names


def test_every_public_name_imports_and_is_stubbed():
    stubs = _stub_names(PKG / "__init__.pyi")
    assert (PKG / "py.typed").exists()
    for name in ch.__all__:
        assert hasattr(ch, name), name
        assert name in stubs, f"{name} missing from __init__.pyi"
    price_stubs = _stub_names(PKG / "price.pyi")
    for name in ch.price.__all__:
        assert callable(getattr(ch.price, name))
        assert name in price_stubs
    for job in ch.JOBS:
        assert callable(getattr(ch.Workspace, job)), job
        assert job in ch._native.JOB_NAMES
    assert issubclass(ch.InputError, ValueError) and ch.InputError is ch._native.InputError


def test_docstrings_state_units():
    assert "decimal" in ch.price.black76.__doc__
    assert "years" in ch.price.black76.__doc__
    for job in ch.JOBS:
        assert getattr(ch.Workspace, job).__doc__, job


def test_the_quickstart_of_docs_python_md_runs(tmp_path, monkeypatch):
    text = (REPO / "docs" / "python.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "no python block in docs/python.md"
    monkeypatch.chdir(tmp_path)
    scope = {}
    exec(compile(blocks[0], "docs/python.md", "exec"), scope)
    assert scope["r"].to_dict()["rows"] > 100
    assert len(scope["january"][0] if isinstance(scope["january"], tuple) else scope["january"]) == 31
