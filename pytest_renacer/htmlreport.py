"""The ``--renacer-html=PATH`` report: one self-contained HTML file, no network, no files.

Per traced test: a bar chart of its syscall counts against its baseline, and per trace
a timeline of its calls, one lane per process and thread, each call a bar as long as it
took (failed calls in red); hovering a bar shows the decoded call and its source line.
The SVG is drawn here; the page's small script only shows the hover details, which it
reads from the JSON embedded in the page.
"""

from __future__ import annotations

import html
import json
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .artifacts import now_iso, write_text_atomic
from .output.chrome import call_text, source_text

#: Calls drawn per trace: beyond, the timeline says how many were left out.
MAX_EVENTS = 4000
#: Syscall names in a test's bar chart (the most frequent, now or in the baseline).
MAX_BARS = 15

_WIDTH = 1000  # the timeline's drawing width (SVG units, scaled to the page)
_LANE = 18
_LABEL = 190  # room for lane and bar labels
_PALETTE = ("#4e79a7", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac",
            "#86bcb6", "#8cd17d", "#a0cbe8", "#d4a6c8", "#f1ce63")
_FAILED = "#d62728"


def report_entry(nodeid: str, outcome: str, reason: str | None, counts: Counter[str],
              base: Mapping[str, int] | None, traces: Sequence[Mapping[str, Any]],
              ) -> dict[str, Any]:
    """What the report keeps of one traced test (JSON-able: xdist workers send it over).

    ``traces`` are renacer-json-v1 documents with their events and a ``label``.
    """
    kept = []
    for t in traces:
        events = t.get("events") or []
        argv = {p["pid"]: p.get("argv") or [] for p in t.get("processes", [])}
        starts = [float(e.get("start") or 0.0) + float(e.get("duration") or 0.0)
                  for e in events]
        kept.append({
            "label": t.get("label", ""),
            # a trace made in place may not know its own duration: its calls' span then
            "duration": max([float(t.get("duration") or 0.0), *starts]),
            "argv": {str(pid): args[:3] for pid, args in argv.items()},
            "calls": len(events),
            "events": [_event(e) for e in events[:MAX_EVENTS]],
        })
    return {"nodeid": nodeid, "outcome": outcome, "reason": reason,
            "counts": dict(counts), "base": None if base is None else dict(base),
            "traces": kept}


def _event(e: Mapping[str, Any]) -> list[Any]:
    """[pid, tid, start, duration, name, call as strace shows it, failed, source line]"""
    return [e.get("pid"), e.get("tid"), float(e.get("start") or 0.0),
            float(e.get("duration") or 0.0), e.get("name"), call_text(e),
            bool(e.get("errno")), source_text(e)]


def write_report(path: Path, tests: Sequence[Mapping[str, Any]], *, title: str) -> None:
    write_text_atomic(path, render(tests, title=title))


def render(tests: Sequence[Mapping[str, Any]], *, title: str) -> str:
    ordered = sorted(tests, key=lambda t: str(t["nodeid"]))
    total = sum(sum(t["counts"].values()) for t in ordered)
    failed = sum(t["outcome"] == "failed" for t in ordered)
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(title)}</h1><p class=\"summary\">{len(ordered)} traced tests, "
        f"{failed} failed, {total} syscalls &middot; written {_e(now_iso())}</p>",
        "<p class=\"legend\">Timelines: one lane per process and thread, one bar per call "
        "(its length: how long it took); <span class=\"swatch failed\"></span> failed calls. "
        "Hover a bar for the call and its source line.</p></header>",
        _index(ordered),
    ]
    for n, test in enumerate(ordered):
        parts.append(_test_section(n, test))
    hover = [[t["events"] for t in test["traces"]] for test in ordered]
    data = json.dumps(hover, separators=(",", ":")).replace("</", "<\\/")
    parts.append("<div id=\"tip\" role=\"tooltip\" hidden></div>")
    parts.append(f"<script type=\"application/json\" id=\"renacer-data\">{data}</script>")
    parts.append(f"<script>{_JS}</script></body></html>\n")
    return "".join(parts)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _index(tests: Sequence[Mapping[str, Any]]) -> str:
    if not tests:
        return "<p class=\"empty\">No traced test in this session.</p>"
    rows = "".join(
        f"<tr class=\"{_e(t['outcome'])}\"><td><a href=\"#test-{n}\">{_e(t['nodeid'])}</a>"
        f"</td><td>{_e(t['outcome'])}</td><td class=\"num\">{sum(t['counts'].values())}"
        "</td></tr>" for n, t in enumerate(tests))
    return ("<table class=\"index\"><thead><tr><th>Test</th><th>Outcome</th>"
            f"<th class=\"num\">Syscalls</th></tr></thead><tbody>{rows}</tbody></table>")


