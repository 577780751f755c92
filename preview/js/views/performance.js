// Performance windows of every group (last 7 days, last 30 days, season), all published
// numbers. File: subsets/performance.json.

import { PATHS, load } from "../data.js";
import { intervalsChart } from "../charts.js";
import { fmtDate, fmtInterval, fmtPct, fmtRecord, fmtSigned, fmtTimestamp, h, missing, note, table } from "../dom.js";

const WINDOWS = { last_7_days: "Last 7 days", last_30_days: "Last 30 days", season: "Season" };

export async function renderPerformance() {
  const file = await load(PATHS.performance());
  if (!file.ok) return h("div", { class: "view" }, h("h1", {}, "Performance"), missing(file));
  const doc = file.data;
  return h("div", { class: "view view-performance" },
    h("header", { class: "view-head" },
      h("h1", {}, "Performance", h("span", { class: "sub" }, `graded through ${fmtDate(doc.as_of)}`)),
      h("p", { class: "meta" }, `Model ${doc.model} · generated ${fmtTimestamp(doc.generated_at)}`)),
    note("Picks = graded picks (wins + losses; pushes, voids and pending picks are not counted). Hit rate with its 95 % Wilson " +
      "interval and ROI at −110 are the published figures. Breakeven at −110: 52.4 %.", "info"),
    Object.entries(doc.windows).map(([key, window]) => h("section", { class: "panel window", dataset: { window: key } },
      h("h2", {}, WINDOWS[key] || key, h("span", { class: "count" }, `${fmtDate(window.start_date, "short")} – ${fmtDate(window.end_date, "short")}`)),
      h("div", { class: "window-body" },
        table([
          { label: "Group", key: "name", cell: (g) => g.name },
          { label: "Picks", key: "picks", class: "num", cell: (g) => g.stats.picks },
          { label: "W–L", key: "record", class: "num", cell: (g) => fmtRecord(g.stats) },
          { label: "Hit rate", key: "hit_rate", class: "num strong", cell: (g) => fmtPct(g.stats.hit_rate) },
          { label: "95 % interval", key: "interval", class: "num muted", cell: (g) => fmtInterval(g.stats.hit_rate_low, g.stats.hit_rate_high) },
          { label: "ROI", key: "roi", class: "num", cell: (g) => roi(g.stats.roi) },
        ], window.groups, { rowAttrs: (g) => ({ dataset: { groupId: g.id } }) }),
        h("div", { class: "chart", dataset: { chart: `intervals-${key}` } }, intervalsChart(window.groups, 520))))));
}

function roi(value) {
  if (value === null || value === undefined) return "—";
  return h("span", { class: value > 0 ? "pos" : value < 0 ? "neg" : "" }, `${fmtSigned(value)}%`);
}
