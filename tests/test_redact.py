"""--renacer-redact: no buffer contents or argv secrets in artifacts and reports."""

from __future__ import annotations

from pathlib import Path

import pytest

import pytest_renacer
from pytest_renacer.redact import MASK, Redactor

SECRETS = ("hunter2", "s3cr3t", "pw123", "tok-42")

TEST = r"""
import pytest

@pytest.mark.max_syscalls(0, filter="write")
def test_leaky(syscalls):
    syscalls.run(["/bin/sh", "-c", 'read x; echo "$x" >/dev/null', "sh", "TOKEN=s3cr3t",
                  "--password=pw123", "--key", "tok-42"], input=b"hunter2\n")
"""


def _run(pytester: pytest.Pytester, *args: str) -> tuple[str, str]:
    pytester.makepyfile(test_leaky=TEST)
    pytester.makeini("[pytest]\nrenacer_redact_patterns =\n    tok-\\d+\n")
    out = pytester.path / "artifacts"
    result = pytester.runpytest(f"--renacer-dir={out}", *args)
    result.assert_outcomes(failed=1)
    artifact = next(out.rglob("*.json")).read_text()
    return artifact, result.stdout.str()


def test_without_redaction_everything_is_there(pytester: pytest.Pytester) -> None:
    artifact, report = _run(pytester)
    for secret in SECRETS:
        assert secret in artifact
    assert "hunter2" in report  # the report's event lines show the write's buffer


def test_redaction_keeps_secrets_out_of_artifacts_and_reports(
        pytester: pytest.Pytester) -> None:
    artifact, report = _run(pytester, "--renacer-redact")
    for secret in SECRETS:
        assert secret not in artifact, secret
        assert secret not in report, secret
    assert f"TOKEN={MASK}" in artifact and f"--password={MASK}" in artifact
    assert '"/lib/x86_64-linux-gnu/libc.so.6"' in artifact or "libc.so" in artifact  # paths stay
    assert "write(1, 0x" in report  # the buffer as an address, as strace shows unread memory


def test_the_ini_switch_and_a_bad_pattern(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x(): pass\n")
    pytester.makeini("[pytest]\nrenacer_redact = true\nrenacer_redact_patterns =\n    (\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*renacer_redact_patterns: bad regex '('*"])


def test_the_traces_a_test_sees_are_untouched() -> None:
    t = pytest_renacer.trace(["/bin/sh", "-c", 'read x; echo "$x"', "sh", "TOKEN=s3cr3t"],
                             input=b"hunter2\n")
    red = Redactor.from_patterns([]).trace(t)
    writes = [ev for ev in t.events if ev.name == "write"]
    assert writes and "hunter2" in str(writes[0])
    assert "hunter2" not in str(next(ev for ev in red.events if ev.name == "write"))
    assert "TOKEN=s3cr3t" in t.argv and f"TOKEN={MASK}" in red.argv
    assert len(red) == len(t) and red.names() == t.names()


def test_text_masks_env_style_values_and_patterns() -> None:
    r = Redactor.from_patterns([r"Bearer \S+"])
    assert r.text("AWS_SECRET=abc") == f"AWS_SECRET={MASK}"
    assert r.text("--token=xyz") == f"--token={MASK}"
    assert r.text("Authorization: Bearer abc.def") == f"Authorization: {MASK}"
    assert r.text("/usr/bin/env") == "/usr/bin/env"
    assert Path(r.text("a=b c=d")).name == f"a={MASK} c={MASK}"
