// The Allegiance dashboard: every view reads the JSON API of the same server; nothing else is fetched.
// Article text is untrusted: every string from the API goes into the page as a text node (textContent),
// never as markup. Every filter and view setting lives in the URL, so a view can be shared and reloaded.
"use strict";

const FILTERS = ["country", "actor", "type", "status", "outlet", "lean", "from", "to", "q"];
const SETTINGS = ["measure", "interval", "direction", "net", "oactor", "evidence"];
const SVGNS = "http://www.w3.org/2000/svg";
const TOP_TYPES = 9;
const PALETTE = ["#1e88e5", "#e53935", "#43a047", "#fb8c00", "#8e24aa", "#00acc1", "#6d4c41", "#fdd835",
                 "#3949ab", "#d81b60"];

const state = Object.fromEntries([...FILTERS, ...SETTINGS].map(k => [k, ""]));
let status = null;
let eventsNext = null;

// ---- helpers -------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text != null) node.textContent = String(text);
  return node;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

function filterParams(extra) {
  const p = new URLSearchParams();
  for (const k of FILTERS) if (state[k]) p.set(k, state[k]);
  for (const [k, v] of Object.entries(extra || {})) {
    if (Array.isArray(v)) v.forEach(x => p.append(k, x)); else if (v !== "" && v != null) p.set(k, v);
  }
  return p;
}

async function api(path, params) {
  const url = path + (params && String(params) ? "?" + params : "");
  const res = await fetch(url, {headers: {Accept: "application/json"}});
  if (!res.ok) {
    let detail = res.statusText;
    try { detail = JSON.stringify((await res.json()).detail); } catch (e) { /* not JSON */ }
    throw new Error(`${res.status} ${detail}`);
  }
  return res.json();
}

function colourOf(types) {
  const map = {};
  types.forEach((t, i) => { map[t] = t === "other" ? "#bdbdbd" : PALETTE[i % PALETTE.length]; });
  return map;
}

function showError(where, err) {
  clear(where).append(el("p", {class: "muted"}, `could not load: ${err.message}`));
}

// ---- URL <-> state -------------------------------------------------------------------------------

function readUrl() {
  const p = new URLSearchParams(location.search);
  for (const k of Object.keys(state)) state[k] = p.get(k) || "";
  const form = document.getElementById("filters");
  for (const k of FILTERS) form.elements[k].value = state[k];
  for (const r of document.querySelectorAll("input[name=measure]")) r.checked = r.value === (state.measure || "count");
  for (const r of document.querySelectorAll("input[name=direction]")) r.checked = r.value === (state.direction || "rises");
  document.getElementById("interval").value = state.interval || "week";
}

function writeUrl() {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v) p.set(k, v);
  history.replaceState(null, "", location.pathname + (String(p) ? "?" + p : ""));
}

function setFilters(changes) {
  Object.assign(state, changes);
  writeUrl();
  readUrl();
  refresh();
}

// ---- timeline ------------------------------------------------------------------------------------

let timelinePeriods = [];

