// The best bets' season: published records and streak, two charts from the published
// per-pick results, the weeks and days. File: best-bets/all.json.

import { PATHS, load } from "../data.js";
import { BREAKEVEN, ROLLING, rollingChart, seasonPicks, rollingSeries, unitsChart, unitsSeries } from "../charts.js";
import { badge, fmtDate, fmtInterval, fmtPct, fmtRecord, fmtTimestamp, h, missing, note, section, stat, table } from "../dom.js";

const CHART_WIDTH = 1080;
const DAY_STATUS = { sweep: "good", miss: "bad", split: "neutral", pending: "pending" };

export async function renderSeason() {
  const file = await load(PATHS.bestBetsAll());
  if (!file.ok) return h("div", { class: "view" }, h("h1", {}, "Best bets season"), missing(file));
  const doc = file.data;
  const picks = seasonPicks(doc);
  const units = unitsSeries(picks);
  const rolling = rollingSeries(picks);
  return h("div", { class: "view view-season" },
    h("header", { class: "view-head" },
      h("h1", {}, "Best bets", h("span", { class: "sub" }, `season ${doc.season}`)),
      h("p", { class: "meta" }, `Through ${fmtDate(doc.date)} · generated ${fmtTimestamp(doc.generated_at)}`)),
    h("section", { class: "panel" },
      h("div", { class: "stats" },
        ["season", "month", "week", "last_10"].map((key) => stat(
          { season: "Season", month: "This month", week: "This week", last_10: "Last 10" }[key],
          fmtRecord(doc.record[key]), withInterval(doc.record[key]),
          { dataset: { record: key } })),
        stat("Streak", doc.streak.type ? `${doc.streak.type}${doc.streak.count}` : "—", doc.streak.type === "W" ? "wins in a row" : doc.streak.type === "L" ? "losses in a row" : "no streak", { dataset: { record: "streak" } }),
        stat("Picks", String(doc.total_picks), `${doc.graded} graded`, { dataset: { record: "picks" } }))),
    section("Cumulative units",
      picks.length ? h("div", { class: "chart", dataset: { chart: "units" } }, unitsChart(units, CHART_WIDTH)) : note("No picks yet."),
      note("Chart aid: the running sum of the published results, assuming −110 on every pick because the files carry no price " +
        "(+0.909 units per hit, −1 per miss, 0 for a push, a void or a pending pick). It is not a published figure.", "aid")),
    section("Rolling hit rate",
      rolling.length ? h("div", { class: "chart", dataset: { chart: "rolling" } }, rollingChart(rolling, CHART_WIDTH)) : note("Not enough graded picks yet."),
      note(`Chart aid: hit rate of the last ${ROLLING} graded best bets (hits and misses) at the end of each day, with its ` +
        `95 % Wilson band, computed in the page from the published results. Dashed line: ${BREAKEVEN} %, the breakeven hit rate at −110. ` +
        "The published records are the numbers above.", "aid")),
    section("Weeks", weeksList(doc.weeks || [])));
}

/** A record's hit rate with its 95 % interval when it has one: "67.8% (58.8% – 75.7%)". */
function withInterval(record) {
  return record.pct_low === null || record.pct_low === undefined ? fmtPct(record.pct)
    : `${fmtPct(record.pct)} (${fmtInterval(record.pct_low, record.pct_high)})`;
}

function weeksList(weeks) {
  if (!weeks.length) return h("p", { class: "empty" }, "No weeks yet.");
  return h("div", { class: "weeks" }, weeks.map((week, i) => h("details", { class: "week", open: i === 0, dataset: { weekStart: week.week_start } },
    h("summary", {},
      h("span", { class: "week-title" }, `Week of ${fmtDate(week.week_start, "short")}`),
      h("span", { class: "wl" }, fmtRecord(week.record)),
      h("span", { class: "pct" }, withInterval(week.record)),
      week.record.pending ? h("span", { class: "muted" }, `${week.record.pending} pending`) : null),
    table([
      { label: "Day", key: "day", cell: (d) => fmtDate(d.date, "short") },
      { label: "Status", key: "status", cell: (d) => badge(d.status, DAY_STATUS[d.status] || "neutral") },
      { label: "W–L", key: "record", class: "num", cell: (d) => fmtRecord(d.record) },
      { label: "Pending", key: "pending", class: "num", cell: (d) => d.record.pending },
      { label: "Picks", key: "picks", class: "num", cell: (d) => (d.picks || []).length },
      { label: "", cell: (d) => h("a", { href: `#/day/${d.date}` }, "open the day →") },
    ], week.days || []))));
}
