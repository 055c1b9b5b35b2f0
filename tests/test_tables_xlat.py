"""tables/xlat.py and its generator tools/gen_flag_tables.py (flag tables from the headers)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from pytest_renacer.decode import errno as E
from pytest_renacer.decode import flags as F
from pytest_renacer.tables import host_arch, xlat

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "tools" / "gen_flag_tables.py"


@pytest.fixture(scope="module")
def gen() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("gen_flag_tables", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


@pytest.mark.skipif(shutil.which("gcc") is None and shutil.which("cc") is None,
                    reason="the generator reads the headers with the C compiler")
@pytest.mark.skipif(host_arch() != "x86_64",
                    reason="the x86_64 tables are read from the host's own headers")
def test_generated_module_is_fresh(gen: ModuleType, tmp_path: Path) -> None:
    """Re-running the generator on this machine's headers reproduces the committed module."""
    out = tmp_path / "xlat.py"
    if not (Path(gen.AARCH64_INCLUDE) / "asm" / "unistd.h").is_file():
        pytest.skip("no arm64 UAPI headers (tools/install-test-deps installs them)")
    assert gen.main(["--out", str(out)]) == 0
    committed = (ROOT / gen.DEFAULT_OUT).read_text().splitlines()
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
                "SYS_CODES", "AUDIT_ARCHES"}
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