def _test_section(n: int, test: Mapping[str, Any]) -> str:
    counts: dict[str, int] = test["counts"]
    parts = [f"<section class=\"test {_e(test['outcome'])}\" id=\"test-{n}\">",
             f"<h2>{_e(test['nodeid'])} <span class=\"outcome\">{_e(test['outcome'])}</span>"
             f" <span class=\"total\">{sum(counts.values())} syscalls</span></h2>"]
    if test.get("reason"):
        parts.append(f"<p class=\"reason\">{_e(test['reason'])}</p>")
    parts.append("<h3>Syscall counts</h3>")
    parts.append(_bar_chart(counts, test.get("base")))
    for i, trace in enumerate(test["traces"]):
        parts.append(f"<h3>Timeline: {_e(trace['label'])} <span class=\"dim\">"
                     f"({trace['calls']} calls, {trace['duration'] * 1000:.1f} ms)</span></h3>")
        parts.append(_timeline(n, i, trace))
    parts.append("</section>")
    return "".join(parts)


def _bar_chart(counts: Mapping[str, int], base: Mapping[str, int] | None) -> str:
    names = sorted(set(counts) | set(base or ()),
                   key=lambda k: (-max(counts.get(k, 0), (base or {}).get(k, 0)), k))
    shown = names[:MAX_BARS]
    if not shown:
        return "<p class=\"dim\">No syscalls recorded.</p>"
    top = max(max(counts.get(k, 0), (base or {}).get(k, 0)) for k in shown) or 1
    row = 22 if base is not None else 16
    width = _WIDTH - _LABEL - 120
    out = [f"<svg class=\"counts\" viewBox=\"0 0 {_WIDTH} {row * len(shown) + 6}\" "
           f"width=\"{_WIDTH}\" height=\"{row * len(shown) + 6}\" role=\"img\" "
           "aria-label=\"syscall counts\">"]
    for j, name in enumerate(shown):
        y = j * row + 3
        now = counts.get(name, 0)
        out.append(f"<text class=\"name\" x=\"{_LABEL - 8}\" y=\"{y + 11}\">{_e(name)}</text>")
        out.append(f"<rect class=\"now\" data-name=\"{_e(name)}\" x=\"{_LABEL}\" y=\"{y}\" "
                   f"width=\"{now / top * width:.1f}\" height=\"12\"/>")
        label = str(now)
        if base is not None:
            was = base.get(name, 0)
            out.append(f"<rect class=\"base\" x=\"{_LABEL}\" y=\"{y + 13}\" "
                       f"width=\"{was / top * width:.1f}\" height=\"5\"/>")
            label += f" (baseline {was})"
        x = _LABEL + max(now, (base or {}).get(name, 0)) / top * width + 6
        out.append(f"<text class=\"count\" x=\"{x:.1f}\" y=\"{y + 11}\">{label}</text>")
    out.append("</svg>")
    note = ("<p class=\"dim\">Bars: this run; thin grey bars: the baseline.</p>"
            if base is not None else
            "<p class=\"dim\">No baseline for this test (record one with "
            "<code>--renacer-update-baselines</code>).</p>")
    if len(names) > len(shown):
        note += f"<p class=\"dim\">{len(names) - len(shown)} more syscall names not shown.</p>"
    return "".join(out) + note


