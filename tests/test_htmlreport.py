"""The --renacer-html report: what it holds, and how it renders in a real (headless) browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pytest_renacer.htmlreport import MAX_EVENTS, render, report_entry

#: A project whose traced tests have several processes, threads, failed calls, Python
#: source lines and a baseline.
TESTS = """
    import os, threading
    import pytest

    def read_config():
        for name in ("/etc/hostname", "/nonexistent/renacer.conf"):
            try:
                with open(name) as f:
                    f.read()
            except OSError:
                pass
        threads = [threading.Thread(target=os.stat, args=("/",)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    @pytest.mark.renacer(filter="openat,newfstatat,statx,stat,clone,clone3", source=True)
    def test_threads_and_files():
        read_config()

    # %file: how often the shell's wait4/rt_sigsuspend/rt_sigprocmask run depends on
    # whether its child has exited yet (the baseline comparison failed so under load)
    @pytest.mark.renacer(filter="%file")
    def test_shell(syscalls):
        t = syscalls.run(["sh", "-c", "cat /nonexistent-renacer 2>/dev/null; true & wait"])
        assert t.returncode == 0

    def test_untraced():
        pass
"""


def browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium here (tools/install-test-deps installs it where Debian has it)")


def chromium(url: str, tmp_path: Path, *args: str) -> str:
    """Run headless chromium on ``url``; its stdout (e.g. the DOM after the scripts ran)."""
    out = subprocess.run(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'chromium-profile'}",
         "--hide-scrollbars", "--window-size=1200,1600", *args, url],
        capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


#: Appended to a copy of the report: checks the page as the browser laid it out, and
#: hovers a failed call; writes what it found into the DOM for --dump-dom.
PROBE = """
<script>
(function(){
  var out = {errors: window.__errors || []};
  var calls = document.querySelectorAll('rect.call');
  out.calls = calls.length;
  out.failed = document.querySelectorAll('rect.call.failed').length;
  out.zero_width = 0; out.outside = 0;
  calls.forEach(function(r){
    var b = r.getBoundingClientRect(), s = r.ownerSVGElement.getBoundingClientRect();
    if (b.width <= 0 || b.height <= 0) out.zero_width++;
    if (b.left < s.left - 1 || b.right > s.right + 1) out.outside++;
  });
  out.lanes = Array.prototype.map.call(document.querySelectorAll('text.lane'),
                                       function(t){ return t.textContent; });
  out.bars = document.querySelectorAll('svg.counts rect.now').length;
  out.base_bars = document.querySelectorAll('svg.counts rect.base').length;
  var hovered = null;
  calls.forEach(function(r){
    var d = window.renacerDetails(r);
    if (!hovered && r.classList.contains('failed') && d.indexOf('renacer.conf') >= 0) hovered = r;
  });
  if (hovered) {
    var b = hovered.getBoundingClientRect();
    hovered.dispatchEvent(new MouseEvent('mouseover', {bubbles: true,
      clientX: b.left + 1, clientY: b.top + 1}));
    var tip = document.getElementById('tip');
    out.tip = tip.hidden ? null : tip.textContent;
    out.tip_visible = !tip.hidden && tip.getBoundingClientRect().width > 0;
  }
  var pre = document.createElement('pre'); pre.id = 'probe';
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
})();
</script>
"""


@pytest.fixture
def report(plugin_project: pytest.Pytester) -> Path:
    project = plugin_project
    project.makepyfile(test_x=textwrap.dedent(TESTS))
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-update-baselines")
    result.assert_outcomes(passed=3)
    # one more open than the baseline: a regression the chart shows against it
    project.makepyfile(test_x=textwrap.dedent(TESTS).replace(
        '"/nonexistent/renacer.conf")', '"/nonexistent/renacer.conf", "/etc/hostname")'))
    result = project.runpytest_inprocess("-p", "no:cacheprovider",
                                         "--renacer-html=reports/renacer.html")
    result.assert_outcomes(passed=2, failed=1)
    path = project.path / "reports" / "renacer.html"
    result.stdout.fnmatch_lines(["*- renacer HTML report -*",
                                 f"2 traced tests drawn in {path}"])
    return path


def test_html_report_content(report: Path) -> None:
    text = report.read_text()
    assert "http://" not in text and "https://" not in text and "src=" not in text  # self-contained
    assert text.count('<section class="test') == 2
    assert "test_x.py::test_threads_and_files" in text and "test_untraced" not in text
    assert re.search(r'class="reason">renacer baseline \(tolerance 10%\): .*openat 3 &gt; 2', text)
    assert "(baseline 2)" in text  # the chart shows the baseline's count next to this run's
    assert text.count('class="call failed"') >= 2  # the ENOENT open, the shell's cat
    assert oct(report.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_html_report_in_a_browser(report: Path, tmp_path: Path) -> None:
    page = report.read_text()
    catch = ("<script>window.__errors=[];"
             "window.onerror=function(m){window.__errors.push(m)};</script>")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("<style>", catch + "<style>", 1).replace(
        "</body>", PROBE + "</body>"))
    dom = chromium(probe.as_uri(), tmp_path, "--dump-dom")
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-3000:]
    out: dict[str, Any] = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")
                                     .replace("&lt;", "<").replace("&gt;", ">"))
    assert out["errors"] == []
    data = json.loads(re.search(r'id="renacer-data">(.*?)</script>', page, re.S).group(1))
    assert out["calls"] == sum(len(events) for test in data for events in test)
    assert out["failed"] >= 2 and out["zero_width"] == 0 and out["outside"] == 0
    # lanes: the test body's process and its two threads; the shell and its children
    assert sum(" tid " in lane for lane in out["lanes"]) >= 2
    assert any(lane.endswith(" sh") for lane in out["lanes"])
    assert any(lane.endswith(" cat") for lane in out["lanes"])
    assert out["bars"] >= 2 and out["base_bars"] == out["bars"]
    # hovering the failed open shows the decoded call and the Python line that made it
    assert out["tip_visible"], out
    assert re.search(r'openat\(AT_FDCWD, "/nonexistent/renacer.conf", O_RDONLY\S*\) = -1 ENOENT',
                     out["tip"]), out["tip"]
    assert re.search(r"source: \S+:\d+ in \w+", out["tip"]), out["tip"]
    # and the page renders: a screenshot of it
    shot = tmp_path / "report.png"
    chromium(report.as_uri(), tmp_path, f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_render_escapes_and_caps() -> None:
    events = [{"name": "openat", "pid": 7, "tid": 7, "start": i * 1e-6, "duration": 1e-6,
               "text": '"</script><b>x"', "retval": -1, "errno": "ENOENT", "finished": True}
              for i in range(MAX_EVENTS + 5)]
    data = report_entry("t.py::test_<b>", "failed", "why <b>", Counter({"openat": MAX_EVENTS + 5}),
                     None, [{"label": "cmd <b>", "duration": 0.01, "processes": [],
                             "events": events}])
    page = render([data], title="t <b>")
    assert page.count("</script>") == 2  # the data's "</script>" cannot end its element
    markup = re.sub(r'(id="renacer-data">).*?</script>', "", page, flags=re.S)
    assert "<b>" not in markup and "&lt;b&gt;" in markup
    assert page.count('class="call failed"') == MAX_EVENTS
    assert f"The first {MAX_EVENTS} of {MAX_EVENTS + 5} calls are drawn." in page
    assert "No baseline for this test" in page
