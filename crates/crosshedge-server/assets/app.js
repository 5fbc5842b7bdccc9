// crosshedge dashboard: one page, no build step. Every number shown comes from the server's
// jobs (POST /api/v1/<job>, the same response as `crosshedge <job> --json`); this script only
// asks, draws and formats. The view and its controls live in the address's hash
// (#view=basis&target=btc&...), so a link restores the view.
"use strict";

const CH = (window.__ch = { charts: {}, pending: 0, loads: 0, view: null, errors: [] });
const $ = (sel, root = document) => root.querySelector(sel);
const h = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "style") e.style.cssText = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of kids.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
};

// ---------- formatting (decimals in data, percent only for people) ----------
const isNum = (x) => typeof x === "number" && isFinite(x);
const pct = (x, d = 1) => (isNum(x) ? (x * 100).toFixed(d) + " %" : "–");
const num = (x, d = 3) => (isNum(x) ? x.toFixed(d) : "–");
const money = (x) => (isNum(x) ? Math.round(x).toLocaleString("en-US") : "–");
const ci = (c, f = num) => (Array.isArray(c) && c.length === 2 ? `[${f(c[0])}, ${f(c[1])}]` : "");
const sec = (d) => Date.parse(d + "T00:00:00Z") / 1000;
const ymd = (s) => new Date(s * 1000).toISOString().slice(0, 10);

// ---------- state in the address ----------
function params() {
  return new URLSearchParams(location.hash.slice(1));
}
function param(k, dflt) {
  const v = params().get(k);
  return v === null || v === "" ? dflt : v;
}
function setParams(obj) {
  const p = params();
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined || v === "") p.delete(k);
    else p.set(k, v);
  }
  history.replaceState(null, "", "#" + p.toString());
}

// ---------- the API ----------
function busy(delta) {
  CH.pending += delta;
  $("#busy").hidden = CH.pending === 0;
}
async function call(method, path, body, type = "application/json") {
  busy(1);
  try {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.body = type === "application/json" ? JSON.stringify(body) : body;
      init.headers["content-type"] = type;
    }
    const r = await fetch(path, init);
    const text = await r.text();
    let v = null;
    try { v = JSON.parse(text); } catch (_) { v = text; }
    if (!r.ok) {
      const msg = v && v.error ? v.error.message : `${r.status} ${text}`;
      const e = new Error(msg);
      e.status = r.status;
      throw e;
    }
    return v;
  } finally {
    busy(-1);
  }
}
const job = (name, body) => call("POST", "/api/v1/" + name, body);
const get = (path) => call("GET", path);

// A long job: POST /api/v1/jobs/<name>, progress by server-sent events, DELETE to cancel.
function longJob(name, body, onProgress) {
  let id = null;
  const done = (async () => {
    const { id: jid } = await call("POST", "/api/v1/jobs/" + name, body);
    id = jid;
    busy(1);
    try {
      const status = await new Promise((resolve, reject) => {
        const es = new EventSource(`/api/v1/jobs/${id}/events`);
        es.addEventListener("progress", (ev) => onProgress(JSON.parse(ev.data)));
        es.addEventListener("end", (ev) => { es.close(); resolve(JSON.parse(ev.data)); });
        es.onerror = () => { es.close(); get(`/api/v1/jobs/${id}`).then(resolve, reject); };
      });
      onProgress(status);
      if (status.state === "done") return status.result;
      const e = new Error(status.error ? status.error.message : status.state);
      e.state = status.state;
      throw e;
    } finally {
      busy(-1);
    }
  })();
  return { done, cancel: () => (id ? call("DELETE", `/api/v1/jobs/${id}`).catch(() => {}) : null) };
}