async function drawTimeline() {
  const box = document.getElementById("timeline");
  const params = filterParams({interval: state.interval || "week"});
  params.delete("from"); params.delete("to");  // the timeline shows the whole span; the brush marks the range
  const data = await api("/api/timeline", params);
  const totals = {};
  for (const r of data.rows) totals[r.type] = (totals[r.type] || 0) + r.count;
  const top = Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, TOP_TYPES).map(x => x[0]);
  const types = [...top, "other"];
  const colours = colourOf(types);
  const periods = [...new Set(data.rows.map(r => r.period))].sort();
  timelinePeriods = periods;
  const stacks = Object.fromEntries(periods.map(p => [p, {}]));
  for (const r of data.rows) {
    const t = top.includes(r.type) ? r.type : "other";
    const v = state.measure === "share" ? r.share : r.count;
    stacks[r.period][t] = (stacks[r.period][t] || 0) + v;
  }
  clear(box);
  const width = box.clientWidth || 800, height = 240, left = 40, bottom = 20;
  const max = Math.max(1e-9, ...periods.map(p => Object.values(stacks[p]).reduce((a, b) => a + b, 0)));
  const step = periods.length ? (width - left) / periods.length : 0;
  const scale = v => (height - bottom - 10) * v / max;
  box.append(svg("text", {x: 2, y: 12}, state.measure === "share" ? "share" : `${Math.round(max)}`));
  periods.forEach((p, i) => {
    let y = height - bottom;
    for (const t of types) {
      const v = stacks[p][t];
      if (!v) continue;
      const h = scale(v);
      y -= h;
      const bar = svg("rect", {x: left + i * step, y, width: Math.max(1, step - 1), height: h, fill: colours[t],
                               class: "bar", "data-period": p, "data-type": t});
      bar.append(svg("title", {}, `${p} ${t}: ${state.measure === "share" ? (v * 100).toFixed(1) + "%" : v}`));
      box.append(bar);
    }
  });
  const ticks = Math.min(periods.length, 8);
  for (let k = 0; k < ticks; k++) {
    const i = Math.floor(k * periods.length / ticks);
    box.append(svg("text", {x: left + i * step, y: height - 5}, periods[i]));
  }
  // the brushed range
  if (state.from || state.to) {
    const lo = periods.findIndex(p => !state.from || p >= periodOf(state.from));
    let hi = periods.length - 1;
    while (hi >= 0 && state.to && periods[hi] > state.to) hi--;
    if (lo >= 0 && hi >= lo) box.append(svg("rect", {class: "brush selected", x: left + lo * step, y: 0,
                                                      width: (hi - lo + 1) * step, height: height - bottom}));
  }
  const legend = clear(document.getElementById("legend"));
  for (const t of types) legend.append(el("span", {style: `--c:${colours[t]}`}, t));
  brushable(box, left, step, height - bottom);
  document.getElementById("type-list").replaceChildren(...Object.keys(totals).sort().map(t => el("option", {value: t})));
}

