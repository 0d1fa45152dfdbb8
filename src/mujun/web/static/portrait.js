// 亩均画像 charts: each indicator against its benchmark, and the score over the years.
"use strict";
(function () {
  const M = window.Mujun;
  const T = M.TEXT;
  const btn = document.getElementById("print");
  if (btn) btn.addEventListener("click", () => window.print());
  const inds = M.read("indicator-data");
  const ic = inds && M.chart("chart-indicators");
  if (ic) {
    const titles = M.read("indicator-titles") || inds.map((i) => i.title);
    ic.setOption({
      animation: false, tooltip: { trigger: "axis", confine: true }, legend: { top: 0 },
      // the axis name starts at the axis and runs right, so no margin can clip it
      grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: titles,
        axisLabel: { interval: 0, rotate: M.narrow() ? 40 : 20, width: 110, overflow: "truncate" } },
      yAxis: { type: "value", name: T.ratio, nameTextStyle: { align: "left" } },
      series: [
        { name: T.ratio, type: "bar", data: inds.map((i) => i.ratio),
          itemStyle: { color: M.COLORS.B } },
        { name: T.benchmark, type: "line", symbol: "none", data: inds.map(() => 1),
          itemStyle: { color: M.COLORS.D }, lineStyle: { type: "dashed" } },
        { name: T.cap, type: "line", symbol: "none", data: inds.map((i) => i.cap),
          itemStyle: { color: "#888" }, lineStyle: { type: "dotted" } },
      ],
    });
  }
  const hist = M.read("history-data");
  const hc = hist && hist.length && M.chart("chart-history");
  if (hc) {
    hc.setOption({
      animation: false, tooltip: { trigger: "axis", confine: true },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: hist.map((h) => String(h.year)) },
      yAxis: { type: "value", name: T.score, nameTextStyle: { align: "left" } },
      series: [{ type: "line", name: T.score, data: hist.map((h) => h.score),
        label: { show: true, formatter: (p) => hist[p.dataIndex].klass || "" } }],
    });
  }
})();
