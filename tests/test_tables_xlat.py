"""tables/xlat.py and its generator tools/gen_flag_tables.py (flag tables from the headers)."""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from tool_module import tool_module

from pytest_renacer.decode import errno as E
from pytest_renacer.decode import flags as F
from pytest_renacer.tables import host_arch, xlat

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "tools" / "gen_flag_tables.py"


@pytest.fixture(scope="module")
def gen() -> Iterator[ModuleType]:
    yield from tool_module(GENERATOR)


@pytest.mark.skipif(shutil.which("gcc") is None and shutil.which("cc") is None,
                    reason="the generator reads the headers with the C compiler")
@pytest.mark.skipif(host_arch() != "x86_64",
                    reason="the x86_64 values are read from the host's own headers")
@pytest.mark.parametrize("module", ["tables/xlat.py", "tracer/kernel.py"])
def test_generated_module_is_fresh(gen: ModuleType, tmp_path: Path, module: str) -> None:
    """Re-running the generator on this machine's headers reproduces the committed modules
    (tables/xlat.py from tools/flag_tables.txt, tracer/kernel.py from tracer_constants.txt)."""
    spec, committed_path = ((gen.SPEC, gen.DEFAULT_OUT) if module == "tables/xlat.py"
                            else (gen.TRACER_SPEC, gen.TRACER_OUT))
    if module == "tables/xlat.py" and not (
            Path(gen.AARCH64_INCLUDE) / "asm" / "unistd.h").is_file():
        pytest.skip("no arm64 UAPI headers (tools/install-test-deps installs them)")
    out = tmp_path / "module.py"
    assert gen.main(["--spec", str(spec), "--out", str(out)]) == 0
    committed = (ROOT / committed_path).read_text().splitlines()
    fresh = out.read_text().splitlines()
    if fresh[:2] != committed[:2]:  # the headers' versions
        pytest.skip(f"the headers here differ from the module's: {fresh[1]!r}")
    assert fresh == committed


def test_every_generated_table_is_printed_with(gen: ModuleType) -> None:
    tables = gen.parse_spec(gen.SPEC.read_text())
    names = {t.name for t in tables if not t.constants}
    # decode/errno.py's dicts and flags.USER_REGS_X86_64 are built from these
    by_errno = {"ERRNO_NAMES", "SIGNAL_NAMES", "SI_CODES", "TRAP_CODES", "CLD_CODES",
                "POLL_CODES", "ILL_CODES", "FPE_CODES", "SEGV_CODES", "BUS_CODES",
                "SYS_CODES", "AUDIT_ARCHES", "PTRACE_EVENTS"}
    assert names - set(F.ALL_XLATS) == {"USER_REGS_X86_64"} | by_errno
    assert F.USER_REGS_X86_64[:3] == ("R15", "R14", "R13")
    assert (E.ERRNO_NAMES[2], E.ERRNO_NAMES[512], E.SIGNAL_NAMES[17], E.SIGNAL_NAMES[64]) == (
        "ENOENT", "ERESTARTSYS", "SIGCHLD", "SIGRT_32")
    for name in names - {"USER_REGS_X86_64"} - by_errno:
        unknown, zero, pairs = getattr(xlat, name)
        table = F.ALL_XLATS[name]
        assert (table.pairs, table.unknown, table.zero) == (pairs, unknown, zero)


@pytest.mark.parametrize(("spec", "message"), [
    ("A B\n", "an entry before the first [TABLE]"),
    ("[T] unknown=T_???\nA\n", "names no headers="),
    ("[T] colour=red headers=x.h\nA\n", "unknown option 'colour=red'"),
    ("[T] headers=x.h\nA = 12\n", "a literal value needs a '# source' comment"),
    ("[T] headers=x.h\nA B A\n", "a name twice"),
    ("[T] headers=x.h\n[T] headers=x.h\nA\n", "T defined twice"),
    ("[T] headers=x.h\n", "no entries"),
    ("[=C] headers=x.h\nA\n[=D] headers=x.h\nA\n", "A is already defined by [=C]"),
])
def test_spec_errors_are_reported(gen: ModuleType, spec: str, message: str) -> None:
    with pytest.raises(gen.GenError, match=message.replace("[", r"\[").replace("?", r"\?")):
        gen.parse_spec(spec)


def test_a_literal_with_its_source_is_accepted(gen: ModuleType) -> None:
    (table,) = gen.parse_spec("[T] headers=x.h\nA B\nC = 12  # kernel include/x.h\n")
    assert [(e.name, e.expr, e.source) for e in table.entries] == [
        ("A", "A", ""), ("B", "B", ""), ("C", "12", "kernel include/x.h")]


@pytest.mark.skipif(shutil.which("gcc") is None and shutil.which("cc") is None,
                    reason="the generator reads the headers with the C compiler")
def test_expressions_and_masks_are_computed(gen: ModuleType, tmp_path: Path) -> None:
    spec = tmp_path / "spec.txt"
    spec.write_text("[T] headers=linux/fcntl.h mask=0xff\nO_CREAT\nX = O_CREAT << 4\n")
    assert gen.main(["--spec", str(spec), "--out", str(tmp_path / "x.py")]) == 0
    text = (tmp_path / "x.py").read_text()
    assert 'T = (None, None, (\n    ("O_CREAT", 0x40), ("X", 0),\n))' in text


@pytest.mark.skipif(shutil.which("gcc") is None and shutil.which("cc") is None,
                    reason="the generator reads the headers with the C compiler")