// ---------- charts (uPlot), each with CSV and PNG export ----------
const COLORS = ["#2456b3", "#b3261e", "#2e7d32", "#8d6e00", "#6a1b9a", "#00838f", "#5d4037"];
function download(name, blob) {
  const a = h("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
function chartCsv(c) {
  const rows = [c.labels.join(",")];
  const n = c.data[0].length;
  for (let i = 0; i < n; i++) {
    rows.push(c.data.map((col, j) => {
      const v = col[i];
      if (v === null || v === undefined) return "";
      return j === 0 && c.time ? ymd(v) : String(v);
    }).join(","));
  }
  return rows.join("\n") + "\n";
}
function chartPng(c, cb) {
  const src = c.u.ctx.canvas;
  const out = document.createElement("canvas");
  out.width = src.width;
  out.height = src.height + 30;
  const g = out.getContext("2d");
  g.fillStyle = "#fff";
  g.fillRect(0, 0, out.width, out.height);
  g.fillStyle = "#1d2330";
  g.font = "bold 16px system-ui, sans-serif";
  g.fillText(c.title, 8, 20);
  g.drawImage(src, 0, 30);
  out.toBlob(cb, "image/png");
}
// spec: {id, title, labels: [x, y1, ...], data: [xs, ys1, ...], time, logY, bars, height,
//        series: [{...uPlot series opts}], hooks, scales, note}
function chart(parent, spec) {
  const card = h("div", { class: "card chart" + (spec.wide ? " wide" : ""), id: "chart-" + spec.id });
  const tools = h("div", { class: "tools" },
    h("button", { class: "secondary", title: "the chart's data as CSV", onclick: () =>
      download(spec.id + ".csv", new Blob([chartCsv(CH.charts[spec.id])], { type: "text/csv" })) }, "CSV"),
    h("button", { class: "secondary", title: "the chart as PNG", onclick: () =>
      chartPng(CH.charts[spec.id], (b) => download(spec.id + ".png", b)) }, "PNG"));
  const body = h("div");
  card.append(tools, h("h3", {}, spec.title), body);
  if (spec.note) card.append(h("p", { class: "note" }, spec.note));
  parent.append(card);
  // The card may not be laid out yet (its view is built before it is shown): start from a
  // guess and size from the container once it has a width, and on every resize after.
  const width = Math.max(300, body.clientWidth || 600);
  const series = [{ label: spec.labels[0], value: spec.time ? (u, v) => (v == null ? "–" : ymd(v)) : undefined }];
  const barred = spec.bars ? spec.labels.slice(1).map((_, i) => spec.series?.[i]?.paths !== null) : [];
  const nBars = barred.filter(Boolean).length;
  spec.labels.slice(1).forEach((label, i) => {
    const s = { label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true, ...(spec.series?.[i] || {}) };
    if (spec.bars && !(spec.series?.[i]?.paths === null)) {
      s.paths = s.paths || groupedBars(barred.slice(0, i).filter(Boolean).length, nBars);
      s.fill = s.fill || COLORS[i % COLORS.length] + "cc";
      s.points = { show: false };
    }
    if (s.paths === null) delete s.paths;
    series.push(s);
  });
  const opts = {
    width,
    height: spec.height || 260,
    series,
    scales: { x: { time: !!spec.time }, y: spec.logY ? { distr: 3 } : {}, ...(spec.scales || {}) },
    axes: [xAxis(spec), { size: 70, values: axisValues }, ...Object.keys(spec.scales || {}).filter((k) => k !== "x" && k !== "y").map((k) => ({ scale: k, side: 1, size: 60, grid: { show: false }, values: axisValues }))],
    cursor: { drag: { x: true, y: false } },
    hooks: spec.hooks || {},
  };
  if (spec.bars) opts.scales.x.range = (u, min, max) => [min - 0.6, max + 0.6];
  const u = new uPlot(opts, spec.data, body);
  let lastW = width;
  const fit = () => {
    const w = Math.max(300, Math.floor(body.clientWidth));
    if (body.clientWidth > 0 && w !== lastW) {
      lastW = w;
      u.setSize({ width: w, height: opts.height });
    }
  };
  const ro = new ResizeObserver(fit);
  ro.observe(body);
  requestAnimationFrame(fit);
  CH.charts[spec.id] = { u, ro, data: spec.data, labels: spec.labels, time: !!spec.time, title: spec.title };
  return u;
}
// Axis tick labels short enough for the axis: 12.5M, 250k, 0.3 (no float noise).
function axisValues(u, splits) {
  return splits.map((v) => {
    if (v === null || v === undefined) return "";
    const a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toPrecision(4) + "G";
    if (a >= 1e6) return +(v / 1e6).toPrecision(4) + "M";
    if (a >= 1e4) return +(v / 1e3).toPrecision(4) + "k";
    return String(+v.toPrecision(6));
  });
}
// The x axis: for bar charts over categories (integer x), one tick per bar, named by
// `spec.xNames` when given.
function xAxis(spec) {
  if (spec.time) return {};
  if (!spec.bars || spec.scales?.x) return { values: axisValues };
  return {
    splits: (u) => u.data[0],
    values: (u, splits) => splits.map((v) => (spec.xNames ? spec.xNames[v] ?? "" : String(v))),
  };
}
// Bars of series `k` of `n` side by side around each x (a uPlot paths function): the group
// takes 80 % of the distance between neighbouring x values, each series 1/n of it.
function groupedBars(k, n) {
  return (u, sidx, i0, i1) => {
    const xs = u.data[0], ys = u.data[sidx], scale = u.series[sidx].scale || "y";
    const step = xs.length > 1 ? Math.abs(u.valToPos(xs[1], "x", true) - u.valToPos(xs[0], "x", true)) : u.bbox.width / 2;
    const slot = Math.min((step * 0.8) / n, 60 * devicePixelRatio);
    const zero = u.valToPos(0, scale, true);
    const p = new Path2D();
    for (let i = i0; i <= i1; i++) {
      if (!isNum(ys[i])) continue;
      const x = u.valToPos(xs[i], "x", true) - (slot * n) / 2 + k * slot;
      const y = u.valToPos(ys[i], scale, true);
      p.rect(Math.round(x), Math.min(y, zero), Math.max(1, Math.round(slot * 0.9)), Math.max(1, Math.abs(zero - y)));
    }
    return { stroke: p, fill: p };
  };
}
// A vertical marker line at x value `at` (a uPlot draw hook).
function vlines(marks) {
  return [(u) => {
    const g = u.ctx;
    g.save();
    marks.forEach((m, k) => {
      const x = u.valToPos(m.at, "x", true);
      g.strokeStyle = m.color;
      g.setLineDash([5, 4]);
      g.lineWidth = 2;
      g.beginPath();
      g.moveTo(x, u.bbox.top);
      g.lineTo(x, u.bbox.top + u.bbox.height);
      g.stroke();
      g.fillStyle = m.color;
      g.font = `${12 * devicePixelRatio}px system-ui`;
      // Staggered, so that the labels of close lines do not overprint one another.
      g.fillText(m.label, x + 4, u.bbox.top + (14 + 16 * k) * devicePixelRatio);
    });
    g.restore();
  }];
}
// Shaded x-windows [{from, to, color}] (a uPlot drawClear hook).
function shades(windows) {
  return [(u) => {
    const g = u.ctx;
    g.save();
    for (const w of windows) {
      const a = u.valToPos(w.from, "x", true), b = u.valToPos(w.to, "x", true);
      g.fillStyle = w.color;
      g.fillRect(a, u.bbox.top, Math.max(1, b - a), u.bbox.height);
    }
    g.restore();
  }];
}
// Several date-value series on the union of their dates (drawing only: no value is computed).
function onDates(list) {
  const all = [...new Set(list.flatMap((obs) => obs.map((o) => o[0])))].sort();
  const at = new Map(all.map((d, i) => [d, i]));
  const cols = list.map((obs) => {
    const c = new Array(all.length).fill(null);
    for (const [d, v] of obs) c[at.get(d)] = v;
    return c;
  });
  return [all.map(sec), ...cols];
}

// ---------- small widgets ----------
function table(headers, rows, onRow) {
  const t = h("table", {}, h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))));
  const tb = h("tbody");
  rows.forEach((r, i) => {
    const tr = h("tr", onRow ? { class: "clickable", onclick: () => onRow(i, tr) } : {}, r.map((x) => h("td", {}, x)));
    tb.append(tr);
  });
  t.append(tb);
  return h("div", { class: "tablewrap" }, t);
}
function card(title, ...kids) {
  return h("div", { class: "card" }, h("h3", {}, title), ...kids);
}
function stat(k, v) {
  return h("div", { class: "stat" }, h("div", { class: "v" }, v), h("div", { class: "k" }, k));
}
function errorBox(e) {
  return h("div", { class: "error", role: "alert" }, e.message || String(e));
}
function field(label, input) {
  return h("label", {}, label, input);
}
function select(name, options, value) {
  const s = h("select", { name, id: "ctl-" + name });
  for (const o of options) s.append(h("option", { value: o, selected: o === value }, o));
  return s;
}
function input(name, value, attrs = {}) {
  return h("input", { name, id: "ctl-" + name, value: value ?? "", ...attrs });
}
// A control bar whose values go into the address and re-run `load`.
function controls(parent, items, onChange, button = null) {
  const bar = h("form", { class: "controls", id: "controls", onsubmit: (e) => { e.preventDefault(); onChange(); } });
  for (const [label, el] of items) {
    bar.append(field(label, el));
    if (!button) el.addEventListener("change", () => onChange());
  }
  if (button) bar.append(h("button", { type: "submit", id: "run" }, button));
  parent.append(bar);
  return () => Object.fromEntries(items.map(([, el]) => [el.name, el.value.trim()]));
}
function loaded(view) {
  // When the view finished (ms since navigation): the browser test prints its timings from it.
  CH.loadedAt = performance.now();
  if (!CH.loads) CH.firstLoadedAt = CH.loadedAt;
  CH.loads += 1;
  document.body.dataset.loads = CH.loads;
  document.body.dataset.view = view;
}

