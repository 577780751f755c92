// One game day: the signal, every pick group with its record and picks, the best bets.
// Files: picks/{date}.json, signals/{date}.json, best-bets/{date}.json, systems/subsets.json.

import { PATHS, load } from "../data.js";
import {
  MISSING, badge, directionCell, fmtDate, fmtInterval, fmtNumber, fmtOpponent, fmtPct, fmtRecord, fmtTimestamp, fmtTipoff,
  h, missing, note, resultBadge, section, table,
} from "../dom.js";

const SIGNAL_KIND = { favorable: "good", neutral: "neutral", challenging: "bad" };

export async function renderDay(date, { tonight = false } = {}) {
  if (!date) return h("div", { class: "view" }, h("h1", {}, "Tonight"), note("No picks date is published yet (latest.json).", "warn"));
  const [picks, signals, bestBets, subsets] = await Promise.all([
    load(PATHS.picks(date)), load(PATHS.signals(date)), load(PATHS.bestBets(date)), load(PATHS.subsets()),
  ]);
  const bestIds = new Set(bestBets.ok ? bestBets.data.picks.map((p) => p.pick_id).filter(Boolean) : []);
  return h("div", { class: "view view-day", dataset: { date } },
    h("header", { class: "view-head" },
      h("h1", {}, tonight ? "Tonight" : "Game day", h("span", { class: "sub" }, fmtDate(date))),
      picks.ok ? h("p", { class: "meta" }, `Model ${picks.data.model} · generated ${fmtTimestamp(picks.data.generated_at)}`) : null),
    signalPanel(signals, picks),
    groupsPanel(picks, subsets, bestIds),
    bestBetsPanel(bestBets));
}

function signalPanel(signals, picks) {
  if (!signals.ok) return section("Market signal", missing(signals));
  const s = signals.data;
  return h("section", { class: "panel signal", dataset: { signal: s.signal } },
    h("h2", {}, "Market signal"),
    h("div", { class: "signal-row" },
      badge(s.signal, `signal signal-${SIGNAL_KIND[s.signal] || "neutral"}`),
      h("span", {}, "Market conditions ", h("strong", {}, String(s.metrics.conditions).replace(/_/g, " "))),
      h("span", {}, "Picks on the board ", h("strong", {}, s.metrics.picks)),
      picks.ok && picks.data.signal !== s.signal ? note(`picks file says “${picks.data.signal}”`, "warn") : null),
    s.note ? note(s.note) : null);
}

function groupsPanel(picks, subsets, bestIds) {
  if (!picks.ok) return section("Pick groups", missing(picks));
  const descriptions = new Map(subsets.ok ? subsets.data.groups.map((g) => [g.id, g.description]) : []);
  return section("Pick groups",
    h("p", { class: "hint" }, "Each group's record counts graded picks (wins–losses); pushes and voids are not counted."),
    h("div", { class: "groups" }, picks.data.groups.map((group) => groupCard(group, descriptions.get(group.id), bestIds))));
}

function groupCard(group, description, bestIds) {
  const record = group.record;
  return h("article", { class: "group", dataset: { groupId: group.id } },
    h("header", {},
      h("h3", {}, group.name),
      description ? h("p", { class: "desc" }, description) : null),
    record
      ? h("dl", { class: "record" }, ["season", "month", "week"].map((window) => h("div", { dataset: { window } },
        h("dt", {}, window === "season" ? "Season" : window === "month" ? "Month" : "Week"),
        h("dd", {}, h("span", { class: "wl", dataset: { field: `record-${window}` } }, fmtRecord(record[window])),
          h("span", { class: "pct", dataset: { field: `pct-${window}` } }, fmtPct(record[window].pct)),
          record[window].pct_low === null || record[window].pct_low === undefined ? null
            : h("span", { class: "interval", title: "95 % interval", dataset: { field: `interval-${window}` } },
              fmtInterval(record[window].pct_low, record[window].pct_high))))))
      : h("p", { class: "record empty" }, "No graded picks yet"),
    group.picks.length
      ? pickTable(group.picks, bestIds)
      : h("p", { class: "empty" }, "No picks in this group today."));
}

function pickTable(picks, bestIds) {
  return table([
    { label: "Player", key: "player", cell: (p) => [
      h("div", { class: "player" }, p.player, bestIds.has(p.pick_id) ? h("span", { class: "star", title: "also a best bet" }, " ★") : null),
      h("div", { class: "matchup" }, `${p.team || MISSING} ${p.home === undefined || p.home === null ? "· " : ""}${fmtOpponent(p)}`, tipoff(p))] },
    { label: "Pick", key: "pick", cell: (p) => [directionCell(p.direction), " ", h("span", { class: "line", dataset: { field: "line" } }, fmtNumber(p.line))] },
    { label: "Proj", key: "prediction", class: "num", cell: (p) => fmtNumber(p.prediction) },
    { label: "Pts", key: "actual", class: "num", cell: (p) => (p.actual ?? MISSING) },
    { label: "Result", key: "result", cell: (p) => resultBadge(p.result) },
  ], picks, { rowAttrs: (p) => ({ class: "pick", dataset: p.pick_id ? { pickId: p.pick_id } : {} }) });
}

function tipoff(pick) {
  const time = fmtTipoff(pick.tipoff);
  return time ? h("span", { class: "tipoff" }, ` · ${time}`) : null;
}

function bestBetsPanel(file) {
  if (!file.ok) return section("Best bets", missing(file));
  const doc = file.data;
  const hasModel = doc.picks.some((p) => p.model);
  let status;
  if (doc.status === "sitting_out") {
    status = h("div", { class: "sitting-out", dataset: { status: "sitting_out" } },
      badge("Sitting out", "bad"), h("p", {}, doc.note || "No best bets today."));
  } else if (!doc.picks.length) {
    // Before #19 a blocked day was published as an empty list, without status or note.
    status = h("div", { class: "sitting-out", dataset: { status: doc.status || "empty" } },
      badge("No best bets", "neutral"), h("p", {}, doc.note || "No best bets were published for this day."));
  }
  return h("section", { class: "panel best-bets", dataset: { status: doc.status || "" } },
    h("h2", {}, "Best bets", h("span", { class: "count" }, `${doc.picks.length} picks · season ${doc.season}`)),
    status || null,
    doc.picks.length ? table([
      { label: "#", key: "rank", class: "num", cell: (p) => p.rank },
      { label: "Player", key: "player", cell: (p) => p.player },
      { label: "Team", key: "team", cell: (p) => p.team },
      { label: "Opp", key: "opponent", cell: (p) => [fmtOpponent(p), tipoff(p)] },
      { label: "Pick", key: "direction", cell: (p) => directionCell(p.direction) },
      { label: "Line", key: "line", class: "num", cell: (p) => fmtNumber(p.line) },
      { label: "Pts", key: "actual", class: "num", cell: (p) => (p.actual ?? MISSING) },
      { label: "Result", key: "result", cell: (p) => resultBadge(p.result) },
      ...(hasModel ? [{ label: "Model", key: "model", cell: (p) => p.model || MISSING }] : []),
    ], doc.picks, { rowAttrs: (p) => ({ class: "pick", dataset: p.pick_id ? { pickId: p.pick_id } : {} }) }) : null);
}