function periodOf(day) {
  // the start of the period holding a day, as the API names periods
  const d = new Date(day + "T00:00:00Z");
  const interval = state.interval || "week";
  if (interval === "month") return day.slice(0, 8) + "01";
  if (interval === "week") d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

function periodEnd(period) {
  const d = new Date(period + "T00:00:00Z");
  const interval = state.interval || "week";
  if (interval === "month") { d.setUTCMonth(d.getUTCMonth() + 1); d.setUTCDate(0); }
  else if (interval === "week") d.setUTCDate(d.getUTCDate() + 6);
  return d.toISOString().slice(0, 10);
}

function brushable(box, left, step, height) {
  let start = null, rect = null;
  const index = ev => {
    const x = ev.clientX - box.getBoundingClientRect().left;
    return Math.max(0, Math.min(timelinePeriods.length - 1, Math.floor((x - left) / step)));
  };
  box.onmousedown = ev => {
    if (!timelinePeriods.length) return;
    start = index(ev);
    rect = svg("rect", {class: "brush", x: left + start * step, y: 0, width: step, height});
    box.append(rect);
    ev.preventDefault();
  };
  box.onmousemove = ev => {
    if (start === null) return;
    const i = index(ev), lo = Math.min(start, i), hi = Math.max(start, i);
    rect.setAttribute("x", left + lo * step);
    rect.setAttribute("width", (hi - lo + 1) * step);
  };
  box.onmouseup = ev => {
    if (start === null) return;
    const i = index(ev), lo = Math.min(start, i), hi = Math.max(start, i);
    start = null;
    setFilters({from: timelinePeriods[lo], to: periodEnd(timelinePeriods[hi])});
  };
}

// ---- change against the baseline ------------------------------------------------------------------

async function drawChange() {
  const params = filterParams();
  params.delete("from");
  if (state.to) params.set("week", state.to);
  params.delete("to");
  const data = await api("/api/change", params);
  document.getElementById("change-week").textContent = data.week ? `week of ${data.week}` : "no dated events";
  // rises by default, largest first; falls on their own (toggle), largest drop first
  const falls = state.direction === "falls";
  document.getElementById("change-counts").textContent = `${data.rises.length} rising, ${data.falls.length} falling`;
  const body = clear(document.querySelector("#change tbody"));
  for (const r of (falls ? data.falls : data.rises).slice(0, 25)) {
    body.append(el("tr", {class: falls ? "fall" : "rise"}, el("td", {}, r.country), el("td", {}, r.type),
                   el("td", {}, r.count), el("td", {}, r.baseline),
                   el("td", {class: falls ? "down" : "up"}, (falls ? "▼ " : "▲ +") + r.change.toFixed(2))));
  }
  if (!body.firstChild) body.append(el("tr", {}, el("td", {colspan: 5, class: "muted"}, falls ? "no falls" : "no rises")));
  const list = clear(document.getElementById("new-actors"));
  for (const a of data.new_actors.slice(0, 20)) list.append(el("li", {}, `${a.actor || a.actor_id} (${a.count})`));
}

// ---- the allegiance network ------------------------------------------------------------------------

function networkDates() {
  if (!status || !status.days[0]) return [];
  const out = [];
  const d = new Date(status.days[0] + "T00:00:00Z"), end = new Date(status.days[1] + "T00:00:00Z");
  while (d <= end) { out.push(d.toISOString().slice(0, 10)); d.setUTCDate(d.getUTCDate() + 7); }
  out.push(status.days[1]);
  return [...new Set(out)];
}

async function drawNetwork() {
  const dates = networkDates();
  const slider = document.getElementById("network-slider");
  slider.max = Math.max(0, dates.length - 1);
  let date = state.net || state.to || dates[dates.length - 1] || "";
  const at = dates.findIndex(d => d >= date);
  slider.value = at < 0 ? dates.length - 1 : at;
  const params = new URLSearchParams();
  if (date) params.set("date", date);
  document.getElementById("network-date").textContent = date ? `on ${date}` : "";
  document.getElementById("gexf").href = "/api/network?" + new URLSearchParams({...Object.fromEntries(params), format: "gexf"});
  const net = await api("/api/network", params);
  const box = clear(document.getElementById("network"));
  const width = box.clientWidth || 800, height = 420, cx = width / 2, cy = height / 2;
  const contenders = net.nodes.filter(n => n.role === "contender");
  const actors = net.nodes.filter(n => n.role !== "contender");
  const pos = {};
  contenders.forEach((n, i) => { pos[n.id] = [cx + (i - (contenders.length - 1) / 2) * 160, cy]; });
  actors.forEach((n, i) => {
    const a = 2 * Math.PI * i / Math.max(1, actors.length);
    pos[n.id] = [cx + Math.cos(a) * (width / 2 - 90), cy + Math.sin(a) * (height / 2 - 30)];
  });
  for (const e of net.edges) {
    const [x1, y1] = pos[e.source], [x2, y2] = pos[e.target];
    const line = svg("line", {x1, y1, x2, y2, class: `edge ${e.stance > 0 ? "with" : "against"}${e.defection ? " defection" : ""}`,
                              "stroke-width": Math.min(6, 1 + e.num_sources)});
    line.append(svg("title", {}, `${e.source} ${e.stance > 0 ? "with" : "against"} ${e.target} since ${e.since || "?"} (${e.num_sources} sources)`));
    box.append(line);
  }
  for (const n of net.nodes) {
    const [x, y] = pos[n.id];
    const g = svg("g", {class: `node ${n.role}${n.group === "military and security" ? " security" : ""}`,
                        transform: `translate(${x},${y})`});
    g.append(svg("circle", {r: n.role === "contender" ? 12 : 7}));
    g.append(svg("text", {x: 10, y: 4}, n.label));
    g.append(svg("title", {}, `${n.label}${n.sector ? " (" + n.sector + ")" : ""}`));
    box.append(g);
  }
  slider.oninput = () => {
    state.net = dates[slider.value];
    writeUrl();
    drawNetwork().catch(err => showError(document.getElementById("network"), err));
  };
  const select = document.getElementById("outlet-actor");
  if (!select.options.length) {
    select.replaceChildren(...contenders.map(n => el("option", {value: n.id}, n.label)));
  }
}

// ---- the event table with facets -------------------------------------------------------------------

async function drawEvents(append) {
  const params = filterParams({limit: 50, order: "desc", facet: ["type", "status", "outlet", "country", "plover"]});
  if (append && eventsNext) params.set("cursor", eventsNext);
  const page = await api("/api/events", params);
  eventsNext = page.next;
  document.getElementById("events-count").textContent = `${page.count} rows`;
  const body = document.querySelector("#events tbody");
  if (!append) clear(body);
  for (const r of page.rows) {
    const tr = el("tr", {"data-id": r._id, onclick: () => openEvidence("events", r._id)},
                  el("td", {}, r.date || ""), el("td", {}, r.type), el("td", {}, r.source || ""),
                  el("td", {}, r.target || ""), el("td", {}, r.status), el("td", {}, r.outlet || ""),
                  el("td", {class: "sentence"}, r.sentence));
    body.append(tr);
  }
  document.getElementById("more").hidden = !eventsNext;
  if (append) return;
  const aside = clear(document.getElementById("facets"));
  for (const [name, values] of Object.entries(page.facets)) {
    const key = name === "plover" ? null : name;
    aside.append(el("h3", {}, name));
    const ul = el("ul");
    for (const v of values) {
      const on = key && state[key] === v.value;
      ul.append(el("li", {class: on ? "on" : "", onclick: () => key && setFilters({[key]: on ? "" : v.value})},
                   el("span", {}, v.value == null ? "(none)" : v.value), el("span", {class: "muted"}, v.count)));
    }
    aside.append(ul);
  }
  const outlets = (page.facets.outlet || []).map(v => v.value).filter(Boolean);
  document.getElementById("outlet-list").replaceChildren(...outlets.map(o => el("option", {value: o})));
}

// ---- evidence ------------------------------------------------------------------------------------

async function openEvidence(resource, id) {
  state.evidence = `${resource}:${id}`;
  writeUrl();
  const panel = document.getElementById("evidence");
  const body = clear(document.getElementById("evidence-body"));
  panel.hidden = false;
  try {
    const ev = await api(`/api/${resource}/evidence`, new URLSearchParams({id}));
    const r = ev.record;
    body.append(el("h2", {}, `${r.type || r.kind || r.stance || resource}: ${[r.source || r.speaker || r.actor, r.target || r.contender].filter(Boolean).join(" → ")}`));
    for (const a of ev.articles) body.append(articleView(a));
  } catch (err) {
    showError(body, err);
  }
}

function articleView(a) {
  const wrap = el("article", {"data-doc": a.doc_id});
  wrap.append(el("h3", {}, a.title || a.doc_id));
  wrap.append(el("p", {class: "muted"}, [a.outlet, a.published, a.author].filter(Boolean).join(" · ")));
  const text = el("div", {class: "text"});
  const spans = [...a.spans].sort((x, y) => x.start - y.start);
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    text.append(document.createTextNode(a.text.slice(at, s.start)));
    text.append(el("mark", {}, a.text.slice(s.start, s.end)));
    at = s.end;
  }
  text.append(document.createTextNode(a.text.slice(at)));
  wrap.append(text);
  setTimeout(() => { const m = text.querySelector("mark"); if (m) m.scrollIntoView({block: "center"}); }, 0);
  return wrap;
}

