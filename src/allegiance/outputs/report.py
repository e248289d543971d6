"""The situation report: one self-contained HTML file (or Markdown) an analyst can read in five minutes.

Everything in it comes from the store, and every statement links to its evidence: the article, the
outlet and the sentence. Article text is untrusted input: every string drawn from it is escaped
(``html.escape``) before it reaches the page, and the page loads nothing from the network.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from allegiance.actors.kb import KnowledgeBase
from allegiance.analysis.allegiances import Stance, allegiances, contenders
from allegiance.analysis.framing import (
    CoupClaim,
    coup_attribution,
    labels_by_outlet,
    loaded_rates,
)
from allegiance.ontology import ontology
from allegiance.store import Store

#: The timeline's colour for the types without one of their own (``colour`` in data/events/types.yaml).
OTHER_COLOUR = "#bdc3c7"
#: The most widely reported fused events considered for the key-events table, before the scope filter.
KEY_EVENT_CANDIDATES = 200


def _colours() -> dict[str, str]:
    """Timeline colour by type; the types without a colour are counted together as "other"."""
    return {t.name: t.colour for t in ontology().types.values() if t.colour} | {"other": OTHER_COLOUR}


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass
class EvidenceRef:
    doc_id: str
    outlet: str | None
    sentence: str


@dataclass
class KeyEvent:
    type: str
    source: str | None
    target: str | None
    date: str | None
    status: str
    num_sources: int
    num_mentions: int
    outlets: list[str]
    evidence: list[EvidenceRef]


@dataclass
class Dispute:
    asserts: list[tuple[str | None, EvidenceRef]]
    denies: list[tuple[str | None, EvidenceRef]]


@dataclass
class ReportData:
    generated: str
    scope: str
    articles: list[tuple]
    counts: dict[str, int]
    timeline: dict[str, Counter]
    contenders: list[tuple[str, str]]
    stances: list[Stance]
    key_events: list[KeyEvent]
    disputes: list[Dispute]
    labels: dict[str, dict[str, list[str]]]
    loaded: dict[str, dict[str, float]]
    coups: list[CoupClaim]
    outlets_of: dict[str, str | None] = field(default_factory=dict)


def gather(store: Store, kb: KnowledgeBase, country: str | None = None, date_from: dt.date | None = None,
           date_to: dt.date | None = None, principals: list[str] | None = None) -> ReportData:
    articles = store.articles_overview()
    outlets_of = {a[0]: a[2] for a in articles}

    def in_scope(date: str | None, *countries) -> bool:
        if country and country not in countries:
            return False
        if date and date_from and date[:10] < date_from.isoformat()[: len(date[:10])]:
            return False
        if date and date_to and date[:10] > date_to.isoformat()[: len(date[:10])]:
            return False
        return True

    colours = _colours()
    events = store.event_dates()
    timeline: dict[str, Counter] = defaultdict(Counter)
    counted = 0
    for etype, date, loc, src, tgt in events:
        if not in_scope(date, loc, src, tgt):
            continue
        counted += 1
        if date and len(date) >= 7:
            day = dt.date.fromisoformat(date[:10]) if len(date) >= 10 else dt.date.fromisoformat(date[:7] + "-01")
            week = (day - dt.timedelta(days=day.weekday())).isoformat()
            timeline[week][etype if etype in colours else "other"] += 1
    fused = store.key_fused_events(ontology().type_names(key_event=True), KEY_EVENT_CANDIDATES)
    key_events = [
        KeyEvent(t, s, g, d, st, ns, nm, list(o or []),
                 [EvidenceRef(ev["doc_id"], outlets_of.get(ev["doc_id"]), ev["sentence"]) for ev in evs])
        for t, s, g, d, st, ns, nm, o, evs, loc, sc, tc in fused if in_scope(d, loc, sc, tc)
    ][:25]
    stances = allegiances(store, kb, date_to, principals)
    disputes = _disputes(store, outlets_of)
    labels: dict[str, dict[str, list[str]]] = {}
    for cid, name in contenders(store, principals):
        per: dict[str, list[str]] = defaultdict(list)
        for r in labels_by_outlet(store, cid):
            per[r.outlet or "(outlet unknown)"].append(r.key)
        labels[name] = dict(per)
    loaded: dict[str, dict[str, float]] = defaultdict(dict)
    for r in loaded_rates(store):
        loaded[r.outlet or "(outlet unknown)"][r.key] = r.value
    counts = {
        "articles": len(articles),
        "independent articles": sum(1 for a in articles if a[6] is None),
        "outlets": len({a[2] for a in articles if a[2]}),
        "events in scope": counted,
        "fused events": store.count_fused_events(),
        "quotations": store.count_direct_quotes(),
        "contested claim groups": len(disputes),
    }
    scope = ", ".join(p for p in (
        f"country {country}" if country else "", f"from {date_from}" if date_from else "",
        f"to {date_to}" if date_to else "") if p) or "whole corpus"
    return ReportData(dt.datetime.now().strftime("%Y-%m-%d %H:%M"), scope, articles, counts, dict(timeline),
                      contenders(store, principals), stances, key_events, disputes, labels, dict(loaded),
                      coup_attribution(store), outlets_of)


def _disputes(store: Store, outlets_of: dict) -> list[Dispute]:
    rows = store.contested_claims()
    groups: dict[str, Dispute] = {}
    for gid, speaker, stance, text, doc in rows:
        d = groups.setdefault(gid, Dispute([], []))
        (d.denies if stance == "deny" else d.asserts).append((speaker, EvidenceRef(doc, outlets_of.get(doc), text)))
    return list(groups.values())


# -- summary ----------------------------------------------------------------------------------------

def summary(data: ReportData) -> str:
    """A paragraph generated from the data, in plain words."""
    parts = [f"{data.counts['articles']} articles ({data.counts['independent articles']} independent) from "
             f"{data.counts['outlets']} named outlets."]
    if len(data.contenders) >= 2:
        names = [n for _, n in data.contenders]
        parts.append(f"The contest for power is between {names[0]} and {names[1]}.")
        for cid, name in data.contenders:
            backers = [s.actor for s in data.stances if s.contender_id == cid and s.stance > 0]
            against = [s.actor for s in data.stances if s.contender_id == cid and s.stance < 0]
            if backers:
                parts.append(f"{len(backers)} actors are reported standing with {name} ({', '.join(backers[:5])}"
                             + (", …" if len(backers) > 5 else "") + ").")
            if against:
                parts.append(f"{len(against)} turned or stand against {name} ({', '.join(against[:4])}).")
        security = [s for s in data.stances if s.group == "military and security"]
        if security:
            loyal = Counter(s.contender for s in security if s.stance > 0)
            if loyal:
                parts.append("Among the military and security forces, stances favour "
                             + ", ".join(f"{c} ({n})" for c, n in loyal.most_common()) + ".")
    if data.key_events:
        top = data.key_events[0]
        parts.append(f"The most widely reported event: {top.source or '?'} — {top.type.lower().replace('_', ' ')}"
                     + (f" — {top.target}" if top.target else "") + f" ({top.num_sources} sources).")
    if data.disputes:
        parts.append(f"{len(data.disputes)} claim(s) are contested between the parties.")
    return " ".join(parts)


# -- HTML ---------------------------------------------------------------------------------------------

def _evidence_html(items: list[EvidenceRef], limit: int = 3) -> str:
    lis = "".join(
        f'<li><a href="#doc-{esc(e.doc_id)}">{esc(e.outlet or e.doc_id)}</a>: <q>{esc(e.sentence)}</q></li>'
        for e in items[:limit])
    more = f"<li>… and {len(items) - limit} more</li>" if len(items) > limit else ""
    return f"<details><summary>{len(items)} source sentence(s)</summary><ul>{lis}{more}</ul></details>"


def _timeline_svg(timeline: dict[str, Counter]) -> str:
    weeks = sorted(timeline)
    if not weeks:
        return "<p>No dated events.</p>"
    width, height, pad = max(320, 14 * len(weeks) + 60), 220, 40
    peak = max(sum(c.values()) for c in timeline.values())
    bar = (width - pad - 10) / len(weeks)
    colours = _colours()
    parts = [f'<svg id="timeline" role="img" aria-label="Events per week by type" width="{width}" height="{height + 40}" '
             f'viewBox="0 0 {width} {height + 40}">']
    for i, week in enumerate(weeks):
        y = height
        for etype, n in sorted(timeline[week].items()):
            h = (height - 20) * n / peak
            y -= h
            parts.append(f'<rect class="bar" x="{pad + i * bar:.1f}" y="{y:.1f}" width="{max(bar - 2, 1):.1f}" '
                         f'height="{h:.1f}" fill="{colours.get(etype, OTHER_COLOUR)}">'
                         f"<title>{esc(week)}: {n} {esc(etype)}</title></rect>")
    parts.append(f'<text x="{pad}" y="{height + 15}" class="axis">{esc(weeks[0])}</text>')
    parts.append(f'<text x="{width - 10}" y="{height + 15}" class="axis" text-anchor="end">{esc(weeks[-1])}</text>')
    parts.append(f'<text x="5" y="15" class="axis">{peak}</text></svg>')
    used = sorted({t for c in timeline.values() for t in c})
    legend = "".join(f'<span class="key"><i style="background:{colours.get(t, OTHER_COLOUR)}"></i>'
                     f"{esc(t)}</span>" for t in used)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _allegiance_svg(data: ReportData) -> str:
    """Contenders in the middle; each actor placed by the contender it stands with or against."""
    if not data.contenders:
        return "<p>No contenders found.</p>"
    cons = data.contenders[:2]
    width, height = 900, 480
    centres = {cid: (width * (0.33 if i == 0 else 0.67), height / 2) for i, (cid, _) in enumerate(cons)}
    parts = [f'<svg id="allegiance-picture" role="img" aria-label="Who stands with whom" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">']
    for cid, name in cons:
        x, y = centres[cid]
        parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="38" class="contender"/>'
                     f'<text x="{x:.0f}" y="{y + 5:.0f}" text-anchor="middle" class="contender-name">{esc(name)}</text>')
    per: dict[tuple[str, int], list[Stance]] = defaultdict(list)
    for s in data.stances:
        if s.contender_id in centres:
            per[(s.contender_id, s.stance)].append(s)
    for (cid, stance), items in per.items():
        cx, cy = centres[cid]
        side = -1 if cid == cons[0][0] else 1
        for k, s in enumerate(items[:14]):
            radius = 120 if stance > 0 else 205
            angle = (k - (len(items[:14]) - 1) / 2) * 0.22
            x = cx + side * radius * math.cos(angle)
            y = cy + radius * math.sin(angle) * 1.6
            y = min(max(y, 20), height - 20)
            colour = "#2e8b57" if stance > 0 else "#c0392b"
            security = " security" if s.group == "military and security" else ""
            parts.append(f'<line x1="{cx:.0f}" y1="{cy:.0f}" x2="{x:.0f}" y2="{y:.0f}" stroke="{colour}" '
                         f'stroke-dasharray="{"0" if stance > 0 else "4 3"}" opacity="0.5"/>'
                         f'<circle cx="{x:.0f}" cy="{y:.0f}" r="7" fill="{colour}" class="actor{security}">'
                         f"<title>{esc(s.actor)} — {'with' if stance > 0 else 'against'} {esc(s.contender)}</title></circle>"
                         f'<text x="{x + side * 10:.0f}" y="{y + 4:.0f}" class="actor-name" '
                         f'text-anchor="{"end" if side < 0 else "start"}">{esc(s.actor)}</text>')
    parts.append("</svg>")
    return "".join(parts) + ('<p class="note">Green, solid: stands with; red, dashed: stands against. '
                             "A thick ring marks the military and security forces.</p>")


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;line-height:1.45;padding:0 1rem}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border-bottom:1px solid #e3e3e3;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6;cursor:pointer}q{font-style:italic}.meta{color:#666}.with{color:#2e8b57;font-weight:600}.against{color:#c0392b;font-weight:600}
.legend{font-size:.8rem;margin:.3rem 0}.key{margin-right:.8rem;white-space:nowrap}.key i{display:inline-block;width:.8rem;height:.8rem;margin-right:.25rem;vertical-align:middle}
.contender{fill:#fdf6e3;stroke:#333;stroke-width:2}.contender-name{font-weight:700;font-size:13px}.actor-name{font-size:11px}.actor.security{stroke:#000;stroke-width:3}
.axis{font-size:10px;fill:#666}.note{font-size:.85rem;color:#666}details summary{cursor:pointer;color:#245}input#filter{margin:.4rem 0;padding:.3rem;width:18rem}
.dispute{display:grid;grid-template-columns:1fr 1fr;gap:1rem;border:1px solid #e3e3e3;padding:.6rem;margin:.6rem 0}
"""

