// Monthly kWh against the same month a year before (docs/monitoring.md): an alert's 24 months,
// an enterprise's newest year on its portrait, the county's on the cockpit. Each chart reads its
// months from the page (the table beside it shows the same figures).
"use strict";
(function () {
  const M = window.Mujun;
  if (!M || !M.ready()) return;
  const T = M.read("kwh-texts") || {};
  [["chart-alert-kwh", "alert-kwh-data"], ["chart-power", "power-kwh-data"],
    ["chart-county-kwh", "county-kwh-data"]].forEach(([chartId, dataId]) => {
    const rows = M.read(dataId);
    const c = rows && rows.length && M.chart(chartId);
    if (!c) return;
    c.setOption({
      animation: false, tooltip: { trigger: "axis", confine: true }, legend: { top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: rows.map((r) => r.month) },
      yAxis: { type: "value", name: T.kwh, nameTextStyle: { align: "left" } },
      series: [
        { name: T.this, type: "bar", data: rows.map((r) => r.kwh), itemStyle: { color: M.COLORS.B } },
        { name: T.year_before, type: "line", data: rows.map((r) => r.kwh_year_before),
          itemStyle: { color: M.COLORS.none }, lineStyle: { type: "dashed" } },
      ],
    });
  });
})();