let seriesCache = null;
async function seriesList() {
  if (!seriesCache) seriesCache = await get("/api/v1/series");
  return seriesCache;
}
const names = async () => (await seriesList()).map((s) => s.name);
const ALIGN = ["us-close", "weekly", "crypto-days"];
const RETURNS = ["log", "simple", "points"];
const REGIMES = ["vix-bands", "markov2", "markov3", "episodes", "shocks", "events", "none"];
const REGIME_COLOR = { calm: "#2e7d32", normal: "#8d6e00", stress: "#b3261e" };

// The regime table of a basis response: whole sample, then each regime.
function regimeTable(b) {
  const r = b;
  const rows = [["whole sample", r.n, num(r.pearson), ci(r.pearson_ci95), num(r.beta, 4), ci(r.beta_ci95_bootstrap, (x) => num(x, 4)), pct(r.hedge_effectiveness), pct(r.target_vol_ann), pct(r.hedge_vol_ann)]];
  for (const [name, s] of Object.entries(r.regimes || {})) {
    rows.push([h("span", { class: "regime-" + name }, name), s.n, num(s.pearson), ci(s.pearson_ci95), num(s.beta, 4), ci(s.beta_ci95_bootstrap, (x) => num(x, 4)), pct(s.hedge_effectiveness), pct(s.target_vol_ann), pct(s.hedge_vol_ann)]);
  }
  return table(["regime", "n", "correlation", "95 % CI (Fisher z)", "hedge ratio β", "95 % CI (bootstrap)", "hedge effectiveness", "target vol", "hedge vol"], rows);
}

// ---------- views ----------
const VIEWS = {};

VIEWS.overview = async (root) => {
  const target = param("target", "btc"), hedge = param("hedge", "vix"), bootstrap = +param("bootstrap", 200);
  root.append(h("h2", {}, "Overview"));
  const grid = h("div", { class: "grid" });
  root.append(grid);
  const [markov, bands, list, basis] = await Promise.all([
    job("regimes", { model: "markov2" }), job("regimes", { model: "bands" }), seriesList(),
    job("basis", { target, hedge, bootstrap }),
  ]);
  const r = basis, d = r.decorrelation_factor, rc = r.regimes?.calm, rs = r.regimes?.stress;
  const answer = h("div", { class: "card answer wide", id: "answer" }, h("h3", {}, `Does ${hedge} hedge ${target}?`),
    h("p", {}, `Over ${r.n} ${basis.alignment} returns (${basis.from} to ${basis.to}) the hedge ratio is `,
      h("b", {}, num(r.hedge_ratio, 4)), ` ${ci(r.beta_ci95_bootstrap, (x) => num(x, 4))} and the correlation `,
      h("b", {}, num(r.pearson)), `; it removes `, h("b", {}, pct(r.hedge_effectiveness)), " of the variance."),
    rc && rs ? h("p", {}, "In calm markets the correlation is ", h("b", { class: "regime-calm" }, num(rc.pearson)),
      ", in stress ", h("b", { class: "regime-stress" }, num(rs.pearson)), ` (Fisher z test p = ${num(r.fisher_z_test?.p_value, 4)}); `,
      d && d.identified ? ["decorrelation factor ", h("b", {}, num(d.value, 2)), ` ${ci(d.ci95, (x) => num(x, 2))}: a hedge sized in calm needs ×${num(d.value, 1)} in stress.`]
        : "the decorrelation factor is not identified (its interval's denominator contains zero).") : null,
    h("p", { class: "note" }, `basis --target ${target} --hedge ${hedge} --bootstrap ${bootstrap} (labeling ${basis.regime_labeling})`));
  grid.append(answer);
  const probs = markov.current_probabilities || [];
  const bar = h("div", { class: "probbar" }, probs.map((p, i) =>
    h("span", { style: `width:${(p * 100).toFixed(2)}%;background:${REGIME_COLOR[markov.state_names[i]] || COLORS[i]}` }, `${markov.state_names[i]} ${pct(p)}`)));
  grid.append(h("div", { class: "card wide", id: "current-regime" }, h("h3", {}, "Current regime"),
    h("p", {}, "VIX band on ", bands.last_date, ": ", h("span", { class: "pill regime-" + bands.current, id: "band" }, bands.current),
      ` (VIX close ${num(bands.last_close, 2)}; calm below ${bands.config.calm_below}, stress above ${bands.config.stress_above})`),
    h("p", {}, "Markov switching (2 states) on the VIX: ", h("span", { class: "pill regime-" + markov.current_state }, markov.current_state)),
    bar,
    table(["state", "filtered now", "forecast", "expected duration (days)", "stays (transition)"], markov.state_names.map((s, i) =>
      [s, pct(probs[i]), pct(markov.forecast?.[i]), num(markov.expected_durations?.[i], 1), pct(markov.transition?.[i]?.[i])]))));
  const first = Math.min(...list.map((s) => sec(s.first))), last = Math.max(...list.map((s) => sec(s.last)));
  grid.append(h("div", { class: "card wide", id: "coverage" }, h("h3", {}, "Data coverage"), table(["series", "calendar", "unit", "first", "last", "rows", "coverage"], list.map((s) => [
    s.name, s.calendar, s.unit, s.first, s.last, s.rows,
    h("div", { class: "coverage", title: `${s.first} to ${s.last}` }, h("span", { style: `left:${((sec(s.first) - first) / (last - first) * 100).toFixed(1)}%;right:${((last - sec(s.last)) / (last - first) * 100).toFixed(1)}%` })),
  ]))));
  const si = markov.state_names.indexOf("stress") >= 0 ? markov.state_names.indexOf("stress") : markov.state_names.length - 1;
  chart(grid, { id: "markov-smoothed", wide: true, title: `Smoothed probability of ${markov.state_names[si]} (Markov, ${markov.series.join(", ")})`, time: true,
    labels: ["date", `P(${markov.state_names[si]}) smoothed`, `P(${markov.state_names[si]}) filtered`],
    data: [markov.dates.map(sec), markov.smoothed.map((p) => p[si]), markov.filtered.map((p) => p[si])],
    series: [{ fill: "#b3261e22", stroke: "#b3261e" }, { stroke: "#2456b3", width: 1 }],
    scales: { y: { range: [0, 1] } }, note: "Drag to zoom, double-click to reset." });
  loaded("overview");
};