function closeEvidence() {
  document.getElementById("evidence").hidden = true;
  state.evidence = "";
  writeUrl();
}

// ---- outlets side by side --------------------------------------------------------------------------

async function drawOutlets() {
  const select = document.getElementById("outlet-actor");
  if (state.oactor && [...select.options].some(o => o.value === state.oactor)) select.value = state.oactor;
  const actor = select.value;
  const box = clear(document.getElementById("outlets"));
  if (!actor) { box.append(el("p", {class: "muted"}, "no contender found")); return; }
  const base = {limit: 500};
  if (state.outlet) base.outlet = state.outlet;
  if (state.lean) base.lean = state.lean;
  const [labels, shares, loaded, coups] = await Promise.all([
    api("/api/framing", new URLSearchParams({...base, section: "label", actor})),
    api("/api/framing", new URLSearchParams({...base, section: "quote_share"})),
    api("/api/framing", new URLSearchParams({...base, section: "loaded_rate"})),
    api("/api/coups", new URLSearchParams({...base, actor})),
  ]);
  const outlets = {};
  const slot = o => (outlets[o || "(unknown)"] ||= {labels: [], shares: [], loaded: [], coups: []});
  labels.rows.forEach(r => slot(r.outlet).labels.push(r));
  shares.rows.forEach(r => slot(r.outlet).shares.push(r));
  loaded.rows.forEach(r => slot(r.outlet).loaded.push(r));
  coups.rows.forEach(r => slot(r.outlet).coups.push(r));
  const names = Object.keys(outlets).sort((a, b) => outlets[b].labels.length - outlets[a].labels.length).slice(0, 8);
  for (const o of names) {
    const d = outlets[o];
    const col = el("div", {class: "outlet"}, el("h3", {}, o));
    col.append(el("p", {}, el("b", {}, "labels: "),
                  d.labels.sort((a, b) => b.count - a.count).slice(0, 6).map(r => `${r.key} (${r.count})`).join(", ") || "none"));
    col.append(el("p", {}, el("b", {}, "quoted camps: "),
                  d.shares.map(r => `${r.key} ${(r.value * 100).toFixed(0)}%`).join(", ") || "none"));
    col.append(el("p", {}, el("b", {}, "loaded language per 1,000 words: "),
                  d.loaded.map(r => `${r.key} ${r.value}`).join(", ") || "none"));
    const accused = d.coups.filter(r => r.accused_id === actor).length;
    const accuser = d.coups.filter(r => r.accuser_id === actor).length;
    col.append(el("p", {}, el("b", {}, "coup: "), `accused ${accused}×, accuses ${accuser}×`));
    box.append(col);
  }
  select.onchange = () => { state.oactor = select.value; writeUrl(); drawOutlets().catch(err => showError(box, err)); };
}