def _timeline(test: int, index: int, trace: Mapping[str, Any]) -> str:
    events: list[list[Any]] = trace["events"]
    if not events:
        return "<p class=\"dim\">No calls recorded (a count-only trace has no timeline).</p>"
    lanes: dict[tuple[int, int], int] = {}
    for ev in events:
        lanes.setdefault((ev[0], ev[1]), len(lanes))
    span = float(trace["duration"]) or 1e-9
    scale = (_WIDTH - _LABEL) / span
    height = len(lanes) * _LANE + 24
    out = [f"<svg class=\"timeline\" viewBox=\"0 0 {_WIDTH} {height}\" width=\"{_WIDTH}\" "
           f"height=\"{height}\" role=\"img\" aria-label=\"syscall timeline\">"]
    argv: dict[str, list[str]] = trace.get("argv", {})
    for (pid, tid), lane in lanes.items():
        y = lane * _LANE
        program = argv.get(str(pid), [""])[0] or ""
        # a program's name; not a label such as "test body of ..." (a body traced in place)
        name = Path(program).name if pid == tid and " " not in program else ""
        label = f"pid {pid}" if pid == tid else f"pid {pid} tid {tid}"
        if name:
            label += f" {name[:14]}"
        out.append(f"<text class=\"lane\" x=\"{_LABEL - 8}\" y=\"{y + 13}\">{_e(label)}</text>")
        out.append(f"<line class=\"lane\" x1=\"{_LABEL}\" x2=\"{_WIDTH}\" y1=\"{y + 9}\" "
                   f"y2=\"{y + 9}\"/>")
    for j, ev in enumerate(events):
        y = lanes[(ev[0], ev[1])] * _LANE + 2
        x = _LABEL + ev[2] * scale
        w = max(ev[3] * scale, 3.0)  # a short call stays visible (and hoverable)
        x = min(x, _WIDTH - w)
        fill = _FAILED if ev[6] else _PALETTE[zlib.crc32(str(ev[4]).encode()) % len(_PALETTE)]
        cls = "call failed" if ev[6] else "call"
        out.append(f"<rect class=\"{cls}\" data-t=\"{test}\" data-r=\"{index}\" data-e=\"{j}\" "
                   f"x=\"{x:.2f}\" y=\"{y}\" width=\"{w:.2f}\" height=\"14\" fill=\"{fill}\"/>")
    y = len(lanes) * _LANE + 16
    for k in range(5):  # a time axis: 0, 1/4 ... the whole span
        t = span * k / 4
        anchor = "end" if k == 4 else "start"
        out.append(f"<text class=\"axis\" x=\"{_LABEL + t * scale:.1f}\" y=\"{y}\" "
                   f"text-anchor=\"{anchor}\">{t * 1000:.2f} ms</text>")
    out.append("</svg>")
    if trace["calls"] > len(events):
        out.append(f"<p class=\"dim\">The first {len(events)} of {trace['calls']} calls "
                   "are drawn.</p>")
    return "".join(out)


_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:0 0 .4em;word-break:break-all}
h3{font-size:.95em;margin:1em 0 .3em}.dim,.legend,.summary{color:#666}
section.test{border:1px solid #ddd;border-left:5px solid #59a14f;border-radius:4px;
padding:.8em 1em;margin:1.2em 0}section.test.failed{border-left-color:#d62728}
section.test.skipped,section.test.xfailed{border-left-color:#bab0ac}
.outcome{font-weight:normal;font-size:.85em;padding:.1em .5em;border-radius:3px;background:#eee}
.failed .outcome{background:#fbd5d5}.total{font-weight:normal;color:#666;font-size:.85em}
.reason{font-family:monospace;background:#fff4f4;padding:.3em .5em;border-radius:3px}
table.index{border-collapse:collapse;margin:1em 0}table.index td,table.index th{padding:.2em .8em;
border-bottom:1px solid #eee;text-align:left}.num{text-align:right!important}
tr.failed td:nth-child(2){color:#d62728;font-weight:bold}
svg{display:block;max-width:100%;height:auto}svg text{font:11px monospace;fill:#333}
svg text.name,svg text.lane{text-anchor:end}svg text.axis{fill:#777;font-size:10px}
svg line.lane{stroke:#eee}rect.now{fill:#4e79a7}rect.base{fill:#999}
rect.call:hover,rect.call.hover{stroke:#000;stroke-width:1}rect.call.failed{stroke:#7a0000}
.swatch{display:inline-block;width:1.5em;height:.8em;vertical-align:middle}
.swatch.failed{background:#d62728}
#tip{position:fixed;z-index:9;max-width:60em;background:#222;color:#fff;padding:.4em .6em;
border-radius:4px;font:12px/1.4 monospace;white-space:pre-wrap;pointer-events:none}
"""

#: Hover details: the call as strace shows it, its process, timing and source line.
_JS = """
(function(){
var data=JSON.parse(document.getElementById('renacer-data').textContent);
var tip=document.getElementById('tip');
function details(r){
  var ev=data[+r.dataset.t][+r.dataset.r][+r.dataset.e];
  var lines=[ev[5],'pid '+ev[0]+(ev[1]!==ev[0]?' tid '+ev[1]:'')+' at '+(ev[2]*1000).toFixed(3)+
    ' ms, took '+(ev[3]*1e6).toFixed(1)+' us'];
  lines.push(ev[7]?'source: '+ev[7]:'source: unknown (trace with source=True)');
  return lines.join('\\n');
}
function show(r,x,y){
  tip.textContent=details(r);tip.hidden=false;r.classList.add('hover');
  tip.style.left=Math.min(x+12,window.innerWidth-tip.offsetWidth-8)+'px';
  tip.style.top=(y+14)+'px';
}
document.addEventListener('mouseover',function(e){
  var r=e.target.closest&&e.target.closest('rect.call');if(r){show(r,e.clientX,e.clientY);}
});
document.addEventListener('mouseout',function(e){
  var r=e.target.closest&&e.target.closest('rect.call');
  if(r){tip.hidden=true;r.classList.remove('hover');}
});
window.renacerDetails=details;
})();
"""