VIEWS.basis = async (root) => {
  const all = await names();
  root.append(h("h2", {}, "Basis explorer"));
  const c = {
    target: select("target", all, param("target", "btc")), hedge: select("hedge", all, param("hedge", "vix")),
    align: select("align", ALIGN, param("align", "us-close")), returns: select("returns", RETURNS, param("returns", "log")),
    regimes: select("regimes", REGIMES, param("regimes", "vix-bands")),
    from: input("from", param("from", ""), { type: "date" }), to: input("to", param("to", ""), { type: "date" }),
    bootstrap: input("bootstrap", param("bootstrap", "200"), { type: "number", min: 0 }),
    seed: input("seed", param("seed", "1"), { type: "number", min: 0 }),
    window: input("window", param("window", "63"), { type: "number", min: 4 }),
  };
  const out = h("div");
  const values = controls(root, [["target", c.target], ["hedge", c.hedge], ["alignment", c.align], ["returns", c.returns],
    ["regime labeling", c.regimes], ["from", c.from], ["to", c.to], ["bootstrap", c.bootstrap], ["seed", c.seed],
    ["rolling window (rows)", c.window]], () => { setParams(values()); run(); });
  root.append(out);
  async function run() {
    const v = values();
    const req = { target: v.target, hedge: v.hedge, align: v.align, returns: v.returns, regimes: v.regimes, bootstrap: +v.bootstrap, seed: +v.seed };
    if (v.from) req.from = v.from;
    if (v.to) req.to = v.to;
    const range = (v.from ? `from=${v.from}&` : "") + (v.to ? `to=${v.to}` : "");
    const rreq = { target: v.target, hedge: v.hedge, align: v.align, returns: v.returns, window: +v.window, level: 0.95 };
    if (v.from) rreq.from = v.from;
    if (v.to) rreq.to = v.to;
    let b, ts, hs, roll;
    try {
      [b, ts, hs, roll] = await Promise.all([job("basis", req), get(`/api/v1/series/${v.target}?${range}`), get(`/api/v1/series/${v.hedge}?${range}`),
        job("rolling", rreq).catch((e) => ({ window: +v.window, level: 0.95, points: [], error: e.message || String(e) }))]);
    } catch (e) {
      out.replaceChildren(errorBox(e));
      return loaded("basis");
    }
    out.replaceChildren();
    const r = b;
    const grid = h("div", { class: "grid" });
    out.append(h("div", { class: "card wide" }, h("h3", {}, `${b.target} vs ${b.hedge}: ${b.rows} ${b.alignment} ${b.target_returns} returns, ${b.from} to ${b.to}, labeling ${b.regime_labeling}`),
      regimeTable(b), (b.warnings || []).map((w) => h("p", { class: "note" }, "warning: " + w))), grid);
    chart(grid, { id: "levels", wide: true, title: `${b.target} and ${b.hedge} (stored levels, log scale)`, time: true, logY: true,
      labels: ["date", b.target, b.hedge], data: onDates([ts.observations, hs.observations]),
      series: [{ scale: "y" }, { scale: "h" }], scales: { h: { distr: 3 } },
      note: "Drag to zoom, double-click to reset." });
    const pts = roll.points;
    chart(grid, { id: "rolling", wide: true, time: true,
      title: `Rolling ${roll.window}-row correlation with its ${num(roll.level * 100, 0)} % Fisher-z band, and the rolling beta`,
      labels: ["date", "correlation", "band low", "band high", "beta"],
      data: [pts.map((p) => sec(p.date)), pts.map((p) => p.correlation), pts.map((p) => p.low), pts.map((p) => p.high), pts.map((p) => p.beta)],
      series: [{}, { dash: [4, 4], stroke: "#888" }, { dash: [4, 4], stroke: "#888" }, { scale: "b" }], scales: { b: {} },
      note: pts.length ? "Each point is the window ending that day; the bands are pointwise (windows overlap). Beta on the right axis." : `Not drawn: ${roll.error || "no window"}` });
    const lo = r.exceedance.filter((e) => e.tail === "lower"), up = r.exceedance.filter((e) => e.tail === "upper");
    const qs = [...new Set(r.exceedance.map((e) => e.quantile))].sort((a, b2) => a - b2);
    const at = (arr, q, k) => { const e = arr.find((x) => x.quantile === q); return e && e[k] !== null ? e[k] : null; };
    chart(grid, { id: "exceedance", title: "Exceedance correlation by tail quantile",
      labels: ["quantile", "lower tail", "upper tail", "normal benchmark (lower)", "normal benchmark (upper)"],
      data: [qs, qs.map((q) => at(lo, q, "correlation")), qs.map((q) => at(up, q, "correlation")), qs.map((q) => at(lo, q, "normal_benchmark")), qs.map((q) => at(up, q, "normal_benchmark"))],
      series: [{ points: { show: true } }, { points: { show: true } }, { dash: [4, 4] }, { dash: [4, 4] }] });
    const cc = r.ccf;
    chart(grid, { id: "ccf", title: `Cross-correlation by lag (peak at lag ${cc.peak_lag}, n = ${cc.n})`, bars: true,
      labels: ["lag", "ccf", "+95 % band", "−95 % band"], data: [cc.lags, cc.ccf, cc.lags.map(() => cc.band95), cc.lags.map(() => -cc.band95)],
      series: [{}, { paths: null, fill: undefined, dash: [4, 4], stroke: "#888" }, { paths: null, fill: undefined, dash: [4, 4], stroke: "#888" }] });
    const d = r.decorrelation_factor, fz = r.fisher_z_test, fr = r.forbes_rigobon;
    grid.append(h("div", { class: "card wide", id: "breakdown" }, h("h3", {}, "Decorrelation factor and breakdown tests"), h("div", { class: "stats", id: "decorrelation" },
      stat("decorrelation factor", d && d.identified ? num(d.value, 2) : "not identified"), stat("95 % CI", d && d.identified ? ci(d.ci95, (x) => num(x, 2)) : "–"),
      stat("ρ calm", num(d?.rho_calm)), stat("ρ stress", num(d?.rho_stress)),
      stat("hedge ratio calm", num(d?.hedge_ratio_calm, 4)), stat("hedge ratio stress", num(d?.hedge_ratio_stress, 4)),
      stat("residual risk multiple", num(d?.residual_risk_multiple, 3)), stat("Dimson β", num(r.dimson_beta, 4))),
      fz || fr ? table(["test", "statistic", "p-value", "detail"], [
        fz ? ["Fisher z (calm vs stress)", num(fz.z, 3), num(fz.p_value, 6), `r ${num(fz.r1)} → ${num(fz.r2)}, effective n ${num(fz.n1_eff, 0)} / ${num(fz.n2_eff, 0)}`] : null,
        fr ? ["Forbes–Rigobon (heteroskedasticity-adjusted)", num(fr.z, 3), num(fr.p_value, 6), `ρ stress adjusted ${num(fr.rho_adjusted)} (δ ${num(fr.delta, 3)})`] : null,
      ].filter(Boolean)) : h("p", { class: "note" }, "The breakdown tests need a calm and a stress regime.")));
    loaded("basis");
  }
  await run();
};

