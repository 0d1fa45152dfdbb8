// Shared page helpers: chart texts from the page, class colours from app.css, chart creation.
"use strict";
window.Mujun = (function () {
  // Colours live in app.css (--A … --none); the charts read them, so the legend and the map agree.
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => css.getPropertyValue("--" + name).trim();
  const COLORS = {};
  ["A", "B", "C", "D", "none", "idle", "low", "brand"].forEach((k) => { COLORS[k] = colour(k); });
  // Every text a chart shows comes from the page (templates/_charts.html), in its language.
  function read(id) { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  const TEXT = read("chart-texts") || {};
  // Text for HTML that a script builds (ECharts tooltip formatters return HTML): every name,
  // owner or zone from the store goes through here; elements get their text by textContent.
  const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(value) { return String(value == null ? "" : value).replace(/[&<>"']/g, (c) => ENTITIES[c]); }
  // Numbers as the tables show them: thousands separators, fixed decimals.
  function num(value, digits) {
    if (value == null || Number.isNaN(value)) return "—";
    return Number(value).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  function ready() { return Boolean(window.echarts); }
  // A chart follows its container's width (a phone turned, a column that wraps), not the window's.
  function chart(id) {
    const el = document.getElementById(id);
    if (!el || !ready()) return null;
    const c = echarts.init(el, null, { renderer: "canvas" });
    new ResizeObserver(() => c.resize()).observe(el);
    el.dataset.drawn = "1";
    return c;
  }
  const narrow = () => window.matchMedia("(max-width: 600px)").matches;
  // Bars of the class mix: horizontal ones keep the start of each label (the code) and cut the
  // end to fit, with the whole label in the tooltip.
  function stackedClasses(c, categories, rows, horizontal) {
    const series = ["A", "B", "C", "D"].map((k) => ({
      name: TEXT.class ? TEXT.class[k] : k, type: "bar", stack: "all", itemStyle: { color: COLORS[k] },
      data: rows.map((r) => r[k]),
    }));
    const labelWidth = narrow() ? 90 : 160;
    // a bar per category, each tall enough to read: the chart grows with their number
    if (horizontal) c.getDom().style.height = Math.max(280, categories.length * 28 + 60) + "px";
    const cat = { type: "category", data: categories,
      axisLabel: horizontal ? { interval: 0, width: labelWidth, overflow: "truncate" } : { interval: 0 } };
    const val = { type: "value", minInterval: 1 };
    c.setOption({
      animation: false, tooltip: { trigger: "axis", confine: true }, legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? Object.assign(cat, { inverse: true }) : val,
      series,
    });
  }
  // While a page's data is on its way, the page says it is busy (aria-busy on <html>: screen
  // readers wait, the pointer shows progress, and the browser tests know when the page is drawn).
  let pending = 0;
  function busy(step) {
    pending += step;
    if (pending > 0) document.documentElement.setAttribute("aria-busy", "true");
    else document.documentElement.removeAttribute("aria-busy");
  }
  async function json(url) {
    busy(1);
    try {
      const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!r.ok) throw new Error(url + ": " + r.status);
      return await r.json();
    } finally {
      busy(-1);
    }
  }
  return { COLORS, TEXT, read, esc, num, ready, chart, narrow, stackedClasses, json };
})();
