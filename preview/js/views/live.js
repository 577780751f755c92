// Live grading of tonight's champion picks. File: live-grading/{date}.json.

import { PATHS, load } from "../data.js";
import { MISSING, badge, note, directionCell, fmtDate, fmtInterval, fmtNumber, fmtOpponent, fmtPct, fmtTimestamp, fmtTipoff, h, missing, stat, table } from "../dom.js";

const STATUS_KIND = {
  correct: "good", incorrect: "bad", trending_correct: "good-soft", trending_incorrect: "bad-soft",
  pending: "pending", in_progress: "neutral", push: "neutral", void: "muted",
};

const label = (key) => key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

export async function renderLive(date) {
  if (!date) return h("div", { class: "view" }, h("h1", {}, "Live grading"), note("No live-grading date is published yet.", "warn"));
  const file = await load(PATHS.liveGrading(date));
  if (!file.ok) return h("div", { class: "view" }, h("h1", {}, "Live grading", h("span", { class: "sub" }, fmtDate(date))), missing(file));
  const doc = file.data;
  // Every counter the file publishes, in its order: counters added later show up by themselves
  // (win_rate and its interval, win_rate_low / win_rate_high, are not counters).
  const counters = Object.entries(doc.summary).filter(([key]) => !key.startsWith("win_rate"));
  return h("div", { class: "view view-live", dataset: { date } },
    h("header", { class: "view-head" },
      h("h1", {}, "Live grading", h("span", { class: "sub" }, fmtDate(doc.date))),
      h("p", { class: "meta" }, `Updated ${fmtTimestamp(doc.updated_at)}`)),
    h("section", { class: "panel" },
      h("div", { class: "stats" },
        counters.map(([key, value]) => stat(label(key), String(value), null, { dataset: { summary: key } })),
        stat("Win rate", fmtPct(doc.summary.win_rate), doc.summary.win_rate_low === null || doc.summary.win_rate_low === undefined
          ? "of graded picks" : `of graded picks · 95 %: ${fmtInterval(doc.summary.win_rate_low, doc.summary.win_rate_high)}`,
        { dataset: { summary: "win_rate" } }))),
    h("section", { class: "panel" },
      h("h2", {}, "Picks"),
      table([
        { label: "Player", key: "player", cell: (p) => p.player },
        { label: "Team", key: "team", cell: (p) => p.team },
        { label: "Game", key: "game_status", cell: (p) => [String(p.game_status || MISSING).replace(/_/g, " "), p.opponent ? ` · ${fmtOpponent(p)}` : null, p.tipoff ? ` · ${fmtTipoff(p.tipoff)}` : null] },
        { label: "Pick", key: "direction", cell: (p) => directionCell(p.direction) },
        { label: "Line", key: "line", class: "num", cell: (p) => fmtNumber(p.line) },
        { label: "Proj", key: "prediction", class: "num", cell: (p) => fmtNumber(p.prediction) },
        { label: "Pts", key: "actual", class: "num", cell: (p) => (p.actual ?? MISSING) },
        { label: "Min", key: "minutes", class: "num", cell: (p) => p.minutes || MISSING },
        { label: "Status", key: "status", cell: (p) => badge(label(p.status || "unknown"), STATUS_KIND[p.status] || "neutral") },
      ], doc.picks, { rowAttrs: (p) => ({ class: "pick", dataset: p.pick_id ? { pickId: p.pick_id } : {} }), empty: "No picks to grade tonight." })));
}