VIEWS.episodes = async (root) => {
  const all = await names();
  root.append(h("h2", {}, "Episodes"));
  const c = { target: select("target", all, param("target", "btc")), hedge: select("hedge", all, param("hedge", "vix")) };
  const out = h("div");
  const values = controls(root, [["target", c.target], ["hedge", c.hedge]], () => { setParams({ ...values(), episode: null }); run(); });
  root.append(out);
  async function run() {
    const v = values();
    let e, ts;
    try {
      [e, ts] = await Promise.all([job("episodes", { target: v.target, hedge: v.hedge }), get(`/api/v1/series/${v.target}`)]);
    } catch (err) {
      out.replaceChildren(errorBox(err));
      return loaded("episodes");
    }
    out.replaceChildren();
    const eps = e.episodes;
    const grid = h("div", { class: "grid" });
    out.append(grid);
    chart(grid, { id: "episode-bars", title: "Per episode: target return, hedge P&L and net, share of notional", bars: true,
      labels: ["episode", "target return", "hedge P&L", "net"], data: [eps.map((_, i) => i), eps.map((x) => x.target_cum_return), eps.map((x) => x.hedge_pnl), eps.map((x) => x.net_loss_share_of_notional === null ? null : -x.net_loss_share_of_notional)],
      note: "x: the episode's row in the table below. " + (e.warnings || []).join(" ") });
    const windows = eps.map((x) => ({ from: sec(x.start), to: sec(x.end), color: "#b3261e22" }));
    const levels = chart(grid, { id: "episode-levels", title: `${e.target} (stored level, log scale) with the episodes shaded`, time: true, logY: true,
      labels: ["date", e.target], data: onDates([ts.observations]), hooks: { drawClear: shades(windows) }, note: "Click an episode in the table to zoom to it; double-click the chart to reset." });
    const zoom = (i) => {
      const x = eps[i];
      levels.setScale("x", { min: sec(x.start) - 20 * 86400, max: sec(x.end) + 20 * 86400 });
      setParams({ episode: x.name });
      out.querySelectorAll("tr.selected").forEach((t) => t.classList.remove("selected"));
      out.querySelectorAll("#episode-table tbody tr")[i]?.classList.add("selected");
      document.body.dataset.zoomed = x.name;
    };
    out.append(h("div", { class: "card wide", id: "episode-table" }, h("h3", {}, `${eps.length} episodes, hedge ratio ${num(e.hedge_ratio_calm, 4)} (calm, t ${num(e.hedge_ratio_calm_t_hac, 2)}), ${e.hedge_instrument}`),
      table(["episode", "category", "start", "end", "days", "correlation", "target return", "hedge P&L", "net loss", "uncovered share", "hedge multiple needed"],
        eps.map((x) => [x.name, x.category, x.start, x.end, x.n, num(x.correlation), pct(x.target_cum_return), pct(x.hedge_pnl, 2), pct(x.net_loss_share_of_notional), pct(x.uncovered_share_of_loss), num(x.hedge_multiple_needed, 2)]), zoom),
      e.not_in_sample?.length ? h("p", { class: "note" }, "not in the sample: " + e.not_in_sample.map((x) => x.name || x).join(", ")) : null));
    const want = eps.findIndex((x) => x.name === param("episode", ""));
    if (want >= 0) zoom(want);
    loaded("episodes");
  }
  await run();
};

// The book the editor holds (in the address when edited), else the built-in default.
async function bookText() {
  const b = param("book", null);
  return b !== null ? b : await get("/api/v1/book/default");
}
const bookRequest = () => { const b = param("book", null); return b === null ? "default" : { toml: b }; };

VIEWS.book = async (root) => {
  root.append(h("h2", {}, "Hedge book"));
  const dflt = await get("/api/v1/book/default");
  const text = param("book", dflt);
  const area = h("textarea", { class: "book", id: "book", spellcheck: "false" });
  area.value = text;
  const err = h("div");
  const out = h("div");
  const grid = h("div", { class: "grid book" });
  grid.append(h("div", { class: "card" }, h("h3", {}, "The book (TOML)"), area, err,
    h("div", { class: "controls" }, h("button", { id: "size", onclick: () => run() }, "Size the book"),
      h("button", { class: "secondary", onclick: () => { area.value = dflt; run(); } }, "Reset to the default"))), out);
  root.append(grid);
  async function run() {
    setParams({ book: area.value === dflt ? null : area.value });
    err.replaceChildren();
    let r;
    try {
      r = await job("hedge", { book: bookRequest() });
    } catch (e) {
      const m = /line (\d+), column (\d+)/.exec(e.message);
      err.replaceChildren(errorBox(e));
      if (m) {
        const lines = area.value.split("\n");
        const line = +m[1];
        const startOff = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
        err.append(h("pre", { class: "note", id: "book-error-line" }, `${line} | ${lines[line - 1] ?? ""}\n${" ".repeat(String(line).length + 3 + (+m[2]) - 1)}^`));
        area.focus();
        area.setSelectionRange(startOff, startOff + (lines[line - 1] || "").length);
        // Scroll the line into view (a selection alone does not move a textarea).
        const lh = parseFloat(getComputedStyle(area).lineHeight) || 17;
        area.scrollTop = Math.max(0, (line - 4) * lh);
      }
      out.replaceChildren();
      return loaded("book");
    }
    const p = r.plan;
    out.replaceChildren(h("div", { class: "card" }, h("h3", {}, `${p.book}: as of ${r.measured.as_of}, VIX band ${r.inputs.band}`),
      h("div", { class: "stats", id: "plan" }, stat("cost per year", money(p.cost_per_year)), stat("budget per year", money(p.budget_per_year)),
        stat("budget scale", num(p.budget_scale, 4)), stat("VIX", num(r.inputs.vix, 2)), stat("decorrelation factor", num(r.inputs.decorrelation_factor, 2)),
        stat("vega (VIX)", money(p.greeks.vix_vega)), stat("theta per day", money(p.greeks.theta_per_day))),
      h("h3", {}, "Layers"),
      table(["layer", "instrument", "active", "tenor (days)", "quantity", "strikes", "premium", "cost per year"], p.layers.map((l) =>
        [l.name, l.instrument, l.active ? "on" : "off", l.tenor_days, num(l.quantity, 2), l.strikes ? l.strikes.map((s) => num(s, 2)).join(" / ") : "–", money(l.premium), money(l.cost_per_year)])),
      h("h3", {}, "Cover of a one-in-twenty move"),
      table(["regime", "target loss", "hedge P&L", "cover", "with perfect correlation", ...(p.cover[0]?.cover_probability || []).map((c) => `P(cover ≥ ${pct(c.level, 0)})`)],
        p.cover.map((c) => [c.regime, money(c.target_loss), money(c.hedge_pnl), pct(c.cover), money(c.hedge_pnl_perfect_correlation), ...c.cover_probability.map((x) => pct(x.probability))]))));
    loaded("book");
  }
  await run();
};

