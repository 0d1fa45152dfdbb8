// Shared page helpers: ECharts presence, class colours, chart creation.
"use strict";
window.Mujun = (function () {
  const COLORS = { A: "#2e7d32", B: "#1e88e5", C: "#f9a825", D: "#c62828", none: "#b0bec5" };
  // The charts' texts in the page's language: the page passes them from the server's catalogue
  // as {Chinese: translation} in <script id="chart-labels">; a text it does not pass shows as is.
  const labelsEl = document.getElementById("chart-labels");
  const LABELS = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  function t(zh) { return LABELS[zh] || zh; }
  // Text for HTML that a script builds (ECharts tooltip formatters return HTML): every name,
  // owner or zone from the store goes through here; elements get their text by textContent.
  const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(value) { return String(value == null ? "" : value).replace(/[&<>"']/g, (c) => ENTITIES[c]); }
  function ready() {
    if (window.echarts) return true;
    const box = document.querySelector(".echarts-missing");
    if (box) {
      box.hidden = false;
      box.textContent = window.ECHARTS_MISSING ||
        "ECharts is missing: run `npm ci --prefix src/mujun/web/frontend`.";
    }
    return false;
  }
  function chart(id) {
    const el = document.getElementById(id);
    if (!el || !ready()) return null;
    const c = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", () => c.resize());
    el.dataset.drawn = "1";
    return c;
  }
  function stackedClasses(c, categories, rows, horizontal) {
    const series = ["A", "B", "C", "D"].map((k) => ({
      name: k, type: "bar", stack: "all", itemStyle: { color: COLORS[k] },
      data: rows.map((r) => r[k]),
    }));
    const cat = { type: "category", data: categories, axisLabel: { interval: 0 } };
    const val = { type: "value" };
    c.setOption({
      animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: horizontal ? 150 : 40, right: 20, top: 30, bottom: 30 },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? Object.assign(cat, { inverse: true }) : val,
      series,
    });
  }
  async function json(url) {
    const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!r.ok) throw new Error(url + ": " + r.status);
    return r.json();
  }
  return { COLORS, t, esc, ready, chart, stackedClasses, json };
})();
