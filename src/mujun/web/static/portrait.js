// 亩均画像 charts: each indicator against its benchmark, and the score over the years.
"use strict";
(function () {
  const M = window.Mujun;
  const btn = document.getElementById("print");
  if (btn) btn.addEventListener("click", () => window.print());
  const read = (id) => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };
  const inds = read("indicator-data");
  const ic = inds && M.chart("chart-indicators");
  if (ic) {
    ic.setOption({
      animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 40, right: 20, top: 30, bottom: 50 },
      xAxis: { type: "category", data: inds.map((i) => M.t(i.title)), axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: "value", name: M.t("实际值 ÷ 基准值") },
      series: [
        { name: M.t("实际值 ÷ 基准值"), type: "bar", data: inds.map((i) => i.ratio),
          itemStyle: { color: "#1e88e5" } },
        { name: M.t("基准值 = 1"), type: "line", symbol: "none", data: inds.map(() => 1),
          lineStyle: { type: "dashed", color: "#c62828" } },
        { name: M.t("上限"), type: "line", symbol: "none", data: inds.map((i) => i.cap),
          lineStyle: { type: "dotted", color: "#888" } },
      ],
    });
  }
  const hist = read("history-data");
  const hc = hist && hist.length && M.chart("chart-history");
  if (hc) {
    hc.setOption({
      animation: false, tooltip: { trigger: "axis" },
      grid: { left: 40, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: hist.map((h) => String(h.year)) },
      yAxis: { type: "value" },
      series: [{ type: "line", name: M.t("综合得分"), data: hist.map((h) => h.score),
        label: { show: true, formatter: (p) => hist[p.dataIndex].klass || "" } }],
    });
  }
})();