function progressUi(parent) {
  const bar = h("span");
  const text = h("span", { class: "muted", id: "progress-text" }, "");
  const cancel = h("button", { class: "secondary", id: "cancel", disabled: true }, "Cancel");
  parent.append(h("div", { class: "progress", id: "progress" }, bar), h("div", {}, text, " ", cancel));
  return {
    cancel,
    show: (s) => {
      const p = s.progress || {};
      const f = p.total ? p.done / p.total : s.state === "done" ? 1 : 0;
      bar.style.width = (f * 100).toFixed(1) + "%";
      text.textContent = `${s.state}: ${p.message || ""} ${p.total ? `${p.done} / ${p.total}` : ""}`;
      document.body.dataset.job = s.state;
    },
  };
}

function histogram(parent, id, title, hist, sum) {
  const e = hist.bin_edges;
  const mids = hist.counts.map((_, i) => (e[i] + e[i + 1]) / 2);
  chart(parent, { id, title, bars: true, labels: ["P&L (bin centre)", "paths"], data: [mids, hist.counts],
    series: [{ paths: uPlot.paths.bars({ size: [1, 100], align: 0 }) }],
    scales: { x: { time: false, range: [e[0], e[e.length - 1]] } },
    hooks: { draw: vlines([{ at: -sum.var95, label: "VaR 95", color: "#8d6e00" }, { at: -sum.es95, label: "ES 95", color: "#b3261e" }, { at: -sum.var99, label: "VaR 99", color: "#6a1b9a" }]) },
    note: `${hist.underflow} below, ${hist.overflow} above the range; VaR/ES are losses (drawn at −VaR, −ES on the P&L axis).` });
}

VIEWS.stress = async (root) => {
  root.append(h("h2", {}, "Stress"));
  const c = {
    paths: input("paths", param("paths", "2000"), { type: "number", min: 1 }), horizon: input("horizon", param("horizon", "21"), { type: "number", min: 1 }),
    seed: input("seed", param("seed", "42"), { type: "number", min: 0 }), drift: select("drift", ["zero", "fitted"], param("drift", "zero")),
    scenario: input("scenario", param("scenario", ""), { placeholder: "model, an episode name or e.g. VIX +60%" }),
  };
  const out = h("div");
  const values = controls(root, [["paths", c.paths], ["horizon (days)", c.horizon], ["seed", c.seed], ["drift", c.drift], ["scenario", c.scenario]], () => { setParams({ ...values(), run: 1 }); run(); }, "Run the stress test");
  const prog = progressUi(root);
  root.append(h("p", { class: "note" }, "The book is the one of the Hedge book view (", param("book", null) === null ? "the built-in default" : "edited", ")."), out);
  let current = null;
  prog.cancel.onclick = () => current && current.cancel();
  async function run() {
    const v = values();
    const req = { paths: +v.paths, horizon: +v.horizon, seed: +v.seed, drift: v.drift, book: bookRequest() };
    if (v.scenario) req.scenario = v.scenario;
    out.replaceChildren();
    prog.cancel.disabled = false;
    $("#run").disabled = true;
    current = longJob("stress", req, prog.show);
    let r;
    try {
      r = await current.done;
    } catch (e) {
      out.replaceChildren(errorBox(e));
      return loaded("stress");
    } finally {
      prog.cancel.disabled = true;
      $("#run").disabled = false;
    }
    const grid = h("div", { class: "grid" });
    out.append(grid);
    const rep = r.report;
    if (rep) {
      const row = (k, s) => [k, money(s.mean), money(s.sd), money(s.var95), money(s.es95), money(s.var99), money(s.es99), money(s.min), money(s.max)];
      grid.append(h("div", { class: "card wide", id: "stress-summary" }, h("h3", {}, `${rep.paths} paths over ${rep.horizon_days} days, seed ${rep.seed}, scenario ${r.scenario}, drift ${r.drift}`),
        table(["book", "mean P&L", "sd", "VaR 95", "ES 95", "VaR 99", "ES 99", "worst", "best"], [row("hedged", rep.hedged), row("unhedged", rep.unhedged)]),
        h("p", {}, `VaR 99 reduction ${pct(rep.var99_reduction)}; losing paths ${pct(rep.losing_share)}; uncovered share of a one-in-twenty loss ${pct(rep.uncovered_share_of_loss_1_in_20?.aggregate)}.`),
        table(["cover level", "probability", "95 % CI"], rep.cover.map((x) => [pct(x.level, 0), pct(x.probability), ci(x.ci95, (y) => pct(y))]))));
      histogram(grid, "pnl-hedged", "Hedged P&L over the horizon", rep.hedged_histogram, rep.hedged);
      histogram(grid, "pnl-unhedged", "Unhedged P&L over the horizon", rep.unhedged_histogram, rep.unhedged);
    }
    if (r.shock) grid.append(card("Scenario shock", h("pre", {}, JSON.stringify(r.shock, null, 1))));
    (r.warnings || []).forEach((w) => out.append(h("p", { class: "note" }, "warning: " + w)));
    loaded("stress");
  }
  if (param("run", null)) await run();
  else loaded("stress");
};

