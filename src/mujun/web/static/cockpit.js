// 驾驶舱 charts: class mix, trend, targets and the parcel map, from the cockpit API.
"use strict";
(async function () {
  const M = window.Mujun;
  const root = document.getElementById("cockpit");
  if (!root || !M.ready()) return;
  const year = root.dataset.year;
  const q = year ? "?year=" + year : "";
  const data = await M.json("/api/cockpit" + q);

  const g = M.chart("chart-groups");
  if (g) M.stackedClasses(g, data.groups.map((r) => M.t(r.label)), data.groups, false);
  const towns = M.chart("chart-towns");
  if (towns) M.stackedClasses(towns, data.by_town.map((r) => r.label), data.by_town, true);
  const inds = M.chart("chart-industries");
  if (inds) M.stackedClasses(inds, data.by_industry.map((r) => r.label), data.by_industry, true);

  const tr = M.chart("chart-trend");
  if (tr) {
    tr.setOption({
      animation: false, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 40, right: 50, top: 30, bottom: 30 },
      xAxis: { type: "category", data: data.trend.map((p) => String(p.year)) },
      yAxis: [{ type: "value" }, { type: "value", name: M.t("平均得分") }],
      series: ["A", "B", "C", "D"].map((k) => ({
        name: k, type: "bar", stack: "all", itemStyle: { color: M.COLORS[k] }, data: data.trend.map((p) => p[k]),
      })).concat([{ name: M.t("平均得分"), type: "line", yAxisIndex: 1,
        data: data.trend.map((p) => p.mean_score) }]),
    });
  }

  const tg = M.chart("chart-targets");
  if (tg) {
    const years = [2020, 2021, 2022, 2023, 2024, 2025];
    const withBase = data.targets.filter((t) => t.base);
    tg.setOption({
      animation: false, tooltip: { trigger: "axis", valueFormatter: (v) => v == null ? "—" : (v * 100).toFixed(1) + "%" },
      legend: { top: 0 }, grid: { left: 50, right: 20, top: 50, bottom: 30 },
      xAxis: { type: "category", data: years.map(String) },
      yAxis: { type: "value", axisLabel: { formatter: (v) => (v * 100).toFixed(0) + "%" } },
      series: withBase.map((t) => ({
        name: M.t(t.title), type: "line",
        data: years.map((y) => { const p = t.series.find((s) => s.year === y); return p && p.value != null ? p.value / t.base : null; }),
      })).concat([{ name: M.t("翻番路径"), type: "line", lineStyle: { type: "dashed" }, symbol: "none",
        data: years.map((y) => Math.pow(2, (y - 2020) / 5)) }]),
    });
  }

  const mapEl = M.chart("chart-map");
  if (mapEl) {
    const geo = await M.json("/api/cockpit/parcels" + q);
    const features = geo.features.map((f) => Object.assign({}, f, { properties: Object.assign({ name: f.properties.parcel }, f.properties) }));
    const names = { A: "A", B: "B", C: "C", D: "D", none: M.t("未参评/储备") };
    // Parcels lie in zones across the county; the map opens on the zone with the most parcels
    // (at county scale every plot would be a dot) and the picker switches zones or shows all.
    const counts = {};
    features.forEach((f) => { const z = f.properties.zone || ""; counts[z] = (counts[z] || 0) + 1; });
    const zones = Object.keys(counts).sort((a, b) => counts[b] - counts[a]);
    const picker = document.getElementById("map-zone");
    const ALL = "*";
    if (picker) {
      const option = (value, label) => { const o = document.createElement("option"); o.value = value; o.textContent = label; return o; };
      picker.replaceChildren(...zones.map((z) => option(z, `${z || "—"} (${counts[z]})`)),
        option(ALL, `${M.t("全部园区")} (${features.length})`));
    }
    const draw = (zone) => {
      const shown = zone === ALL ? features : features.filter((f) => (f.properties.zone || "") === zone);
      echarts.registerMap("parcels", { type: "FeatureCollection", features: shown });
      mapEl.setOption({
        animation: false,
        // the formatter returns HTML: each line escaped (an owner may be named <img onerror=…>)
        tooltip: { formatter: (p) => { const d = p.data || {}; return [d.name, d.owner || names.none, (d.klass || "—") + (d.low ? " · " + M.t("低效用地") : ""), (d.area || 0).toFixed(0) + " m²"].map(M.esc).join("<br>"); } },
        legend: { show: false },
        series: [{
          type: "map", map: "parcels", roam: true, selectedMode: false, showLegendSymbol: false,
          label: { show: false }, emphasis: { label: { show: false } },
          data: shown.map((f) => {
            const p = f.properties; const k = p.class || "none";
            return { name: p.name, owner: p.owner, klass: p.class, low: p.low_efficiency, area: p.area_m2, value: 1,
              itemStyle: { areaColor: M.COLORS[k], borderColor: p.low_efficiency ? "#b71c1c" : "#ffffff", borderWidth: p.low_efficiency ? 2 : 0.3 } };
          }),
        }],
      }, true);
      mapEl.getDom().dataset.shown = String(shown.length);
    };
    draw(zones.length ? zones[0] : ALL);
    if (picker) picker.addEventListener("change", () => draw(picker.value));
    mapEl.getDom().dataset.features = String(features.length);
  }
})().catch((e) => { console.error(e); });
