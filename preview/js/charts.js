// Charts, drawn by Observable Plot (preview/package.json pins the version; index.html loads
// its UMD build and d3's from node_modules, so window.Plot is set before this module runs).
//
// The only numbers computed here are chart aids, labelled as such on the page: the running
// sum of units and a rolling hit rate with its Wilson band, both from the published per-pick
// results of best-bets/all.json. Records, hit rates, ROI and Wilson bounds shown as numbers
// are the published ones.

const { Plot } = window;

export const BREAKEVEN = 52.4; // hit rate needed at -110
export const WIN_UNITS = 100 / 110; // +0.909 units for a hit at -110
export const ROLLING = 100; // picks in the rolling hit rate

const GREEN = "#15803d";
const RED = "#b91c1c";
const BLUE = "#1d4ed8";
const GREY = "#6b7280";

const parseDate = (iso) => new Date(`${iso}T00:00:00Z`);

/** Graded best-bet picks in time order (days oldest first, then rank), from best-bets/all.json. */
export function seasonPicks(all) {
  const days = (all.weeks || []).flatMap((w) => w.days || []).sort((a, b) => a.date.localeCompare(b.date));
  return days.flatMap((day) => [...(day.picks || [])].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
    .map((p) => ({ date: day.date, result: p.result })));
}

/** Wilson score interval (95 %) of k successes in n, in percent. Chart aid only. */
export function wilson(k, n, z = 1.96) {
  if (!n) return [null, null];
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [(100 * (centre - spread)) / denom, (100 * (centre + spread)) / denom];
}

/** One point per day: cumulative units at -110 after that day's graded picks. */
export function unitsSeries(picks) {
  const byDay = new Map();
  let units = 0;
  for (const p of picks) {
    if (p.result === "hit") units += WIN_UNITS;
    else if (p.result === "miss") units -= 1;
    byDay.set(p.date, units);
  }
  return [...byDay].map(([date, value]) => ({ date: parseDate(date), units: value }));
}

/** One point per day: hit rate of the last ROLLING hits and misses, with a Wilson band. */
export function rollingSeries(picks, size = ROLLING) {
  const graded = picks.filter((p) => p.result === "hit" || p.result === "miss");
  const points = new Map();
  let hits = 0;
  graded.forEach((p, i) => {
    hits += p.result === "hit" ? 1 : 0;
    if (i >= size) hits -= graded[i - size].result === "hit" ? 1 : 0;
    const n = Math.min(i + 1, size);
    const [low, high] = wilson(hits, n);
    points.set(p.date, { date: parseDate(p.date), rate: (100 * hits) / n, low, high, n });
  });
  return [...points.values()].filter((d) => d.n >= Math.min(size, 20));
}

function frame(series, width, height, extra) {
  const days = series.length ? (series.at(-1).date - series[0].date) / 86400000 : 0;
  return {
    width, height, marginLeft: 52, marginRight: 24, marginTop: 24, marginBottom: 36,
    style: { fontSize: "12px", fontFamily: "inherit", background: "transparent", overflow: "visible" },
    x: { type: "utc", label: null, grid: false, ...(days > 75 ? { ticks: "month", tickFormat: "%b %Y" } : {}) },
    ...extra,
  };
}

export function unitsChart(series, width) {
  const last = series.at(-1);
  return Plot.plot(frame(series, width, 280, {
    y: { label: "Units (at −110)", grid: true, tickFormat: (d) => (d > 0 ? `+${d}` : `${d}`) },
    marks: [
      Plot.ruleY([0], { stroke: GREY }),
      Plot.areaY(series, { x: "date", y: "units", fill: last && last.units < 0 ? RED : GREEN, fillOpacity: 0.08 }),
      Plot.lineY(series, { x: "date", y: "units", stroke: last && last.units < 0 ? RED : GREEN, strokeWidth: 2 }),
      Plot.tip(series, Plot.pointerX({ x: "date", y: "units", title: (d) => `${d.date.toISOString().slice(0, 10)}\n${d.units >= 0 ? "+" : ""}${d.units.toFixed(1)} units` })),
    ],
  }));
}

export function rollingChart(series, width, size = ROLLING) {
  const values = series.flatMap((d) => [d.low, d.high]);
  const lo = Math.max(0, Math.floor(Math.min(BREAKEVEN, ...values) / 5) * 5 - 5);
  const hi = Math.min(100, Math.ceil(Math.max(BREAKEVEN, ...values) / 5) * 5 + 5);
  return Plot.plot(frame(series, width, 300, {
    y: { label: `Hit rate, last ${size} graded picks (%)`, grid: true, domain: [lo, hi] },
    marks: [
      Plot.areaY(series, { x: "date", y1: "low", y2: "high", fill: BLUE, fillOpacity: 0.14 }),
      Plot.lineY(series, { x: "date", y: "rate", stroke: BLUE, strokeWidth: 2 }),
      Plot.ruleY([BREAKEVEN], { stroke: RED, strokeDasharray: "5,4", strokeWidth: 1.5 }),
      Plot.text([BREAKEVEN], { y: (d) => d, frameAnchor: "left", dy: -8, dx: 4, text: () => "breakeven 52.4 % (−110)", fill: RED, fontSize: 11 }),
      Plot.tip(series, Plot.pointerX({ x: "date", y: "rate", title: (d) => `${d.date.toISOString().slice(0, 10)}\n${d.rate.toFixed(1)} % (95 % band ${d.low.toFixed(1)}–${d.high.toFixed(1)}), n=${d.n}` })),
    ],
  }));
}

/**
 * Published hit rates with their published Wilson bounds (subsets/performance.json),
 * one row per group, against the breakeven line.
 */
export function intervalsChart(groups, width) {
  const rows = groups.filter((g) => g.stats && g.stats.hit_rate !== null);
  if (!rows.length) return null;
  return Plot.plot({
    width, height: 40 + 26 * rows.length, marginLeft: 130, marginRight: 24, marginTop: 28, marginBottom: 32,
    style: { fontSize: "12px", fontFamily: "inherit", background: "transparent" },
    x: { domain: [0, 100], label: "Hit rate (%) with its published 95 % interval", grid: true },
    y: { domain: rows.map((g) => g.name), label: null },
    marks: [
      Plot.ruleX([BREAKEVEN], { stroke: RED, strokeDasharray: "5,4" }),
      Plot.ruleY(rows, { y: "name", x1: (g) => g.stats.hit_rate_low, x2: (g) => g.stats.hit_rate_high, stroke: BLUE, strokeWidth: 3, strokeOpacity: 0.45 }),
      Plot.dot(rows, { y: "name", x: (g) => g.stats.hit_rate, fill: (g) => (g.stats.hit_rate >= BREAKEVEN ? GREEN : RED), r: 4.5 }),
      Plot.text([BREAKEVEN], { x: (d) => d, frameAnchor: "top", dy: -14, text: () => "52.4 %", fill: RED, fontSize: 11 }),
    ],
  });
}