VIEWS.backtest = async (root) => {
  root.append(h("h2", {}, "Backtest"));
  const c = { from: input("from", param("from", ""), { type: "date" }), to: input("to", param("to", ""), { type: "date" }) };
  const out = h("div");
  const values = controls(root, [["from", c.from], ["to", c.to]], () => { setParams(values()); run(); }, "Run the backtest");
  const prog = progressUi(root);
  root.append(out);
  let current = null;
  prog.cancel.onclick = () => current && current.cancel();
  async function run() {
    const v = values();
    const req = { book: bookRequest() };
    if (v.from) req.from = v.from;
    if (v.to) req.to = v.to;
    out.replaceChildren();
    prog.cancel.disabled = false;
    current = longJob("backtest", req, prog.show);
    let r;
    try {
      r = await current.done;
    } catch (e) {
      out.replaceChildren(errorBox(e));
      return loaded("backtest");
    } finally {
      prog.cancel.disabled = true;
    }
    const rep = r.report;
    const grid = h("div", { class: "grid" });
    out.append(grid);
    const hm = rep.hedged_metrics?.metrics, um = rep.unhedged_metrics?.metrics;
    const dd = [hm, um].filter(Boolean).map((m, i) => ({ from: sec(m.max_drawdown.peak_date), to: sec(m.max_drawdown.trough_date), color: i ? "#b3261e18" : "#2456b318" }));
    chart(grid, { id: "equity", wide: true, title: `Equity, hedged and unhedged (log scale): ${r.book}, ${r.from} to ${r.to}`, time: true, logY: true,
      labels: ["date", "hedged", "unhedged"], data: [rep.dates.map(sec), rep.hedged_equity, rep.unhedged_equity], hooks: { drawClear: shades(dd) },
      note: "Shaded: the maximum drawdown, peak to trough." });
    // The drawdown D_t = V_t / max(V_s, s ≤ t) − 1 of each equity curve of the job (drawn
    // from its equity; its lowest point is the job's maximum drawdown).
    const drawdown = (v) => { let peak = -Infinity; return v.map((x) => { if (!isNum(x)) return null; peak = Math.max(peak, x); return x / peak - 1; }); };
    chart(grid, { id: "drawdown", wide: true, title: "Drawdown from the running peak, hedged and unhedged", time: true, height: 200,
      labels: ["date", "hedged", "unhedged"], data: [rep.dates.map(sec), drawdown(rep.hedged_equity), drawdown(rep.unhedged_equity)],
      series: [{ fill: "#2456b322" }, { fill: "#b3261e22" }], note: "Equity over its highest value so far, minus one (0: at a new high)." });
    CH.backtest = r;
    const m = (k, x) => [k, pct(x?.total_return), pct(x?.annualised_return), pct(x?.annualised_vol), pct(x?.max_drawdown?.max_drawdown), x?.max_drawdown?.peak_date, x?.max_drawdown?.trough_date, x?.max_drawdown?.recovery_date ?? "not recovered", `${x?.worst_month?.year}-${String(x?.worst_month?.month).padStart(2, "0")} ${pct(x?.worst_month?.simple_return)}`];
    grid.append(h("div", { class: "card wide", id: "backtest-metrics" }, h("h3", {}, `${r.days} days; contracts: ${r.contracts}`),
      table(["book", "total return", "annualised", "vol", "max drawdown", "peak", "trough", "recovery", "worst month"], [m("hedged", hm), m("unhedged", um)])));
    if (rep.episodes?.length) grid.append(h("div", { class: "card wide", id: "episode-protection" }, h("h3", {}, "Episode protection"), table(["episode", "from", "to", "unhedged P&L", "hedge P&L", "hedged P&L", "share offset"],
      rep.episodes.map((x) => [x.name, x.from, x.to, money(x.unhedged_pnl), money(x.hedge_pnl), money(x.hedged_pnl), pct(x.share_offset)]))));
    const cc = rep.cost_of_carry;
    if (cc) grid.append(card("Carry", h("div", { class: "stats" }, stat("outlay per year", money(cc.outlay_per_year)), stat("outlay share per year", pct(cc.outlay_share_per_year, 2)),
      stat("hedge P&L outside episodes per year", money(cc.hedge_pnl_outside_episodes_per_year)), stat("… share per year", pct(cc.hedge_pnl_outside_episodes_share_per_year, 2)),
      stat("years", num(cc.years, 2)), stat("XIRR of the hedge", pct(rep.xirr?.rate))),
      table(["layer", "cost share"], r.layers.map(([n, x]) => [n, pct(x, 2)]))));
    loaded("backtest");
  }
  await run();
};

VIEWS.compare = async (root) => {
  const all = await names();
  root.append(h("h2", {}, "Compare"));
  const c = { targets: input("targets", param("targets", "btc,eth,nft"), { size: 24 }), hedge: select("hedge", all, param("hedge", "vix")),
    regimes: select("regimes", REGIMES, param("regimes", "vix-bands")), bootstrap: input("bootstrap", param("bootstrap", "200"), { type: "number", min: 0 }) };
  const out = h("div");
  const values = controls(root, [["targets (comma-separated)", c.targets], ["hedge", c.hedge], ["regime labeling", c.regimes], ["bootstrap", c.bootstrap]], () => { setParams(values()); run(); });
  root.append(out);
  async function run() {
    const v = values();
    const targets = v.targets.split(",").map((s) => s.trim()).filter(Boolean);
    let res;
    try {
      res = await Promise.all(targets.map((t) => job("basis", { target: t, hedge: v.hedge, regimes: v.regimes, bootstrap: +v.bootstrap })));
    } catch (e) {
      out.replaceChildren(errorBox(e));
      return loaded("compare");
    }
    const regimes = [...new Set(res.flatMap((b) => Object.keys(b.regimes || {})))];
    const rows = [
      ["rows", ...res.map((b) => b.rows)], ["span", ...res.map((b) => `${b.from} – ${b.to}`)],
      ["correlation", ...res.map((b) => num(b.pearson))], ["hedge ratio β", ...res.map((b) => num(b.beta, 4))],
      ["hedge effectiveness", ...res.map((b) => pct(b.hedge_effectiveness))],
      ...regimes.flatMap((g) => [[`correlation, ${g}`, ...res.map((b) => num(b.regimes?.[g]?.pearson))], [`β, ${g}`, ...res.map((b) => num(b.regimes?.[g]?.beta, 4))]]),
      ["decorrelation factor", ...res.map((b) => (b.decorrelation_factor?.identified ? `${num(b.decorrelation_factor.value, 2)} ${ci(b.decorrelation_factor.ci95, (x) => num(x, 2))}` : "not identified"))],
      ["Fisher z p-value", ...res.map((b) => num(b.fisher_z_test?.p_value, 6))],
    ];
    out.replaceChildren(h("div", { class: "card", id: "compare-table" }, h("h3", {}, `Against ${v.hedge}, labeling ${v.regimes}`), table(["", ...targets], rows)));
    const grid = h("div", { class: "grid" });
    out.append(grid);
    chart(grid, { id: "compare-corr", xNames: ["whole sample", ...regimes], title: "Correlation by regime (x: whole sample, then " + regimes.join(", ") + ")", bars: true,
      labels: ["regime", ...targets], data: [[0, ...regimes.map((_, i) => i + 1)], ...res.map((b) => [b.pearson, ...regimes.map((g) => b.regimes?.[g]?.pearson ?? null)])] });
    chart(grid, { id: "compare-beta", xNames: ["whole sample", ...regimes], title: "Hedge ratio by regime (x as left)", bars: true,
      labels: ["regime", ...targets], data: [[0, ...regimes.map((_, i) => i + 1)], ...res.map((b) => [b.beta, ...regimes.map((g) => b.regimes?.[g]?.beta ?? null)])] });
    loaded("compare");
  }
  await run();
};