// ---- contested claims -----------------------------------------------------------------------------

async function drawClaims() {
  const params = filterParams({contested: "true", limit: 500});
  for (const k of ["country", "type", "status"]) params.delete(k);  // claims have none of these
  const page = await api("/api/claims", params);
  const groups = {};
  for (const r of page.rows) (groups[r.group_id] ||= []).push(r);
  const box = clear(document.getElementById("claims"));
  document.getElementById("claims-count").textContent = `${Object.keys(groups).length} disputes`;
  for (const [gid, rows] of Object.entries(groups).slice(0, 30)) {
    const side = stance => {
      const col = el("div", {class: stance}, el("h3", {}, stance === "assert" ? "asserted" : "denied"));
      for (const r of rows.filter(x => x.stance === stance)) {
        col.append(el("blockquote", {onclick: () => openEvidence("claims", r._id)}, r.text,
                      el("div", {class: "muted"}, `${r.speaker || "unattributed"} · ${r.outlet || r.doc_id}`)));
      }
      return col;
    };
    box.append(el("div", {class: "claim", "data-group": gid}, side("assert"), side("deny")));
  }
}

// ---- wiring ---------------------------------------------------------------------------------------

async function refresh() {
  document.body.dataset.ready = "0";
  eventsNext = null;
  const views = [["timeline", drawTimeline], ["change", drawChange], ["network", drawNetwork],
                 ["events", () => drawEvents(false)], ["claims", drawClaims]];
  await Promise.all(views.map(([id, draw]) => draw().catch(err => showError(document.getElementById(id), err))));
  await drawOutlets().catch(err => showError(document.getElementById("outlets"), err));
  document.body.dataset.ready = "1";
}

async function start() {
  readUrl();
  const form = document.getElementById("filters");
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    setFilters(Object.fromEntries(FILTERS.map(k => [k, form.elements[k].value.trim()])));
  });
  document.getElementById("clear").onclick = () => setFilters(Object.fromEntries(FILTERS.map(k => [k, ""])));
  for (const r of document.querySelectorAll("input[name=measure]")) r.onchange = () => setFilters({measure: r.value});
  document.getElementById("interval").onchange = ev => setFilters({interval: ev.target.value});
  for (const r of document.querySelectorAll("input[name=direction]")) r.onchange = () => setFilters({direction: r.value});
  document.getElementById("more").onclick = () => drawEvents(true);
  document.getElementById("close-evidence").onclick = closeEvidence;
  document.getElementById("evidence").onclick = ev => { if (ev.target.id === "evidence") closeEvidence(); };
  try {
    status = await api("/api/status");
    document.getElementById("status").textContent =
      `${status.counts.articles} articles, ${status.counts.events} events · snapshot ${status.snapshot_taken_at}` +
      (status.stale ? " · the database is being written; showing the last snapshot" : "");
  } catch (err) {
    document.getElementById("status").textContent = `not ready: ${err.message}`;
  }
  await refresh();
  if (state.evidence) {
    const [resource, id] = state.evidence.split(":");
    await openEvidence(resource, id);
  }
}

start();
