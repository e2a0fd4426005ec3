// crossroads dashboard: fetch the JSON API, draw tables, the Sankey (plotly.js, served by
// this app) and the server-drawn SVG map. No external resource is ever requested.
"use strict";
const crossroads = (() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  const pct = (x) => (x === null || x === undefined || Number.isNaN(x)) ? "–" : (100 * x).toFixed(1) + " %";
  const num = (x) => (x === null || x === undefined) ? "–" : Number(x).toLocaleString("en");

  async function api(url, opts) {
    const r = await fetch(url, opts);
    const data = await r.json();
    if (!r.ok) { const e = new Error(data.error ? data.error.message : r.statusText); e.type = data.error && data.error.type; e.status = r.status; throw e; }
    return data;
  }
  function problem(el, err) {
    el.classList.remove("loading");
    const missing = err.status === 501;
    el.innerHTML = `<div class="${missing ? "missing" : "error"}">${missing ? "Not available in this build: " : "Error: "}${esc(err.message)}</div>`;
  }
  function table(rows, cols) {
    if (!rows || !rows.length) return '<p class="src">none</p>';
    const head = cols.map((c) => `<th class="${c.n ? "n" : ""}">${esc(c.label)}</th>`).join("");
    const body = rows.map((r) => "<tr>" + cols.map((c) => `<td class="${c.n ? "n" : ""}" data-key="${esc(c.key)}">${c.fmt ? c.fmt(r[c.key], r) : esc(r[c.key])}</td>`).join("") + "</tr>").join("");
    return `<table><tr>${head}</tr>${body}</table>`;
  }
  function kv(obj, skip) {
    const rows = Object.entries(obj).filter(([k, v]) => !(skip || []).includes(k) && (typeof v !== "object" || v === null));
    return table(rows.map(([k, v]) => ({k: k.replaceAll("_", " "), v: typeof v === "number" ? num(v) : v})), [{key: "k", label: "field"}, {key: "v", label: "value", n: true}]);
  }
  function provenance(d) {
    const when = d.data_date || d.graph_date || "unknown date";
    return `data of ${esc(when)}; ${esc(d.source || d.graph_source || "crossroads store")}`;
  }
  function timer(el) {
    const t0 = Date.now(); const span = el.querySelector(".elapsed");
    const h = setInterval(() => { if (span) span.textContent = ((Date.now() - t0) / 1000).toFixed(0); }, 500);
    return () => clearInterval(h);
  }
  const asLink = (a) => `<a href="/as/${a}">AS${a}</a>`;

  async function countryPage(cc) {
    const prof = $("profile");
    api(prof.dataset.api).then((p) => {
      prof.innerHTML = `<p class="src">Units as labelled; ${provenance(p)}</p>` + kv(p, ["country", "top_origins", "datasets"]) +
        "<h3>Top originating ASes (share of the country's IPv4 space)</h3>" +
        table((p.top_origins || []).slice(0, 10), [{key: "asn", label: "AS", fmt: asLink}, {key: "name", label: "name"}, {key: "ipv4_share", label: "IPv4 share", n: true, fmt: pct}]);
    }).catch((e) => problem(prof, e));
    const tls = $("tls");
    api(tls.dataset.api).then((eps) => {
      tls.innerHTML = eps.length ? eps.map((e) => `<p><b>${esc(e.period)} — ${esc(e.title)}.</b> ${esc(e.summary)}<br><span class="src">${esc(e.references.join("; "))}</span></p>`).join("")
        : "<p>No documented episode in crossroads' curated sources.</p>";
    }).catch((e) => problem(tls, e));

    const status = $("dep-status"); const stop = timer(status);
    let dep;
    try { dep = await api(`/api/countries/${cc}/dependency`); } catch (e) { stop(); problem(status, e); return; }
    stop(); status.remove();
    $("dep-src").innerHTML = "Units: fraction of address-weighted, tie-split AS paths with a route; " + provenance(dep);
    const draw = async () => {
      const dir = document.querySelector('input[name="dir"]:checked').value;
      drawDirection(cc, dep, dir);
      const map = $("map"); map.classList.add("busy");
      const svg = await fetch(`/figures/${cc}/world-map.svg?direction=${dir}`).then((r) => r.text());
      map.innerHTML = svg; map.classList.remove("busy");
    };
    document.querySelectorAll('input[name="dir"]').forEach((r) => r.addEventListener("change", draw));
    await draw();
    $("chokepoints").innerHTML = dep.chokepoints ? chokepoints(dep.chokepoints) : '<div class="missing">Not in this build\'s dependency result.</div>';
    $("concentration").innerHTML = dep.concentration ? table(Object.entries(dep.concentration).filter(([, v]) => typeof v === "number").map(([k, v]) => ({k, v: k === "hhi" ? v.toFixed(3) : pct(v)})), [{key: "k", label: "measure"}, {key: "v", label: "value", n: true}]) : '<div class="missing">Not in this build\'s dependency result.</div>';
  }
  function chokepoints(c) {
    let html = "";
    for (const [k, v] of Object.entries(c)) {
      if (Array.isArray(v) && v.length && typeof v[0] === "object") {
        const cols = Object.keys(v[0]).map((key) => ({key, label: key.replaceAll("_", " "), n: typeof v[0][key] === "number", fmt: key.includes("share") ? pct : (key === "asn" ? asLink : undefined)}));
        html += `<h4>${esc(k.replaceAll("_", " "))}</h4>` + table(v.slice(0, 10), cols);
      } else if (typeof v !== "object") html += `<p>${esc(k.replaceAll("_", " "))}: <b>${esc(typeof v === "number" && v <= 1 ? pct(v) : v)}</b></p>`;
    }
    return html || '<p class="src">none</p>';
  }
  function drawDirection(cc, dep, dir) {
    const part = dep[dir] || {by_country: [], by_as: []};
    const rows = [...part.by_country].sort((a, b) => (b.any_share || 0) - (a.any_share || 0));
    $("by-country").innerHTML = table(rows.slice(0, 12), [{key: "country", label: "country"}, {key: "any_share", label: "any AS on path", n: true, fmt: pct}, {key: "gateway_share", label: "gateway", n: true, fmt: pct}]);
    $("by-as").innerHTML = table(part.by_as.slice(0, 12), [{key: "asn", label: "AS", fmt: asLink}, {key: "name", label: "name", fmt: (n) => esc(String(n || "").slice(0, 30))}, {key: "country", label: "cc"}, {key: "gateway_share", label: "gateway", n: true, fmt: pct}]);
    const gw = [...part.by_country].filter((r) => r.gateway_share > 0).sort((a, b) => b.gateway_share - a.gateway_share).slice(0, 8);
    const labels = [cc], src = [], dst = [], val = [];
    const idx = (name) => { let i = labels.indexOf(name); if (i < 0) { labels.push(name); i = labels.length - 1; } return i; };
    for (const r of gw) { src.push(0); dst.push(idx(r.country)); val.push(r.gateway_share); }
    const shown = new Set(gw.map((r) => r.country));
    for (const a of [...part.by_as].filter((a) => shown.has(a.country) && a.gateway_share > 0).sort((a, b) => b.gateway_share - a.gateway_share).slice(0, 16)) {
      src.push(idx(a.country)); dst.push(idx(`AS${a.asn} ${String(a.name || "").slice(0, 18)}`)); val.push(a.gateway_share);
    }
    Plotly.newPlot("sankey", [{type: "sankey", orientation: "h", valueformat: ".1%",
      node: {label: labels, pad: 12, thickness: 14, color: "#334155"},
      link: {source: src, target: dst, value: val, color: "rgba(194,65,12,0.35)"}}],
      {margin: {l: 10, r: 10, t: 10, b: 10}, height: 420, font: {size: 11}}, {displayModeBar: false, responsive: true});
  }

  async function scenarioPage() {
    const sel = $("preset"), ta = $("yaml");
    let presets = [];
    try { presets = await api("/api/scenarios"); } catch (e) { problem($("sc-status"), e); sel.innerHTML = ""; return; }
    sel.innerHTML = presets.map((p) => `<option value="${esc(p.name)}">${esc(p.name)}</option>`).join("");
    const fill = () => { const p = presets.find((x) => x.name === sel.value); ta.value = p ? p.yaml : ""; };
    sel.addEventListener("change", fill); fill();
    $("run-preset").addEventListener("click", () => run({preset: sel.value}));
    $("run-yaml").addEventListener("click", () => run({yaml: ta.value}));
  }
  async function run(body) {
    const st = $("sc-status");
    st.innerHTML = '<div class="loading">Running the scenario: propagating routes before and after… <span class="elapsed">0</span> s</div>';
    const stop = timer(st);
    let res;
    try { res = await api("/api/simulate", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)}); }
    catch (e) { stop(); problem(st, e); return; }
    stop(); st.innerHTML = "";
    const sc = typeof res.scenario === "object" ? res.scenario : {name: res.scenario};
    $("result").hidden = false;
    $("sc-title").textContent = `${sc.name} (${res.country})`;
    $("sc-desc").textContent = sc.description || "";
    for (const side of ["before", "after"]) {
      const s = res[side] || {};
      const reach = ["reachability_inbound", "reachability_outbound"].map((k) => ({k, v: s[k]}));
      $(side).innerHTML = table(reach, [{key: "k", label: "reachability (share of address space)", fmt: (k) => esc(k.replace("reachability_", ""))}, {key: "v", label: side, n: true, fmt: pct}]).replace(/data-key="v"/g, (m, off) => m) +
        table([...(s.by_country || [])].sort((a, b) => (b.gateway_share || 0) - (a.gateway_share || 0)).slice(0, 10), [{key: "country", label: "country"}, {key: "any_share", label: "any", n: true, fmt: pct}, {key: "gateway_share", label: "gateway", n: true, fmt: pct}]);
      $(side).querySelectorAll("tr").forEach((tr, i) => { if (i > 0 && i <= 2) tr.dataset.metric = reach[i - 1].k; });
    }
    const b = Object.fromEntries((res.before.by_country || []).map((r) => [r.country, r.gateway_share]));
    const a = Object.fromEntries((res.after.by_country || []).map((r) => [r.country, r.gateway_share]));
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort((x, y) => Math.max(a[y] || 0, b[y] || 0) - Math.max(a[x] || 0, b[x] || 0)).slice(0, 10);
    Plotly.newPlot("sc-plot", [
      {type: "bar", name: "before", x: keys, y: keys.map((k) => b[k] || 0), marker: {color: "#94a3b8"}},
      {type: "bar", name: "after", x: keys, y: keys.map((k) => a[k] || 0), marker: {color: "#c2410c"}}],
      {barmode: "group", yaxis: {tickformat: ".0%", title: "gateway share of paths"}, height: 360, margin: {t: 10}}, {displayModeBar: false, responsive: true});
    $("sc-src").innerHTML = "Units: share of address-weighted paths; " + provenance(res);
  }

  async function asPage(asn) {
    const el = $("as");
    try {
      const d = await api(el.dataset.api);
      let html = `<p class="src">${provenance(d)}</p>` + kv(d);
      for (const [k, v] of Object.entries(d)) {
        if (Array.isArray(v) && v.length && typeof v[0] !== "object") html += `<h3>${esc(k)} (${v.length})</h3><p>${v.slice(0, 200).map((x) => typeof x === "number" ? asLink(x) : esc(x)).join(", ")}</p>`;
      }
      el.innerHTML = html;
    } catch (e) { problem(el, e); }
  }

  async function outagePage(cc) {
    const el = $("outages");
    try {
      const d = await api(el.dataset.api);
      const events = d.events || d;
      el.innerHTML = `<p class="src">${provenance(d)}</p>` + table(events, Object.keys(events[0] || {start: 0}).map((key) => ({key, label: key})));
      if (events.length) Plotly.newPlot("timeline", [{type: "scatter", mode: "markers", x: events.map((e) => e.start), y: events.map((e) => e.severity), text: events.map((e) => e.kind || "")}], {height: 300}, {displayModeBar: false});
    } catch (e) { problem(el, e); }
  }
  return {countryPage, scenarioPage, asPage, outagePage, pct};
})();