def test_a_missing_name_error_names_the_spec_line(gen: ModuleType, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec.txt"
    spec.write_text("[T] headers=linux/fcntl.h\nO_CREAT\nO_NO_SUCH_FLAG\n")
    assert gen.main(["--spec", str(spec), "--out", str(tmp_path / "x.py")]) == 2
    err = capsys.readouterr().err
    assert "spec.txt:3: [T] O_NO_SUCH_FLAG: 'O_NO_SUCH_FLAG' is not defined by linux/fcntl.h" in err


# --- the rule: kernel constants are generated, never typed by hand ----------------------

PACKAGE = ROOT / "pytest_renacer"
#: the packages that print or pass the kernel's numbers
CHECKED = ("decode", "output", "tracer")
_KERNEL_NAME = re.compile(r"^[A-Z][A-Z0-9]*_[A-Z0-9_]+( or [A-Z][A-Z0-9_]+)?$")
#: int-keyed dicts of strings that are no kernel constant (where, the dict's name): why
DICT_ALLOWED = {
    ("decode/strings.py", "_SPECIAL"): "C escapes strace's string_quote() prints",
}
#: integer literals bound to names there that are no kernel constant: why
INT_ALLOWED = {
    ("decode/capture.py", "M64"): "the 64-bit mask",
    ("decode/capture.py", "_PAGE"): "the read chunk memory reads align to",
    ("decode/capture.py", "_INT"): "sizeof(int) on the LP64 ABIs traced",
    ("decode/format.py", "M64"): "the 64-bit mask",
    ("decode/format.py", "M32"): "the 32-bit mask",
    ("output/text.py", "ACOLUMN"): "strace's default -a column",
    ("output/text.py", "WINDOW"): "the line memo's lookups per verdict",
    ("output/text.py", "SIZE"): "the line memo's texts per syscall",
    ("tracer/memory.py", "_WORD"): "a ptrace word's size",
    ("tracer/memory.py", "_MAX_ADDR"): "the highest address",
    ("tracer/memory.py", "_FIRST_CHUNK"): "the first string read's size",
    ("tracer/pipeline.py", "MAX_QUEUED"): "the decode queue's depth",
    ("tracer/spawn.py", "_CHILD_FAILED"): "the exit status of a child that could not exec",
}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for package in CHECKED:
        for path in sorted((PACKAGE / package).glob("*.py")):
            rel = path.relative_to(PACKAGE).as_posix()
            if rel != "tracer/kernel.py":  # generated
                yield rel, ast.parse(path.read_text(), rel)


def _int_literal(node: ast.expr | None) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return (isinstance(node, ast.Constant) and isinstance(node.value, int)
            and not isinstance(node.value, bool))


def _bound_name(tree: ast.Module, target: ast.AST) -> str:
    """The name the node's enclosing assignment binds (or its function's), for messages."""
    best = "?"
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.FunctionDef)) and any(
                n is target for n in ast.walk(node)):
            if isinstance(node, ast.FunctionDef):
                best = node.name
            else:
                first = node.targets[0] if isinstance(node, ast.Assign) else node.target
                if isinstance(first, ast.Name):
                    return first.id
    return best


def test_no_hand_typed_value_to_name_maps() -> None:
    """decode/, output/ and tracer/ hold no ``{0x5402: "TCSETS"}``-like dict literal: the
    names and numbers come from tables/xlat.py (tools/flag_tables.txt) or tracer/kernel.py."""
    found = []
    for rel, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            texts = [v.value for k, v in zip(node.keys, node.values, strict=True)
                     if _int_literal(k) and isinstance(v, ast.Constant)
                     and isinstance(v.value, str)]
            if not texts:
                continue
            where = (rel, _bound_name(tree, node))
            if where not in DICT_ALLOWED and any(_KERNEL_NAME.match(t) for t in texts):
                found.append(f"{rel}:{node.lineno} {where[1]}: {texts[:3]}")
    assert not found, "hand-typed kernel names (generate them: tools/flag_tables.txt):\n" + (
        "\n".join(found))


def test_no_hand_typed_named_numbers() -> None:
    """No module- or class-level ``UPPER_NAME = <int>`` there beyond the allowed ones: a
    kernel number is generated (tools/flag_tables.txt, tools/tracer_constants.txt)."""
    found = []
    bodies: list[tuple[str, list[ast.stmt]]] = []
    for rel, tree in _modules():
        bodies.append((rel, tree.body))
        bodies += [(rel, n.body) for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    for rel, body in bodies:
        for stmt in body:
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
            targets = (stmt.targets if isinstance(stmt, ast.Assign)
                       else [stmt.target] if isinstance(stmt, ast.AnnAssign) else [])
            for target in targets:
                if (isinstance(target, ast.Name) and target.id.lstrip("_").isupper()
                        and _int_literal(value) and (rel, target.id) not in INT_ALLOWED):
                    found.append(f"{rel}:{stmt.lineno} {target.id}")
    assert not found, "hand-typed numbers (generate them, or allow them here with why):\n" + (
        "\n".join(found))


def test_the_scans_catch_what_they_look_for() -> None:
    tree = ast.parse('KD = {0: "KD_TEXT", 1: "KD_GRAPHICS"}\nX = {0x5402: "A or TCSETS"}\n')
    dicts = [n for n in ast.walk(tree) if isinstance(n, ast.Dict)]
    assert [_bound_name(tree, d) for d in dicts] == ["KD", "X"]
    assert all(_int_literal(k) for d in dicts for k in d.keys)
    assert _KERNEL_NAME.match("SNDCTL_TMR_START or TCSETS") and _KERNEL_NAME.match("SIG_DFL")
    assert not _KERNEL_NAME.match("x86_64") and not _KERNEL_NAME.match('\\"')
    assert _int_literal(ast.parse("-6", mode="eval").body)
