/* Clientside callbacks of the watch-floor dashboard (no network: everything here runs on
 * data the server already sent).
 *
 * buildMap     merges the server's vessel difference into the page's vessel table and
 *              redraws the vessel traces after the basemap ones (layout.meta.base): the
 *              hotspot forecast layer first, then the vessels (coloured by type, or by risk
 *              on a 0-1 scale with a colour bar), tracks, contacts; patrol boxes as shapes.
 * applyAlerts  merges the alert list difference into the grid (AG Grid transactions).
 * select       alert clicked (grid), vessel clicked (map) or vessel of interest clicked
 *              (risk list) -> selection, map centre, tab.
 * view         the map's visible extent, for the server's density decision and the URL.
 */
(function () {
  "use strict";
  const NU = () => window.dash_clientside.no_update;

  function triggered() {
    const ctx = window.dash_clientside.callback_context;
    return ctx && ctx.triggered && ctx.triggered.length ? ctx.triggered[0].prop_id : "";
  }

  // Vessel names come from the radio: never let them be read as markup in hover labels.
  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function age(s) {
    s = Math.max(0, Math.round(s));
    if (s < 120) return s + " s";
    if (s < 7200) return Math.round(s / 60) + " min";
    return (s / 3600).toFixed(1) + " h";
  }

  const M = { vessels: new Map(), seq: null, meta: null, centerSeq: null };
  const A = { rows: new Map(), seq: null };
  window._mw = M;
  window._mwA = A;

  function buildMap(vdata, tdata, center, hide, staleMin, selection, view, colorBy, risk, hotspot, boxes,
                    style, fig) {
    let appliedOut = NU();
    if (vdata && vdata.seq !== M.seq) {
      if (vdata.full) {
        M.vessels.clear();
      } else if (vdata.base !== M.seq) {
        return [NU(), { seq: null }];  // out of step: the next update will be whole
      }
      for (const r of vdata.upsert || []) M.vessels.set(r[0], r);
      for (const m of vdata.remove || []) M.vessels.delete(m);
      M.seq = vdata.seq;
      M.meta = vdata;
      appliedOut = { seq: vdata.seq };
      try {  // durations of open events run on with the data clock
        const api = window.dash_ag_grid && window.dash_ag_grid.getApi && window.dash_ag_grid.getApi("alerts-grid");
        if (api) api.refreshCells({ columns: ["dur"] });
      } catch (e) { /* the grid is not ready yet */ }
    }
    if (!fig || !style) return [NU(), appliedOut];
    const meta = M.meta || { now: 0, alerts: {}, density: null };
    const base = (fig.layout && fig.layout.meta && fig.layout.meta.base) || 3;
    const staleS = (Number(staleMin) > 0 ? Number(staleMin) : 60) * 60;
    const hideStale = Array.isArray(hide) && hide.length > 0;
    const cats = style.cats;
    const groups = {};
    for (const k of Object.keys(cats)) groups[k] = { x: [], y: [], c: [], h: [] };
    const stale = { x: [], y: [], c: [], h: [], s: [] };
    const rings = { new: { x: [], y: [], c: [], h: [] }, handled: { x: [], y: [], c: [], h: [] } };
    const alerts = meta.alerts || {};
    let nFresh = 0, nStale = 0;
    const byRisk = colorBy === "risk" && risk && risk.scores;
    const scores = byRisk ? risk.scores : {};
    for (const r of M.vessels.values()) {
      const [mmsi, lon, lat, t, sog, cat, name] = r;
      const a = meta.now - t;
      const label = cats[cat] ? cats[cat].label : cat;
      const sc = scores[String(mmsi)];
      const h = "<b>" + esc(name || "MMSI " + mmsi) + "</b> " + mmsi + "<br>" + label +
        (sog === null ? "" : " · " + sog.toFixed(1) + " kn") + "<br>heard " + age(a) +
        (meta.live ? " ago" : " before window end") +
        (byRisk ? "<br>risk " + (sc === undefined ? "0 (no score)" : sc.toFixed(2)) : "");
      const mark = alerts[String(mmsi)];
      if (mark) {
        const g = rings[mark] || rings.new;
        g.x.push(lon); g.y.push(lat); g.c.push(mmsi); g.h.push(h + "<br><b>alert: " + mark + "</b>");
      }
      if (a >= staleS) {
        nStale++;
        if (hideStale && !mark) continue;
        stale.x.push(lon); stale.y.push(lat); stale.c.push(mmsi); stale.h.push(h);
        stale.s.push(cats[cat] ? cats[cat].symbol : "circle");
      } else {
        nFresh++;
        const g = groups[cat] || groups.other;
        g.x.push(lon); g.y.push(lat); g.c.push(mmsi); g.h.push(h);
        if (byRisk) { (g.r = g.r || []).push(sc === undefined ? 0 : sc); }
      }
    }
    const traces = [];
    if (hotspot && Array.isArray(hotspot.traces)) hotspot.traces.forEach((t) => traces.push(t));
    const density = meta.density;
    if (density && density.n && density.n.length) {
      const maxN = Math.max.apply(null, density.n);
      traces.push({
        type: "scatter", mode: "markers", x: density.lon, y: density.lat, name: "vessel density",
        customdata: density.n.map(() => null),
        hovertext: density.n.map((n) => n + " vessels"), hoverinfo: "text",
        marker: { symbol: "square", size: density.n.map((n) => 6 + 16 * Math.sqrt(n / maxN)),
                  color: density.n, colorscale: [[0, "#16425b"], [0.5, "#2f9bd6"], [1, "#e8f6ff"]],
                  cmin: 0, cmax: maxN, opacity: 0.85, line: { width: 0 } },
      });
    }
    let scaleShown = false;
    for (const k of Object.keys(cats)) {
      const g = groups[k];
      const marker = { symbol: cats[k].symbol, color: cats[k].color, size: 8, line: { width: 0.6, color: "#0a121c" } };
      if (byRisk) {  // risk 0-1 on one continuous scale; one colour bar for all vessel traces
        Object.assign(marker, { color: g.r || [], cmin: 0, cmax: 1, colorscale: risk.colorscale, size: 9 });
        if (!scaleShown && g.x.length) {
          scaleShown = true;
          Object.assign(marker, { showscale: true, colorbar: {
            title: { text: "risk", side: "top" }, x: 0.99, xanchor: "right", y: 0.99, yanchor: "top", len: 0.4,
            thickness: 10, bgcolor: "rgba(10,18,28,0.78)", tickfont: { size: 9 } } });
        }
      }
      traces.push({
        type: "scatter", mode: "markers", x: g.x, y: g.y, customdata: g.c, hovertext: g.h,
        hoverinfo: "text", name: cats[k].label, legendgroup: k, marker: marker,
      });
    }
    traces.push({
      type: "scatter", mode: "markers", x: stale.x, y: stale.y, customdata: stale.c, hovertext: stale.h,
      hoverinfo: "text", name: "not heard ≥ " + Math.round(staleS / 60) + " min",
      marker: { symbol: stale.s, color: style.stale, size: 7, opacity: 0.8, line: { width: 0 } },
    });
    const ringDefs = [["new", style.alert_new, "alert: new"], ["handled", style.alert_handled, "alert: handled"]];
    for (const [k, color, label] of ringDefs) {
      const g = rings[k];
      traces.push({
        type: "scatter", mode: "markers", x: g.x, y: g.y, customdata: g.c, hovertext: g.h,
        hoverinfo: "text", name: label,
        marker: { symbol: "circle-open", size: 17, color: color, line: { width: 2.2, color: color } },
      });
    }
    if (tdata && tdata.mmsi !== null && tdata.lon && tdata.lon.length) {
      traces.push({
        type: "scatter", mode: "lines+markers", x: tdata.lon, y: tdata.lat, name: "track",
        hovertext: tdata.t, hoverinfo: "text", customdata: tdata.t.map(() => tdata.mmsi),
        line: { color: "#5ee7ff", width: 1.6 }, marker: { size: 3, color: "#5ee7ff" },
      });
      const ev = tdata.events || [];
      traces.push({
        type: "scatter", mode: "markers", x: ev.map((e) => e.lon), y: ev.map((e) => e.lat),
        name: "events", hovertext: ev.map((e) => esc(e.label)), hoverinfo: "text",
        customdata: ev.map((e) => "event:" + e.event_id),
        marker: { symbol: ev.map((e) => (style.events && style.events[e.kind] ? style.events[e.kind].symbol : "star")),
                  size: 15, line: { width: 1, color: "#0a121c" },
                  color: ev.map((e) => (e.status === "new" ? style.alert_new : style.alert_handled)) },
      });
    }
    contactTraces(meta, style).forEach((t) => traces.push(t));
    const selMmsi = selection && selection.mmsi;
    if (selMmsi !== null && selMmsi !== undefined && M.vessels.has(selMmsi)) {
      const r = M.vessels.get(selMmsi);
      traces.push({
        type: "scatter", mode: "markers", x: [r[1]], y: [r[2]], name: "selected", showlegend: false,
        hoverinfo: "skip", customdata: [selMmsi],
        marker: { symbol: "circle-open", size: 26, color: "#5ee7ff", line: { width: 2.5, color: "#5ee7ff" } },
      });
    }
    const layout = Object.assign({}, fig.layout);
    layout.shapes = (boxes && Array.isArray(boxes.shapes)) ? boxes.shapes : [];
    if (center && center.seq !== undefined && center.seq !== M.centerSeq) {
      M.centerSeq = center.seq;
      layout.xaxis = Object.assign({}, layout.xaxis, { range: [center.x0, center.x1], autorange: false });
      layout.yaxis = Object.assign({}, layout.yaxis, { range: [center.y0, center.y1], autorange: false });
      layout.uirevision = "c" + center.seq;
    }
    const note = document.getElementById("map-note");
    if (note) {
      note.textContent = (meta.total || 0) + " vessels in window · " + nFresh + " heard recently · " + nStale +
        " greyed" + (hideStale ? " (hidden)" : "") + (density ? " · density grid: " + meta.in_view +
        " in view (zoom in for vessels)" : "");
    }
    const baseTraces = fig.data.slice(0, base);
    const labels = baseTraces[base - 1];
    const zoomedIn = !!(view && view.x1 - view.x0 < 16);
    // land: the overview from the layout; the detailed layer (fetched once) when zoomed in
    const lmeta = (fig.layout && fig.layout.meta) || {};
    if (!M.landOverview && baseTraces[0] && baseTraces[0].name === "land") {
      M.landOverview = { x: baseTraces[0].x, y: baseTraces[0].y };
    }
    const detailed = !!(view && lmeta.detail_url && view.x1 - view.x0 < (lmeta.detail_below || 15));
    if (detailed && !M.landDetail && !M.landFetching) {
      M.landFetching = true;
      fetch(lmeta.detail_url, { credentials: "same-origin" }).then((r) => r.json()).then((d) => {
        M.landDetail = d;
        const gd = document.querySelector("#map .js-plotly-plot");
        const v = M.lastView;
        if (gd && window.Plotly && v && v.x1 - v.x0 < (lmeta.detail_below || 15)) {
          window.Plotly.restyle(gd, { x: [d.x], y: [d.y] }, [0]);
        }
      }).catch(() => { M.landFetching = false; });
    }
    M.lastView = view;
    const land = (detailed && M.landDetail) ? M.landDetail : M.landOverview;
    if (land && baseTraces[0] && baseTraces[0].x !== land.x) {
      baseTraces[0] = Object.assign({}, baseTraces[0], { x: land.x, y: land.y });
    }
    if (labels && labels.name === "zone names" && (labels.mode === "text") !== zoomedIn) {
      baseTraces[base - 1] = Object.assign({}, labels, { mode: zoomedIn ? "text" : "markers" });
    }
    return [{ data: baseTraces.concat(traces), layout: layout }, appliedOut];
  }

  // Contacts layer (radar tracks, satellite detections, scene footprints) of the window shown:
  // fetched from /contacts/layer.json when the window moves (at most every 5 s), drawn after
  // the vessels. Matched contacts small and grey, joined to their vessel; unmatched prominent.
  const C = { key: null, at: 0, data: null, busy: false };
  function contactTraces(meta, style) {
    const cs = style.contacts;
    if (!cs || !meta || !meta.now) return [];
    const key = Math.floor(meta.start || 0) + "-" + Math.floor(meta.now);
    if (key !== C.key && !C.busy && Date.now() - C.at > 5000) {
      C.busy = true;
      fetch("contacts/layer.json?start=" + (meta.start || meta.now - 86400) + "&end=" + meta.now,
            { credentials: "same-origin" })
        .then((r) => r.json()).then((d) => { C.data = d; C.key = key; C.at = Date.now(); C.busy = false; })
        .catch(() => { C.busy = false; C.at = Date.now(); });
    }
    const d = C.data;
    if (!d) return [];
    const out = [];
    const fx = [], fy = [], fh = [];
    for (const f of d.footprints) { fx.push(...f.x); fy.push(...f.y); fh.push(...f.x.map(() => f.id + " " + f.t)); }
    out.push({ type: "scatter", mode: "lines", x: fx, y: fy, hovertext: fh, hoverinfo: "text",
               name: cs.footprint.label, line: { color: cs.footprint.color, width: 1, dash: "dash" } });
    const jx = [], jy = [];
    for (const j of d.joins) { jx.push(j[0], j[2], null); jy.push(j[1], j[3], null); }
    out.push({ type: "scatter", mode: "lines", x: jx, y: jy, hoverinfo: "skip", showlegend: false,
               line: { color: cs.matched.color, width: 0.8, dash: "dot" } });
    for (const t of d.tracks) {
      const m = t.matched !== null;
      out.push({ type: "scatter", mode: "lines+markers", x: t.x, y: t.y, name: t.id, showlegend: false,
                 hovertext: t.x.map(() => t.hover), hoverinfo: "text",
                 customdata: t.ids.map((i) => "contact:" + i),
                 opacity: t.short ? 0.45 : 1,
                 line: { color: m ? cs.matched.color : cs.unmatched_track.color, width: m || t.short ? 0.8 : 2.4 },
                 marker: { size: m || t.short ? 3 : 6, color: m ? cs.matched.color : cs.unmatched_track.color } });
    }
    for (const [k, sel] of [["matched", (p) => p.matched !== null], ["unmatched_point", (p) => p.matched === null]]) {
      const ps = d.points.filter(sel);
      out.push({ type: "scatter", mode: "markers", x: ps.map((p) => p.x), y: ps.map((p) => p.y),
                 hovertext: ps.map((p) => p.hover), hoverinfo: "text", name: cs[k].label,
                 customdata: ps.map((p) => "contact:" + p.id),
                 marker: { symbol: cs[k].symbol, color: cs[k].color, size: k === "matched" ? 5 : 13,
                           line: { width: k === "matched" ? 0 : 2.5, color: cs[k].color } } });
    }
    return out;
  }

  function showContact(id) {
    fetch("contacts/" + id + ".json", { credentials: "same-origin" }).then((r) => r.json()).then((c) => {
      const note = document.getElementById("map-note");
      if (!note) return;
      const cands = c.candidates.length ? c.candidates.map((k) => k.role + " " + k.mmsi + (k.name ? " " + k.name : "") +
        " (score " + k.score + ")").join(" · ") : "no AIS vessel matches";
      note.textContent = (c.track || (c.source + " " + (c.scene || ""))) + " at " + c.time + ": " + cands +
        " · " + c.n_candidates + " in the gate";
    }).catch(() => {});
  }

  function applyAlerts(adata) {
    if (!adata || adata.seq === A.seq) return [NU(), NU(), NU()];
    if (adata.now) A.now = adata.now;
    if (adata.full) {
      A.rows = new Map(adata.rows.map((r) => [r.event_id, r]));
      A.seq = adata.seq;
      return [adata.rows, NU(), { seq: adata.seq }];
    }
    if (adata.base !== A.seq) return [NU(), NU(), { seq: null }];
    for (const r of adata.add) A.rows.set(r.event_id, r);
    for (const r of adata.update) A.rows.set(r.event_id, r);
    for (const r of adata.remove) A.rows.delete(r.event_id);
    A.seq = adata.seq;
    return [NU(), { add: adata.add, update: adata.update, remove: adata.remove }, { seq: adata.seq }];
  }

  function centerOn(lon, lat, view) {
    let w = 4.0, h = 3.0;
    if (view && view.x1 - view.x0 < w) { w = view.x1 - view.x0; h = view.y1 - view.y0; }
    return { x0: lon - w / 2, x1: lon + w / 2, y0: lat - h / 2, y1: lat + h / 2, seq: Date.now() };
  }

  function select(cell, click, riskCell, selection, view, riskRows) {
    const trig = triggered();
    if (trig.startsWith("risk-table")) {
      if (!riskCell || typeof riskCell.row_id !== "number") return [NU(), NU(), NU()];
      const row = (riskRows || []).find((r) => r.id === riskCell.row_id);
      const c = row && typeof row.lon === "number" ? centerOn(row.lon, row.lat, view) : NU();
      return [{ mmsi: riskCell.row_id, event_id: null }, c, "vessel"];
    }
    if (trig.startsWith("alerts-grid")) {
      if (!cell || !cell.rowId) return [NU(), NU(), NU()];
      const row = A.rows.get(cell.rowId);
      if (!row) return [NU(), NU(), NU()];
      const sel = { mmsi: row.mmsi, event_id: row.event_id };
      const c = row.lon !== null && row.lon !== undefined ? centerOn(row.lon, row.lat, view) : NU();
      return [sel, c, "vessel"];
    }
    if (trig.startsWith("map")) {
      if (!click || !click.points || !click.points.length) return [NU(), NU(), NU()];
      const cd = click.points[0].customdata;
      if (typeof cd === "string" && cd.startsWith("contact:")) {
        showContact(cd.slice(8));
        return [NU(), NU(), NU()];
      }
      if (typeof cd === "string" && cd.startsWith("event:")) {
        return [{ mmsi: selection ? selection.mmsi : null, event_id: cd.slice(6) }, NU(), "vessel"];
      }
      if (typeof cd !== "number") return [NU(), NU(), NU()];
      const sameVessel = selection && selection.mmsi === cd;
      return [{ mmsi: cd, event_id: sameVessel ? selection.event_id : null }, NU(), "vessel"];
    }
    return [NU(), NU(), NU()];
  }

  function view(relayout, center, prev) {
    const trig = triggered();
    if (trig.startsWith("map-center")) {
      return center ? { x0: center.x0, x1: center.x1, y0: center.y0, y1: center.y1 } : NU();
    }
    if (!relayout) return NU();
    if (relayout["xaxis.autorange"] || relayout["yaxis.autorange"]) return null;
    const v = Object.assign({}, prev || {});
    let changed = false;
    for (const ax of ["x", "y"]) {
      const r0 = relayout[ax + "axis.range[0]"], r1 = relayout[ax + "axis.range[1]"];
      const arr = relayout[ax + "axis.range"];
      if (r0 !== undefined && r1 !== undefined) { v[ax + "0"] = r0; v[ax + "1"] = r1; changed = true; }
      else if (Array.isArray(arr)) { v[ax + "0"] = arr[0]; v[ax + "1"] = arr[1]; changed = true; }
    }
    if (!changed || ["x0", "x1", "y0", "y1"].some((k) => typeof v[k] !== "number")) return NU();
    return v;
  }

  // Alert list: the duration of an event still open runs on with the data clock of the map.
  window.dashAgGridFunctions = Object.assign({}, window.dashAgGridFunctions, {
    duration: function (params) {
      const d = params.data;
      if (!d) return "";
      if (d.dur) return d.dur;
      const now = (M.meta && M.meta.now) || A.now || d.start_s;
      const mins = Math.max(0, Math.floor((now - d.start_s) / 60));
      return mins >= 60 ? Math.floor(mins / 60) + "h" + String(mins % 60).padStart(2, "0") : mins + "m";
    },
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    maritime: { buildMap: buildMap, applyAlerts: applyAlerts, select: select, view: view },
  });
})();