_JS = """
document.querySelectorAll('th').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], i = Array.prototype.indexOf.call(th.parentNode.children, th);
    var rows = Array.prototype.slice.call(body.rows), asc = th.dataset.asc !== '1';
    rows.sort(function (a, b) {
      var x = a.cells[i].innerText, y = b.cells[i].innerText, nx = parseFloat(x), ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    th.dataset.asc = asc ? '1' : '0';
  });
});
var filter = document.getElementById('filter');
if (filter) {
  filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase();
    document.querySelectorAll('#stances tbody tr').forEach(function (tr) {
      tr.style.display = tr.innerText.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
    });
  });
}
document.body.dataset.ready = '1';
"""


def render_html(data: ReportData) -> str:
    h = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Allegiance situation report</title>"
         f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{_CSS}</style></head><body>",
         "<h1>Situation report</h1>",
         f'<p class="meta">Generated {esc(data.generated)} by Allegiance · scope: {esc(data.scope)}</p>',
         f'<h2 id="summary">Summary</h2><p>{esc(summary(data))}</p>',
         '<h2 id="timeline-section">Events over time</h2>', _timeline_svg(data.timeline),
         '<h2 id="picture">Who stands with whom</h2>', _allegiance_svg(data),
         '<h2 id="where">Who stands where</h2><input id="filter" placeholder="Filter actors…" aria-label="Filter">',
         '<table id="stances"><thead><tr><th>group</th><th>actor</th><th>stance</th><th>contender</th><th>since</th>'
         "<th>status</th><th>sources</th><th>evidence</th></tr></thead><tbody>"]
    order = {g: i for i, g in enumerate(ontology().groups)}
    for s in sorted(data.stances, key=lambda s: order[s.group]):
        mark = '<span class="with">with</span>' if s.stance > 0 else '<span class="against">against</span>'
        ev = [EvidenceRef(e.doc_id, e.outlet, e.sentence) for e in s.evidence]
        h.append(f"<tr><td>{esc(s.group)}</td><td>{esc(s.actor)}</td><td>{mark}</td><td>{esc(s.contender)}</td>"
                 f"<td>{esc(s.since)}</td><td>{esc(s.status)}</td><td>{s.num_sources}</td><td>{_evidence_html(ev)}</td></tr>")
    h.append("</tbody></table>")
    h.append('<h2 id="key-events">Key events</h2><table id="events"><thead><tr><th>event</th><th>who</th><th>whom</th>'
             "<th>date</th><th>status</th><th>sources</th><th>outlets</th><th>evidence</th></tr></thead><tbody>")
    for e in data.key_events:
        h.append(f"<tr><td>{esc(e.type)}</td><td>{esc(e.source)}</td><td>{esc(e.target)}</td><td>{esc(e.date)}</td>"
                 f"<td>{esc(e.status)}</td><td>{e.num_sources}</td><td>{esc(', '.join(e.outlets))}</td>"
                 f"<td>{_evidence_html(e.evidence)}</td></tr>")
    h.append("</tbody></table>")
    h.append('<h2 id="disputes">Contested claims</h2>')
    if not data.disputes:
        h.append("<p>No contested claims found.</p>")
    for d in data.disputes:
        sides = []
        for title, items in (("Asserted", d.asserts), ("Denied", d.denies)):
            lis = "".join(f'<li><b>{esc(sp or "unnamed")}</b> (<a href="#doc-{esc(e.doc_id)}">{esc(e.outlet or e.doc_id)}</a>): '
                          f"<q>{esc(e.sentence)}</q></li>" for sp, e in items)
            sides.append(f"<div><h3>{title}</h3><ul>{lis}</ul></div>")
        h.append(f'<div class="dispute">{"".join(sides)}</div>')
    h.append('<h2 id="framing">How the outlets frame it</h2>')
    for name, per in data.labels.items():
        h.append(f"<h3>Labels for {esc(name)}</h3><table><thead><tr><th>outlet</th><th>labels</th></tr></thead><tbody>")
        for outlet, labs in sorted(per.items()):
            h.append(f"<tr><td>{esc(outlet)}</td><td>{esc('; '.join(dict.fromkeys(labs)))}</td></tr>")
        h.append("</tbody></table>")
    cats = sorted({c for v in data.loaded.values() for c in v})
    h.append("<h3>Loaded terms per 1,000 words of author text</h3><table><thead><tr><th>outlet</th>"
             + "".join(f"<th>{esc(c)}</th>" for c in cats) + "</tr></thead><tbody>")
    for outlet, vals in sorted(data.loaded.items()):
        h.append(f"<tr><td>{esc(outlet)}</td>" + "".join(f"<td>{vals.get(c, 0):.1f}</td>" for c in cats) + "</tr>")
    h.append("</tbody></table><h3>Who is said to stage a coup</h3><table><thead><tr><th>said to stage it</th>"
             "<th>said by</th><th>as</th><th>outlet</th><th>evidence</th></tr></thead><tbody>")
    for c in data.coups[:60]:
        h.append(f"<tr><td>{esc(c.accused)}</td><td>{esc(c.accuser or '(the outlet)')}</td><td>{esc(c.kind)} ({esc(c.status)})</td>"
                 f"<td>{esc(c.outlet)}</td><td>{_evidence_html([EvidenceRef(c.doc_id, c.outlet, c.sentence)])}</td></tr>")
    h.append("</tbody></table>")
    h.append('<h2 id="appendix">Appendix: counts and corpus</h2><ul>'
             + "".join(f"<li>{esc(k)}: {v}</li>" for k, v in data.counts.items()) + "</ul>")
    h.append('<table id="corpus"><thead><tr><th>article</th><th>title</th><th>outlet</th><th>published</th>'
             "<th>language</th><th>duplicate of</th></tr></thead><tbody>")
    for doc, title, outlet, pub, url, lang, dup in data.articles:
        link = f'<a href="{esc(url)}" rel="noopener">{esc(title or doc)}</a>' if url and url.startswith(("http://", "https://")) else esc(title or doc)
        h.append(f'<tr id="doc-{esc(doc)}"><td>{esc(doc)}</td><td>{link}</td><td>{esc(outlet)}</td><td>{esc(pub)}</td>'
                 f"<td>{esc(lang)}</td><td>{esc(dup)}</td></tr>")
    h.append(f"</tbody></table><script>{_JS}</script></body></html>")
    return "\n".join(h)