VIEWS.data = async (root) => {
  root.append(h("h2", {}, "Data"));
  const grid = h("div", { class: "grid" });
  root.append(grid);
  const listCard = h("div", { class: "card wide", id: "series-list" });
  const importsCard = h("div", { class: "card wide", id: "imports" });
  const plotCard = h("div", { class: "wide" });
  const revCard = h("div", { class: "card wide", id: "revisions" });
  const csv = h("textarea", { id: "csv", rows: 6, style: "width:100%;font-family:monospace", placeholder: "date,close\n2024-01-02,100.5" });
  const file = h("input", { type: "file", id: "csv-file", accept: ".csv,text/csv" });
  const mapping = h("input", { id: "csv-series", placeholder: "NAME=COLUMN[,NAME=COLUMN]", value: "mine=close" });
  const cal = select("calendar", ["us", "crypto"], "us");
  // The import's other fields, as `crosshedge import` has them: an empty one is not sent.
  const unit = h("select", { id: "csv-unit" }, ...["price", "index-level", "rate", "count", "ratio"].map((u) => h("option", { value: u }, u)));
  const format = h("select", { id: "csv-format" }, h("option", { value: "" }, "plain CSV"),
    ...["cboe", "yahoo", "fred", "binance-klines", "deribit-dvol"].map((f) => h("option", { value: f }, f)));
  const scale = h("input", { id: "csv-scale", size: 8, placeholder: "none", title: "multiply every value on import, e.g. 0.01 for percent rates into decimals" });
  const dateFormat = h("input", { id: "csv-date-format", size: 10, placeholder: "detected", title: "a date format such as %d/%m/%Y" });
  const result = h("div", { id: "import-result" });
  const upload = h("div", { class: "card" }, h("h3", {}, "Import a CSV file"),
    h("p", { class: "note" }, "The same validation as crosshedge import: a bad file is refused with one line naming the row and column, and the store is left untouched."),
    h("div", { class: "controls" }, field("file", file), field("series (NAME=COLUMN)", mapping), field("calendar", cal)),
    h("div", { class: "controls" }, field("unit", unit), field("format", format), field("scale", scale), field("date format", dateFormat)),
    field("…or paste the CSV text", csv),
    h("div", { class: "controls" }, h("button", { id: "import", onclick: () => doImport() }, "Import")), result);
  grid.append(listCard, plotCard, revCard, upload, importsCard);
  async function refresh() {
    seriesCache = null;
    const [list, imports] = await Promise.all([seriesList(), get("/api/v1/imports")]);
    listCard.replaceChildren(h("h3", {}, `${list.length} series in the store`), table(["series", "calendar", "unit", "first", "last", "rows", "source"],
      list.map((s) => [s.name, s.calendar, s.unit, s.first, s.last, s.rows, h("span", { title: s.source }, String(s.source).split(/[\\/]/).pop())]), (i) => { setParams({ series: list[i].name }); plot(list[i].name); }),
    h("p", { class: "note" }, "Click a series to draw it and list its revisions."));
    importsCard.replaceChildren(h("h3", {}, "Imports"), table(["id", "file", "rows", "series", "imported at", "SHA-256"],
      imports.map((x) => [x.id, h("span", { title: x.file_name }, String(x.file_name).split(/[\\/]/).pop()), x.rows, x.series, x.imported_at, x.sha256.slice(0, 12) + "…"])));
  }
  async function plot(name) {
    const path = `/api/v1/series/${encodeURIComponent(name)}`;
    const [s, rv] = await Promise.all([get(path), get(path + "/revisions")]);
    plotCard.replaceChildren();
    chart(plotCard, { id: "series-" + name, wide: true, title: `${s.name} (${s.unit}, ${s.calendar} calendar)`, time: true, labels: ["date", s.name], data: onDates([s.observations]) });
    // The dates with more than one stored value, each with every revision and its import.
    const per = new Map();
    for (const r of rv.revisions) per.set(r.date, (per.get(r.date) || 0) + 1);
    const revised = rv.revisions.filter((r) => per.get(r.date) > 1);
    const shown = revised.slice(0, 200);
    revCard.replaceChildren(h("h3", {}, `Revisions of ${rv.name}: ${[...per.values()].filter((n) => n > 1).length} of ${per.size} dates have more than one stored value`),
      revised.length ? table(["date", "revision", "value", "current", "import", "file", "imported at"],
        shown.map((r) => [r.date, r.revision, String(r.value), r.current ? "current" : "", r.import_id, h("span", { title: r.file }, String(r.file).split(/[\\/]/).pop()), r.imported_at]))
        : h("p", { class: "note" }, "Every import agreed with the stored values: no revisions."),
      ...(revised.length > shown.length ? [h("p", { class: "note" }, `The first ${shown.length} of ${revised.length} revisions shown (series revisions ${rv.name} --json lists all).`)] : []));
    document.body.dataset.plotted = name;
  }
  async function doImport() {
    result.replaceChildren();
    const body = file.files && file.files[0] ? file.files[0] : csv.value;
    const fileName = file.files && file.files[0] ? file.files[0].name : "pasted.csv";
    const q = new URLSearchParams({ series: mapping.value.trim(), calendar: cal.value, unit: unit.value, file_name: fileName });
    for (const [k, el] of [["format", format], ["scale", scale], ["date_format", dateFormat]]) {
      if (el.value.trim()) q.set(k, el.value.trim());
    }
    try {
      const r = await call("POST", "/api/v1/import?" + q, body, "text/csv");
      const files = Array.isArray(r) ? r : r.series || [];
      result.replaceChildren(h("p", { id: "import-ok" }, "imported " + files.map((f) => `${f.file} (${f.rows} rows${f.unchanged ? ", nothing new" : ""}): ` +
        f.series.map((c) => `${c.name} ${c.new} new, ${c.unchanged} unchanged, ${c.conflicts} differing (kept as revisions)`).join("; ")).join("; ")));
      await refresh();
    } catch (e) {
      result.replaceChildren(errorBox(e));
    }
    document.body.dataset.imported = String(Date.now());
  }
  await refresh();
  await plot(param("series", "vix"));
  loaded("data");
};

// ---------- routing ----------
let rendering = 0;
async function render() {
  const view = VIEWS[param("view", "overview")] ? param("view", "overview") : "overview";
  CH.view = view;
  const my = ++rendering;
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.view === view);
  for (const c of Object.values(CH.charts)) {
    c.ro.disconnect();
    c.u.destroy();
  }
  CH.charts = {};
  const root = h("section", { id: "view-" + view });
  $("#main").replaceChildren(root);
  try {
    await VIEWS[view](root);
  } catch (e) {
    if (my === rendering) {
      root.append(errorBox(e));
      loaded(view);
    }
  }
}
document.addEventListener("click", (e) => {
  const a = e.target.closest && e.target.closest("#nav a");
  if (!a) return;
  e.preventDefault();
  setParams({ view: a.dataset.view });
  render();
});
window.addEventListener("hashchange", render);
render();
