// 驾驶舱 charts: class mix, trend, targets and the parcel map, from the cockpit API.
"use strict";
(async function () {
  const M = window.Mujun;
  const root = document.getElementById("cockpit");
  if (!root || !M.ready()) return;
  const year = root.dataset.year;
  const q = year ? "?year=" + year : "";
  const data = await M.json("/api/cockpit" + q);

  const T = M.TEXT;
  const names = M.read("cockpit-texts") || {};
  const g = M.chart("chart-groups");
  if (g) M.stackedClasses(g, names.groups || data.groups.map((r) => r.label), data.groups, false);
  const towns = M.chart("chart-towns");
  if (towns) M.stackedClasses(towns, names.towns || data.by_town.map((r) => r.label), data.by_town, true);
  const inds = M.chart("chart-industries");
  if (inds) M.stackedClasses(inds, names.industries || data.by_industry.map((r) => r.label), data.by_industry, true);

  const tr = M.chart("chart-trend");
  if (tr) {
    tr.setOption({
      animation: false, tooltip: { trigger: "axis", confine: true }, legend: { top: 0 },
      grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.map((p) => String(p.year)) },
      yAxis: [{ type: "value", minInterval: 1, name: T.enterprises, nameTextStyle: { align: "left" } },
        { type: "value", name: T.mean_score, nameTextStyle: { align: "right" } }],
      series: ["A", "B", "C", "D"].map((k) => ({
        name: T.class[k], type: "bar", stack: "all", itemStyle: { color: M.COLORS[k] }, data: data.trend.map((p) => p[k]),
      })).concat([{ name: T.mean_score, type: "line", yAxisIndex: 1,
        data: data.trend.map((p) => p.mean_score) }]),
    });
  }

  window.MujunTargets.draw("chart-targets", data.targets, data.programme, data.base_year, data.target_year);

  const mapEl = M.chart("chart-map");
  if (mapEl) {
    const geo = await M.json("/api/cockpit/parcels" + q);
    const features = geo.features.map((f) => Object.assign({}, f, { properties: Object.assign({ name: f.properties.parcel }, f.properties) }));
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
        option(ALL, `${T.all_zones} (${features.length})`));
    }
    // One line per fact: the parcel, its owner, the owner's class, its state, its area in 亩.
    const tip = (d) => {
      const state = [d.status ? T.status[d.status] : null, d.low ? T.status.low : null].filter(Boolean).join(" · ");
      return [`${T.parcel} ${d.name}`, `${T.owner} ${d.owner || T.status.reserve}`,
        `${T.klass} ${d.klass ? T.class[d.klass] : T.status.none}`, `${T.state} ${state || T.in_use}`,
        `${T.area} ${M.num(d.area_mu, 2)} ${T.mu} (${M.num(d.area_m2, 0)} m²)`];
    };
    const draw = (zone) => {
      const shown = zone === ALL ? features : features.filter((f) => (f.properties.zone || "") === zone);
      echarts.registerMap("parcels", { type: "FeatureCollection", features: shown });
      mapEl.setOption({
        animation: false,
        // the formatter returns HTML: each line escaped (an owner may be named <img onerror=…>)
        tooltip: { formatter: (p) => tip(p.data || {}).map(M.esc).join("<br>"), confine: true },
        legend: { show: false },
        series: [{
          type: "map", map: "parcels", roam: true, selectedMode: false, showLegendSymbol: false,
          label: { show: false }, emphasis: { label: { show: false } },
          data: shown.map((f) => {
            const p = f.properties;
            const fill = p.status ? M.COLORS.idle : M.COLORS[p.class || "none"];
            return { name: p.name, owner: p.owner, klass: p.class, low: p.low_efficiency, status: p.status,
              area_mu: p.area_mu, area_m2: p.area_m2, value: 1,
              itemStyle: { areaColor: fill, borderColor: p.low_efficiency ? M.COLORS.low : "#ffffff", borderWidth: p.low_efficiency ? 2 : 0.3 } };
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
