// crossroads dashboard: fetch the JSON API, draw tables, the Sankey and charts (plotly.js,
// served by this app) and the server-drawn SVG map. No external resource is ever requested.
"use strict";
const crossroads = (() => {
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  // same rules as crossroads.report.build.pct / num
  const pct = (x) => {
    if (x === null || x === undefined || Number.isNaN(x)) return "–";
    const v = 100 * x;
    return (Math.abs(v) >= 0.1 || v === 0) ? v.toFixed(1) + " %" : Number(v.toPrecision(2)) + " %";
  };
  const num = (x) => (x === null || x === undefined) ? "–" : Number(x).toLocaleString("en", {maximumFractionDigits: Math.abs(x) >= 100 ? 0 : 2});
  const pp = (x) => (x === null || x === undefined) ? "–" : (x === 0 ? "±0 pp" : (x > 0 ? "+" : "−") + Math.abs(100 * x).toFixed(2) + " pp");
  const asLink = (a) => `<a href="/as/${a}">AS${a}</a>`;
  const PLOT = {displayModeBar: false, responsive: true};

  async function api(url, opts) {
    const r = await fetch(url, opts);
    const data = await r.json();
    if (!r.ok) { const e = new Error(data.error ? data.error.message : r.statusText); e.hint = data.error && data.error.hint; e.type = data.error && data.error.type; e.status = r.status; throw e; }
    return data;
  }
  function problem(el, err) {
    el.classList.remove("loading");
    const missing = err.type === "DatasetMissingError";
    const busy = err.type === "BusyError";
    el.innerHTML = `<div class="${missing || busy ? "missing" : "error"}">${missing ? "Data not loaded: " : busy ? "Busy: " : "Error: "}${esc(err.message)}${err.hint ? " — " + esc(err.hint) : ""}</div>`;
  }
  function table(rows, cols, cls) {
    if (!rows || !rows.length) return '<p class="src">none</p>';
    const head = cols.map((c) => `<th class="${c.n ? "n" : ""}">${esc(c.label)}</th>`).join("");
    const body = rows.map((r) => "<tr>" + cols.map((c) => `<td class="${c.n ? "n" : ""}" data-key="${esc(c.key)}">${c.fmt ? c.fmt(r[c.key], r) : esc(r[c.key])}</td>`).join("") + "</tr>").join("");
    return `<div class="tw"><table class="${cls || ""}"><tr>${head}</tr>${body}</table></div>`;
  }
  const FAMILIES = [["caida-as-rel", "CAIDA AS relationships"], ["ip-location-db", "ip-location-db"], ["rir-", "RIR delegated statistics"], ["ris-", "RIPE RIS peers"], ["routeviews-", "RouteViews peers"], ["caida-ixs", "CAIDA IXPs"]];
  // same grouping as crossroads.report.views.short_sources
  function sources(sets) {
    const seen = new Map();
    for (const d of sets || []) {
      const name = d.dataset || "?";
      const fam = (FAMILIES.find(([p]) => name.startsWith(p)) || [null, name])[1];
      if (!seen.has(fam)) seen.set(fam, new Set());
      seen.get(fam).add(d.data_date);
    }
    return [...seen].map(([f, ds]) => `${f} ${[...ds].sort().join(", ")}`).join("; ");
  }
  const dataLine = (d) => "Data: " + esc(sources(d.datasets || []));
  // a repository path leads nowhere in a browser: the page is served here (crossroads.web.methods)
  const docLinks = (html) => html.replace(/(?:See )?`{0,2}docs\/(?:methods\/)?([a-z-]+)\.md`{0,2}\.?/g, (m, name) => `See <a href="/methods/${name}">${name === "validation" ? "how simulated paths were checked" : "the method"}</a>.`);
  const fidelity = (text) => `<p class="fidelity"><b>How far to trust simulated paths.</b> ${docLinks(esc(text))}</p>`;
  function timer(el) {
    const t0 = Date.now(); const span = el.querySelector(".elapsed");
    const h = setInterval(() => { if (span) span.textContent = ((Date.now() - t0) / 1000).toFixed(0); }, 500);
    return () => clearInterval(h);
  }
  const cname = (cc) => `<span title="${esc(cc)}">${esc(cc)}</span>`;

  // ---------------------------------------------------------------- country page
  async function countryPage(cc) {
    const prof = $("profile");
    api(prof.dataset.api).then((p) => { prof.innerHTML = profile(p); }).catch((e) => problem(prof, e));
    const tls = $("tls");
    api(tls.dataset.api).then((eps) => {
      tls.innerHTML = eps.length ? '<p class="src">Curated from browser blocklists and public bug reports; documented episodes, not measurements.</p>' + eps.map((e) => `<p><b>${esc(e.period)} — ${esc(e.title)}.</b> ${esc(e.summary)}<br><span class="src">${esc(e.references.join("; "))}</span></p>`).join("")
        : "<p>No documented episode in crossroads' curated sources.</p>";
    }).catch((e) => problem(tls, e));
    const tstatus = $("terr-status"); const tstop = timer(tstatus);
    const astatus = $("answer-status"); const astop = timer(astatus);
    const dep = await dependency(cc);
    astop();
    if (dep) await answer(cc); else astatus.remove();
    tstop();
    if (dep) territory(cc, dep); else tstatus.remove();
    await history(cc);
    return dep;
  }
  // the answer first: the lead sentences and the comparison (crossroads.report.views.answer_view)
  async function answer(cc) {
    const el = $("answer");
    let rows;
    try { rows = await api(`/api/countries/${cc}/answer`); } catch (e) { problem(el, e); return; }
    // the claim in bold, its basis (level, graph, fidelity) in small type after it
    const lead = (s) => { const i = s.indexOf(" ("); return i < 0 ? `<b>${esc(s)}</b>` : `<b>${esc(s.slice(0, i))}</b> <span class="basis">${esc(s.slice(i + 1))}</span>`; };
    el.innerHTML = rows.map((a) => `<p class="lead" data-direction="${esc(a.direction)}">${lead(a.sentence)}</p>`).join("") +
      rows.filter((a) => a.rows.length).map((a) => `<details class="compare"${a.direction === "inbound" ? " open" : ""}><summary>Compared with published figures (${esc(a.direction)}, via ${esc(a.partner)})</summary>` +
        table(a.rows, [{key: "figure", label: "figure"}, {key: "share", label: "share", n: true, fmt: (v) => v === null ? (a.rows.length ? "–" : "") : pct(v)},
          {key: "basis", label: "basis", fmt: (b, r) => esc(b) + (r.url ? ` <a href="${esc(r.url)}" rel="noreferrer">source</a>` : "")}], "compare") +
        `<p class="src">Why they differ: ${esc(a.why)} <a href="/methods/dependency?cc=${esc(cc)}">How the shares are computed</a>; <a href="/methods/validation?cc=${esc(cc)}">how far simulated paths match observed ones</a>.</p></details>`).join("");
  }
  function profile(p) {
    const v4 = p.ipv4_addresses, v6 = p.ipv6_slash48s;
    const rows = [
      {m: "IPv4 space", a: v4.allocated, o: v4.originated, g: v4.geolocated, u: "addresses"},
      {m: "IPv6 space", a: v6.allocated, o: v6.originated, g: v6.geolocated, u: "/48 blocks"}];
    return `<p class="kpi-line"><b>${num(p.asns)}</b> ASes registered in ${esc(p.country)} (${num(p.asns_by_rule.rir || 0)} by RIR record, ${num(p.asns_by_rule["originated-space"] || 0)} by the space they originate)</p>` +
      table(rows, [{key: "m", label: "measure"}, {key: "a", label: "allocated", n: true, fmt: num}, {key: "o", label: "originated", n: true, fmt: num}, {key: "g", label: "geolocated", n: true, fmt: num}, {key: "u", label: "unit"}], "narrow") +
      `<p class="src">Allocated: RIR delegated statistics; originated: ip-location-db origin ranges; geolocated: ip-location-db geo-whois. ${dataLine(p)}.</p>` +
      "<h3>Largest originating ASes</h3>" +
      table(p.top_origins, [{key: "asn", label: "AS", fmt: asLink}, {key: "name", label: "name"}, {key: "ipv4_addresses", label: "IPv4 addresses", n: true, fmt: num}, {key: "ipv4_share", label: `share of ${p.country}'s IPv4`, n: true, fmt: pct}, {key: "ipv6_slash48s", label: "IPv6 /48s", n: true, fmt: num}]);
  }

  async function dependency(cc) {
    const status = $("dep-status"); const stop = timer(status);
    let dep;
    try { dep = await api(`/api/countries/${cc}/dependency`); } catch (e) { stop(); problem(status, e); return null; }
    stop(); status.remove();
    $("dep-fidelity").innerHTML = fidelity(dep.fidelity_note);
    $("dep-src").innerHTML = `Units: % of address-weighted, tie-split simulated AS paths with a route; routes simulated on the CAIDA AS graph of ${esc(dep.graph_date)}, ${esc(dep.mode)} mode${dep.mode === "calibrated" ? " (observed routes fixed where a RIB shows them; see the notes)" : ""}. ${dataLine(dep)}.`;
    const draw = async () => {
      const dir = document.querySelector('input[name="dir"]:checked').value;
      const measure = document.querySelector('input[name="measure"]:checked').value;
      drawDirection(cc, dep, dir);
      $("map-title").textContent = measure === "gateway"
        ? `Share of ${dir} paths crossing ${cc}'s border through each country's networks (gateway)`
        : `Share of ${dir} paths with some network of each country on them (any)`;
      const map = $("map"); map.classList.add("busy");
      const svg = await fetch(`/figures/${cc}/world-map.svg?direction=${dir}&measure=${measure}`).then((r) => r.text());
      map.innerHTML = svg; map.classList.remove("busy");
    };
    document.querySelectorAll('input[name="dir"], input[name="measure"]').forEach((r) => r.addEventListener("change", draw));
    await draw();
    $("chokepoints").innerHTML = chokepoints(dep.chokepoints, dep.graph_date);
    $("concentration").innerHTML = concentration(dep.concentration, cc);
    return dep;
  }
  function drawDirection(cc, dep, dir) {
    const part = dep[dir] || {by_country: [], by_as: []};
    $("dir-summary").innerHTML = `${esc(part.sources)}: ${num(part.n_sources)} sources, ${num(part.n_destinations)} destinations; direct (no AS in between) ${pct(part.direct_share)}, no route ${pct(part.unreachable_share)}.`;
    const rows = [...part.by_country].sort((a, b) => (b.any_share || 0) - (a.any_share || 0));
    $("by-country").innerHTML = table(rows.slice(0, 12), [{key: "country", label: "country", fmt: (c, r) => esc(c) + (r.flag ? `<div class="flag">⚑ ${esc(r.flag)}</div>` : "")}, {key: "any_share", label: "any AS on path", n: true, fmt: pct}, {key: "gateway_share", label: "gateway", n: true, fmt: pct}]) +
      `<p class="src">Countries by ${esc(dep.country_by || "operation")} (<a href="/methods/dependency?cc=${esc(cc)}">country meanings</a>); ⚑: a network whose meanings disagree carries ≥ 1 % of the paths.</p>`;
    const ases = [...part.by_as].sort((a, b) => (b.transit_share || 0) - (a.transit_share || 0));
    $("by-as").innerHTML = table(ases.slice(0, 12), [{key: "asn", label: "AS", fmt: asLink}, {key: "name", label: "name", fmt: (n) => esc(String(n || "").slice(0, 28))}, {key: "country", label: "cc"}, {key: "transit_share", label: "on path", n: true, fmt: pct}, {key: "gateway_share", label: "gateway", n: true, fmt: pct}, {key: "hegemony", label: "hegemony", n: true, fmt: pct}]);
    // the same bands as crossroads.report.views.sankey_flows
    const gw = [...part.by_country].filter((r) => r.gateway_share > 0).sort((a, b) => b.gateway_share - a.gateway_share);
    const kept = gw.slice(0, 8), other = gw.slice(8).reduce((s, r) => s + r.gateway_share, 0);
    const labels = [cc], src = [], dst = [], val = [];
    const idx = (name) => { let i = labels.indexOf(name); if (i < 0) { labels.push(name); i = labels.length - 1; } return i; };
    for (const r of kept) { src.push(0); dst.push(idx(r.country)); val.push(r.gateway_share); }
    if (other > 0) { src.push(0); dst.push(idx("other")); val.push(other); }
    const shown = new Set(kept.map((r) => r.country));
    for (const a of [...part.by_as].filter((a) => shown.has(a.country) && a.gateway_share > 0).sort((a, b) => b.gateway_share - a.gateway_share).slice(0, 16)) {
      src.push(idx(a.country)); dst.push(idx(`AS${a.asn} ${String(a.name || "").slice(0, 22)}`)); val.push(a.gateway_share);
    }
    Plotly.newPlot("sankey", [{type: "sankey", orientation: "h", valueformat: ".1%", arrangement: "snap",
      node: {label: labels, pad: 14, thickness: 16, color: "#334155"},
      link: {source: src, target: dst, value: val, color: "rgba(194,65,12,0.35)"}}],
      {margin: {l: 10, r: 10, t: 10, b: 10}, height: 440, font: {size: 12}}, PLOT);
  }
  // the AS-level vs territorial comparison: the same rows as crossroads.report.views.territory_view
  async function territory(cc, dep) {
    const t = dep.territory; const status = $("terr-status");
    status.remove();
    if (!t) { $("terr-intro").textContent = "The territorial section was not computed."; return; }
    $("terr-intro").innerHTML = `AS-level shares say through which countries' <i>networks</i> ${esc(cc)}'s paths cross its border; the territorial share says across which countries' <i>territory</i> the fibre runs to the place where that link is made (the border for a neighbour's network, else the metros both networks list in PeeringDB, or ${esc(cc)}'s hubs), along the shortest corridor routes. Units: % of the path mass on ${esc(cc)}'s crossing links; range: the extremes over the candidate metros of the links placed by rules (${pct(t.rule_share)} of the mass${t.peeringdb ? "" : "; no PeeringDB dump is loaded"}).`;
    const draw = async () => {
      const dir = document.querySelector('input[name="tdir"]:checked').value;
      const part = t[dir] || {by_country: []}; const as = dep[dir] || {by_country: []};
      const gw = new Map(as.by_country.map((r) => [r.country, r]));
      const tr = new Map(part.by_country.map((r) => [r.country, r]));
      const key = (c) => Math.max((tr.get(c) || {}).share || 0, (gw.get(c) || {}).gateway_share || 0);
      const names = [...new Set([...tr.keys(), ...gw.keys()])].sort((a, b) => key(b) - key(a) || (a < b ? -1 : 1)).slice(0, 8);
      const rows = names.map((c) => ({country: c, share: (tr.get(c) || {}).share || 0, low: (tr.get(c) || {}).low || 0, high: (tr.get(c) || {}).high || 0,
        gateway_share: (gw.get(c) || {}).gateway_share || 0, any_share: (gw.get(c) || {}).any_share || 0}));
      $("terr-table").innerHTML = table(rows, [{key: "country", label: "country"}, {key: "share", label: "territory", n: true, fmt: pct},
        {key: "low", label: "range", n: true, fmt: (v, r) => `${pct(r.low)}–${pct(r.high)}`}, {key: "gateway_share", label: "AS gateway", n: true, fmt: pct},
        {key: "any_share", label: "AS any", n: true, fmt: pct}]);
      const sc = dep.state_control && dep.state_control[dir];
      $("terr-src").innerHTML = `${pct(part.rule_share)} of the ${dir} crossing-link mass placed by rules; ${pct(part.unrouted_share)} without a corridor route. Corridor data ${esc((t.corridors || {}).version)}; routes simulated on the CAIDA AS graph of ${esc(dep.graph_date)}.` +
        (sc && sc.length ? ` State control: ${sc.slice(0, 4).map((x) => `${esc(x.state)} ${pct(x.share)}`).join(", ")} of ${dir} paths cross an AS of a majority state-owned operator (Carisimo et al., IMC 2021).` : "");
      const [bars, map] = await Promise.all([fetch(`/figures/${cc}/territory.svg?direction=${dir}`).then((r) => r.text()),
        fetch(`/figures/${cc}/corridors.svg?direction=${dir}`).then((r) => r.text())]);
      $("terr-bars").innerHTML = bars; $("terr-map").innerHTML = map;
    };
    document.querySelectorAll('input[name="tdir"]').forEach((r) => r.addEventListener("change", draw));
    await draw();
  }
  function chokepoints(c, graph) {
    if (!c) return '<p class="src">Not computed.</p>';
    return `<p class="src">Share of address-weighted (foreign, domestic) pairs left with no route when one AS, border link or country is removed and routes are recomputed; baseline ${pct(c.baseline_reachability)} of pairs have a route. CAIDA graph ${esc(graph)}.</p>` +
      table(c.ases, [{key: "asn", label: "AS removed", fmt: asLink}, {key: "name", label: "name", fmt: (n) => esc(String(n || "").slice(0, 24))}, {key: "country", label: "cc"}, {key: "transit_share", label: "on path", n: true, fmt: pct}, {key: "loss", label: "pairs cut off", n: true, fmt: pct}]) +
      table(c.links, [{key: "as1", label: "border link", fmt: (a, r) => `${asLink(a)} – ${asLink(r.as2)}`}, {key: "country2", label: "cc"}, {key: "loss", label: "pairs cut off", n: true, fmt: pct}]) +
      table(c.countries, [{key: "country", label: "country removed"}, {key: "gateway_share", label: "gateway", n: true, fmt: pct}, {key: "loss", label: "pairs cut off", n: true, fmt: pct}]) +
      `<h4>Fewest foreign ASes carrying ${pct(c.carrying_set.threshold)} of inbound paths (greedy)</h4>` +
      table(c.carrying_set.ases, [{key: "asn", label: "AS", fmt: asLink}, {key: "name", label: "name", fmt: (n) => esc(String(n || "").slice(0, 24))}, {key: "country", label: "cc"}, {key: "added_share", label: "adds", n: true, fmt: pct}, {key: "cumulative_share", label: "cumulative", n: true, fmt: pct}]);
  }
  function concentration(c, cc) {
    if (!c) return '<p class="src">Not computed.</p>';
    const rows = [{m: "HHI (0–10,000)", a: num(c.hhi), o: num(c.by_org_hhi)}, {m: "largest holder", a: pct(c.top1), o: pct(c.by_org_top1)}, {m: "3 largest", a: pct(c.top3), o: ""}, {m: "5 largest", a: pct(c.top5), o: ""}];
    return table(rows, [{key: "m", label: "measure"}, {key: "a", label: "by AS", n: true}, {key: "o", label: "by organisation", n: true}]) +
      `<p class="src">Of ${num(c.total_ipv4)} IPv4 addresses originated by ${esc(cc)}'s ASes (ip-location-db 2026-06-17). HHI: sum of squared % shares; above 2,500 is highly concentrated.</p>` +
      table((c.by_org || []).slice(0, 8), [{key: "name", label: "organisation"}, {key: "ases", label: "ASes", n: true}, {key: "share", label: "share", n: true, fmt: pct}]);
  }

  async function history(cc) {
    const el = $("history"); if (!el) return;
    const stop = timer(el);
    let h;
    try { h = await api(`/api/countries/${cc}/history`); } catch (e) { stop(); problem(el, e); return; }
    stop(); el.classList.remove("loading");
    const dates = h.summary.map((s) => s.date);
    el.innerHTML = fidelity(h.fidelity_note) + '<div class="two"><div id="hist-inbound" class="plot"></div><div id="hist-outbound" class="plot"></div></div>' +
      table(h.summary, [{key: "date", label: "CAIDA graph"}, {key: "ases", label: "ASes", n: true, fmt: num}, {key: "country_ases", label: `${cc} ASes`, n: true}, {key: "border_ases", label: "border ASes", n: true}, {key: "foreign_upstreams", label: "foreign upstreams", n: true},
        {key: "inbound_top_country", label: "inbound top"}, {key: "inbound_top_any", label: "any", n: true, fmt: pct}, {key: "inbound_top_gateway", label: "gateway", n: true, fmt: pct},
        {key: "outbound_top_country", label: "outbound top"}, {key: "outbound_top_any", label: "any", n: true, fmt: pct}, {key: "outbound_top_gateway", label: "gateway", n: true, fmt: pct},
        {key: "unknown_as_share", label: "unknown-country ASes", n: true, fmt: pct}]) +
      `<p class="src">Units: % of address-weighted, tie-split simulated paths with a route. Sources: CAIDA AS Relationships 2002–2025, RIR delegated statistics 2018-10-13, ip-location-db 2026-06-17. Caveats: ${docLinks(esc(h.notes.join(" ")))}</p>`;
    // gaps and method changes as crossroads.report.views.history_marks finds them: no line
    // across a gap (a null point between), the gap shaded, the change of series dashed
    const marks = h.marks || {gaps: [], changes: []};
    const cut = new Set(marks.gaps.map((g) => g.at));
    const mid = (i) => new Date((Date.parse(dates[i - 1]) + Date.parse(dates[i])) / 2).toISOString().slice(0, 10);
    const shapes = [
      ...marks.gaps.map((g) => ({type: "rect", xref: "x", yref: "paper", x0: dates[g.at - 1], x1: dates[g.at], y0: 0, y1: 1, fillcolor: "#e2e8f0", opacity: 0.5, line: {width: 0}, layer: "below"})),
      ...marks.changes.map((c) => ({type: "line", xref: "x", yref: "paper", x0: mid(c.at), x1: mid(c.at), y0: 0, y1: 1, line: {color: "#334155", width: 1, dash: "dash"}}))];
    const notes = [
      ...marks.gaps.map((g) => ({xref: "x", yref: "paper", x: mid(g.at), y: 0.97, text: "no data", showarrow: false, font: {size: 10, color: "#475569"}, hovertext: g.label})),
      ...marks.changes.map((c) => ({xref: "x", yref: "paper", x: mid(c.at), y: 0.06, text: esc(c.label), showarrow: false, font: {size: 10, color: "#334155"}, bgcolor: "#ffffff"}))];
    for (const dir of ["inbound", "outbound"]) {
      const rows = h.by_country.filter((r) => r.direction === dir);
      const best = {};
      for (const r of rows) best[r.country] = Math.max(best[r.country] || 0, r.any_share);
      const leaders = Object.keys(best).sort((a, b) => best[b] - best[a]).slice(0, 5);
      const traces = leaders.map((c) => {
        const x = [], y = [];
        dates.forEach((d, i) => {
          if (cut.has(i)) { x.push(mid(i)); y.push(null); }
          x.push(d); y.push((rows.find((r) => r.date === d && r.country === c) || {any_share: 0}).any_share);
        });
        return {type: "scatter", mode: "lines+markers", name: c, x, y, connectgaps: false};
      });
      Plotly.newPlot(`hist-${dir}`, traces, {title: {text: `${dir}: share of paths crossing each country`, font: {size: 13}}, height: 300, margin: {t: 36, l: 50, r: 10, b: 40},
        xaxis: {type: "date"}, yaxis: {tickformat: ".0%", range: [0, 1]}, legend: {orientation: "h"}, shapes, annotations: notes}, PLOT);
    }
    el.insertAdjacentHTML("beforeend", `<p class="src" id="hist-marks">Shaded: no AS-graph snapshot (${esc(marks.gaps.map((g) => g.label).join("; ") || "none")}). Dashed: the AS graph changes series (${esc(marks.changes.map((c) => c.label).join("; ") || "none")}): serial-2 adds links inferred at route servers, so a step there may be the method, not the Internet.</p>`);
  }

  // ---------------------------------------------------------------- scenarios
  async function scenarioPage() {
    const sel = $("preset"), ta = $("yaml");
    let presets = [];
    try { presets = await api("/api/scenarios"); } catch (e) { problem($("sc-status"), e); sel.innerHTML = ""; return; }
    sel.innerHTML = presets.map((p) => `<option value="${esc(p.name)}">${esc(p.name)}</option>`).join("");
    const fill = () => { const p = presets.find((x) => x.name === sel.value); ta.value = p ? p.yaml : ""; $("preset-desc").textContent = p ? p.description : ""; };
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
    $("result").hidden = false;
    $("sc-title").textContent = `${res.scenario} (${res.country})`;
    $("sc-desc").textContent = res.description || "";
    $("sc-reading").textContent = res.reading || "";
    $("sc-limits").innerHTML = (res.limits || []).length ? `Limits of the model: ${esc(res.limits.join("; "))} (<a href="/methods/scenarios">the method</a>).` : "";
    $("sc-applied").innerHTML = "Applied: " + (res.applied.steps || []).map((s) => `${esc(s.label || s.op)} (${num(s.links_removed)} links removed, ${num(s.links_added)} added, ${num(s.links_changed)} changed)`).join("; ");
    for (const side of ["before", "after"]) {
      const s = res[side];
      const reach = ["inbound", "outbound"].map((d) => ({k: `reachability_${d}`, label: `reachability ${d}`, v: s[`reachability_${d}`]}));
      const gw = [...s.by_country.inbound].sort((a, b) => (b.gateway_share || 0) - (a.gateway_share || 0)).slice(0, 8);
      $(side).innerHTML = table(reach, [{key: "label", label: "% of IPv4 address pairs with a route"}, {key: "v", label: side, n: true, fmt: pct}]) +
        `<p class="src">${num(s.isolated_origins.length)} ${esc(res.country)} origins with no international route.</p>` +
        table(gw, [{key: "country", label: "inbound gateway country"}, {key: "gateway_share", label: "gateway", n: true, fmt: pct}, {key: "any_share", label: "any", n: true, fmt: pct}]);
      $(side).querySelectorAll(".tw:first-child table tr").forEach((tr, i) => { if (i > 0) tr.dataset.metric = reach[i - 1].k; });
    }
    const ch = res.changes;
    $("sc-changes").innerHTML = table(["inbound", "outbound"].map((d) => ({label: `reachability ${d}`, v: ch[`reachability_${d}`]})), [{key: "label", label: "change"}, {key: "v", label: "percentage points", n: true, fmt: pp}], "narrow") +
      `<p class="src">Origins that lost every international route: ${ch.origins_lost_all_international_routes.map(asLink).join(", ") || "none"}${ch.origins_lost_all_international_routes.length ? ` (${pct(ch.space_lost_all_international_routes)} of ${esc(res.country)}'s IPv4 space)` : ""}. ASes that became critical: ${ch.ases_became_critical.map((a) => `${asLink(a.asn)} (${num(a.ipv4_addresses)} IPv4 addresses)`).join(", ") || "none"}.</p>`;
    const b = Object.fromEntries(res.before.by_country.inbound.map((r) => [r.country, r.gateway_share]));
    const a = Object.fromEntries(res.after.by_country.inbound.map((r) => [r.country, r.gateway_share]));
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort((x, y) => Math.max(a[y] || 0, b[y] || 0) - Math.max(a[x] || 0, b[x] || 0)).slice(0, 10);
    Plotly.newPlot("sc-plot", [
      {type: "bar", name: "before", x: keys, y: keys.map((k) => b[k] || 0), marker: {color: "#94a3b8"}},
      {type: "bar", name: "after", x: keys, y: keys.map((k) => a[k] || 0), marker: {color: "#c2410c"}}],
      {barmode: "group", yaxis: {tickformat: ".0%", title: {text: "inbound gateway share of paths"}}, height: 340, margin: {t: 10}}, PLOT);
    $("sc-fidelity").innerHTML = fidelity(res.fidelity_note);
    $("sc-src").innerHTML = "Units: % of address-weighted, tie-split simulated paths (gateway/any) and of IPv4 address pairs (reachability). " + dataLine(res) + ".";
  }

  // ---------------------------------------------------------------- AS and outages
  async function asPage(asn) {
    const el = $("as");
    try {
      const d = await api(el.dataset.api);
      const rows = [{k: "name", v: esc(d.name)}, {k: "registered in", v: `${esc(d.reg_cc)} (rule: ${esc(d.reg_rule)}, ${esc(d.registry || "")} ${esc(d.reg_date || "")})`}, {k: "geolocated in", v: esc(d.geo_cc)},
        {k: "IPv4 addresses originated", v: num(d.ipv4_addresses)}, {k: "IPv6 /48 blocks originated", v: num(d.ipv6_slash48s)}];
      let html = table(rows, [{key: "k", label: "field"}, {key: "v", label: "value", fmt: (v) => v}], "narrow");
      for (const rel of ["providers", "peers", "customers"]) {
        const r = d[rel]; if (!r) continue;
        html += `<h3>${rel} (${num(r.count)})</h3><p>${(r.asns || []).slice(0, 200).map((x) => `${asLink(x.asn)} <span class="src">${esc(x.reg_cc || "")}</span>`).join(", ")}${r.count > (r.asns || []).length ? " …" : ""}</p>`;
      }
      el.innerHTML = html + `<p class="src">Neighbours: CAIDA AS relationships; names and address space: ip-location-db; registration: RIR delegated statistics. ${dataLine(d)}.</p>`;
    } catch (e) { problem(el, e); }
  }

  async function outagePage(cc) {
    const el = $("outages");
    try {
      const d = await api(el.dataset.api);
      if (!d.events.length) {
        el.innerHTML = `<div class="missing">No outage event of ${esc(cc)} is stored in <code>${esc(d.log)}</code>. Events are written there by <code>crossroads watch</code> (live BMP feed); <code>crossroads outages FILES --country ${esc(cc)}</code> analyses MRT archives.</div>`;
        return;
      }
      el.innerHTML = table(d.events, [{key: "start", label: "start (UTC)"}, {key: "end", label: "end (UTC)"}, {key: "signal", label: "signal"}, {key: "severity", label: "severity"}, {key: "metric", label: "metric"}, {key: "baseline", label: "baseline", n: true, fmt: num}, {key: "extreme", label: "extreme", n: true, fmt: num}, {key: "lost_slash24", label: "lost /24s", n: true, fmt: num}, {key: "source", label: "source"}]) +
        `<p class="src">Units: ${esc(Object.entries(d.units).map(([k, v]) => `${k}: ${v}`).join("; "))}. From ${esc(d.log)}.</p>`;
      Plotly.newPlot("timeline", [{type: "scatter", mode: "markers", x: d.events.map((e) => e.start), y: d.events.map((e) => e.lost_slash24), text: d.events.map((e) => `${e.signal} (${e.severity})`), marker: {size: 10, color: "#c2410c"}}],
        {height: 300, yaxis: {title: {text: "IPv4 /24s lost"}}, margin: {t: 10}}, PLOT);
    } catch (e) { problem(el, e); }
  }
  // Pages start here, not from inline scripts: the Content-Security-Policy allows only
  // scripts served by this app.
  function start() {
    const go = (id, url) => { const f = $(id); if (f) f.addEventListener("submit", (ev) => { ev.preventDefault(); location.href = url(f); }); };
    go("country-go", (f) => "/country/" + encodeURIComponent(f.cc.value.trim().toUpperCase()));
    go("as-go", (f) => "/as/" + encodeURIComponent(f.asn.value.trim().replace(/^AS/i, "")));
    const filter = $("country-filter");
    if (filter) {
      filter.addEventListener("submit", (ev) => ev.preventDefault());
      filter.q.addEventListener("input", () => {
        const q = filter.q.value.trim().toLowerCase();
        document.querySelectorAll("#country-index tr[data-q]").forEach((tr) => { tr.hidden = q !== "" && !tr.dataset.q.includes(q); });
      });
    }
    const {page, arg} = document.body.dataset;
    const pages = {country: () => countryPage(arg), scenarios: () => scenarioPage(), as: () => asPage(Number(arg)), outages: () => outagePage(arg)};
    if (pages[page]) pages[page]();
  }
  document.addEventListener("DOMContentLoaded", start);
  return {countryPage, scenarioPage, asPage, outagePage, pct, num};
})();
