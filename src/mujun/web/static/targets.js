// 目标任务 charts: 五个翻番 against the doubling path, and each 个十百千万亿 target's trend with its
// goal and, for the cumulative ones, the pace to the target year. Used by the targets page and
// the cockpit; the figures come from the same API payloads the tables show.
"use strict";
window.MujunTargets = (function () {
  const M = window.Mujun;
  const T = M.read("target-texts") || { titles: {} };
  const title = (t) => T.titles[t.key] || t.title;
  const range = (a, b) => { const out = []; for (let y = a; y <= b; y++) out.push(y); return out; };
  const at = (t, y) => { const p = t.series.find((s) => s.year === y); return p ? p.value : null; };

  // Each target as a multiple of its base-year value, against 2^((y − base) / (target − base)).
  function doubling(id, rows, baseYear, targetYear) {
    const c = M.chart(id);
    if (!c) return;
    const years = range(baseYear, targetYear);
    const withBase = rows.filter((t) => t.base);
    c.setOption({
      animation: false, legend: { top: 0 }, grid: { left: 8, right: 16, top: 60, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true, valueFormatter: (v) => v == null ? "—" : (v * 100).toFixed(1) + "%" },
      xAxis: { type: "category", data: years.map(String) },
      yAxis: { type: "value", axisLabel: { formatter: (v) => (v * 100).toFixed(0) + "%" } },
      series: withBase.map((t) => ({
        name: title(t), type: "line",
        data: years.map((y) => { const v = at(t, y); return v == null ? null : v / t.base; }),
      })).concat([{ name: M.TEXT.doubling, type: "line", lineStyle: { type: "dashed" }, symbol: "none",
        data: years.map((y) => Math.pow(2, (y - baseYear) / (targetYear - baseYear))) }]),
    });
  }

  // One target's yearly values, its goal as a line, and the pace to the target year (dashed).
  function trend(t, targetYear) {
    const c = M.chart("chart-t-" + t.key);
    if (!c) return;
    const first = t.series.length ? t.series[0].year : t.year;
    const years = range(first, Math.max(targetYear, t.year));
    const series = [{ name: T.value, type: "line", data: years.map((y) => at(t, y)), connectNulls: false,
      markLine: { symbol: "none", lineStyle: { color: M.COLORS.D, type: "dotted" }, label: { formatter: T.goal },
        data: t.goal == null ? [] : [{ yAxis: t.goal }] } }];
    if (t.projection != null && t.value != null && targetYear > t.year) {
      series.push({ name: T.pace, type: "line", lineStyle: { type: "dashed" },
        data: years.map((y) => y === t.year ? t.value : y === targetYear ? t.projection : null), connectNulls: true });
    }
    c.setOption({
      animation: false, tooltip: { trigger: "axis", confine: true, valueFormatter: (v) => M.num(v, 2) },
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: years.map(String) }, yAxis: { type: "value" }, series,
    });
  }

  function draw(doublingId, doublingRows, programmeRows, baseYear, targetYear) {
    doubling(doublingId, doublingRows, baseYear, targetYear);
    programmeRows.forEach((t) => trend(t, targetYear));
  }

  (async function () {
    const root = document.getElementById("targets-page");
    if (!root || !M.ready()) return;
    const data = await M.json("/api/targets?year=" + root.dataset.year);
    draw("chart-doubling", data.doubling, data.programme, data.base_year, data.target_year);
  })();
  return { draw };
})();