def render_markdown(data: ReportData) -> str:
    def cell(value) -> str:
        return ("" if value is None else str(value)).replace("|", "\\|").replace("\n", " ")

    out = ["# Situation report", "", f"Generated {data.generated} · scope: {data.scope}", "", "## Summary", "",
           summary(data), "", "## Who stands where", "",
           "| group | actor | stance | contender | since | status | sources | evidence |", "|---|---|---|---|---|---|---|---|"]
    for s in data.stances:
        ev = s.evidence[0] if s.evidence else None
        out.append(f"| {cell(s.group)} | {cell(s.actor)} | {'with' if s.stance > 0 else 'against'} | {cell(s.contender)} | "
                   f"{cell(s.since)} | {cell(s.status)} | {s.num_sources} | "
                   + (f"{cell(ev.outlet or ev.doc_id)}: “{cell(ev.sentence)}”" if ev else "") + " |")
    out += ["", "## Key events", "", "| event | who | whom | date | status | sources | evidence |", "|---|---|---|---|---|---|---|"]
    for e in data.key_events:
        ev = e.evidence[0]
        out.append(f"| {cell(e.type)} | {cell(e.source)} | {cell(e.target)} | {cell(e.date)} | {cell(e.status)} | "
                   f"{e.num_sources} | {cell(ev.outlet or ev.doc_id)}: “{cell(ev.sentence)}” |")
    out += ["", "## Contested claims", ""]
    for d in data.disputes:
        for label, items in (("Asserted", d.asserts), ("Denied", d.denies)):
            for sp, e in items:
                out.append(f"- **{label}** by {cell(sp or 'unnamed')} ({cell(e.outlet or e.doc_id)}): “{cell(e.sentence)}”")
        out.append("")
    out += ["## Corpus", "", "| article | title | outlet | published |", "|---|---|---|---|"]
    out += [f"| {cell(a[0])} | {cell(a[1])} | {cell(a[2])} | {cell(a[3])} |" for a in data.articles]
    return "\n".join(out) + "\n"
