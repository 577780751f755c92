// On-call's one look: are tonight's files there, and do they agree with each other?
// Every public file the preview reads, for the dates latest.json names.

import { PATHS, latestDates, load } from "../data.js";
import { badge, fmtTimestamp, h, note, table } from "../dom.js";

export async function renderStatus() {
  const latest = await latestDates();
  const d = Object.fromEntries(["picks", "signals", "best-bets", "live-grading"].map((k) => [k, latest.dates[k] || null]));
  const entries = [
    ["latest.json", PATHS.latest(), undefined],
    ["picks", PATHS.picks(d.picks), d.picks],
    ["signals", PATHS.signals(d.signals), d.signals],
    ["best-bets", PATHS.bestBets(d["best-bets"]), d["best-bets"]],
    ["best-bets season", PATHS.bestBetsAll(), d["best-bets"] || undefined],
    ["live-grading", PATHS.liveGrading(d["live-grading"]), d["live-grading"]],
    ["performance", PATHS.performance(), undefined],
    ["groups", PATHS.subsets(), undefined],
    ["models", PATHS.models(), undefined],
  ].filter(([, , date]) => date !== null && date !== ""); // a dated file whose date latest.json lacks
  const files = await Promise.all(entries.map(([, path]) => load(path)));
  const byPath = new Map(files.map((f) => [f.path, f]));
  const rows = entries.map(([name, path, date], i) => ({ name, date, file: files[i], checks: checks(name, files[i], date, byPath, d) }));
  const problems = rows.filter((r) => !r.file.ok || r.checks.some((c) => !c.ok));
  return h("div", { class: "view view-status" },
    h("header", { class: "view-head" },
      h("h1", {}, "Files", h("span", { class: "sub" }, "are tonight's files there and sane?")),
      h("p", { class: "meta" }, latest.generatedAt ? `latest.json generated ${fmtTimestamp(latest.generatedAt)}` : "")),
    latest.fallback ? note("latest.json is not published: the dates below are the date of best-bets/all.json.", "warn") : null,
    h("section", { class: "panel" },
      h("div", { class: `verdict ${problems.length ? "verdict-bad" : "verdict-good"}`, dataset: { problems: problems.length } },
        problems.length ? `${problems.length} file(s) missing or inconsistent` : `All ${rows.length} files published and consistent`),
      table([
        { label: "File", key: "path", cell: (r) => h("code", {}, r.file.path) },
        { label: "Date", key: "date", cell: (r) => r.date || "" },
        { label: "Read", key: "read", cell: (r) => (r.file.ok ? badge("ok", "good") : badge(r.file.status ? `HTTP ${r.file.status}` : r.file.error, "bad")) },
        { label: "Generated", key: "generated", cell: (r) => fmtTimestamp(r.file.data && (r.file.data.generated_at || r.file.data.updated_at)) },
        { label: "Checks", key: "checks", cell: (r) => r.checks.map((c) => h("div", { class: c.ok ? "check ok" : "check fail" }, `${c.ok ? "✓" : "✗"} ${c.text}`)) },
      ], rows, { rowAttrs: (r) => ({ dataset: { file: r.file.path } }) })),
    note("Checks compare the files with each other (dates, groups, counts); no number is recomputed. " +
      "The preview reads these public files only; admin files are never requested.", "info"));
}

function checks(name, file, date, byPath, dates) {
  if (!file.ok) return [];
  const doc = file.data;
  const out = [];
  const add = (ok, text) => out.push({ ok, text });
  if (date && doc.date !== undefined) add(doc.date === date, `date ${doc.date}`);
  if (name === "latest.json") {
    for (const key of ["picks", "signals", "best-bets", "live-grading"]) add(Boolean(doc.dates && doc.dates[key]), `names ${key}`);
  }
  if (name === "picks") {
    const groups = byPath.get(PATHS.subsets());
    if (groups && groups.ok) {
      const same = JSON.stringify(doc.groups.map((g) => g.id)) === JSON.stringify(groups.data.groups.map((g) => g.id));
      add(same, `${doc.groups.length} groups, as in systems/subsets.json`);
    }
    add(doc.groups.some((g) => g.picks.length), `${doc.groups.filter((g) => g.picks.length).length} of ${doc.groups.length} groups have picks`);
  }
  if (name === "signals") {
    const picks = byPath.get(PATHS.picks(dates.picks));
    if (picks && picks.ok && dates.picks === dates.signals) add(picks.data.signal === doc.signal, `signal “${doc.signal}” as in picks`);
  }
  if (name === "best-bets") {
    if (doc.status !== undefined) add(doc.status === "ok" || doc.status === "sitting_out", `status ${doc.status}`);
    add(true, doc.picks.length ? `${doc.picks.length} picks` : doc.note || "no picks");
  }
  if (name === "best-bets season") {
    const today = byPath.get(PATHS.bestBets(dates["best-bets"]));
    if (today && today.ok) add(JSON.stringify(doc.today) === JSON.stringify(today.data.picks), "today = best-bets of the day");
    add(doc.graded <= doc.total_picks, `${doc.graded} of ${doc.total_picks} picks graded`);
  }
  if (name === "live-grading") {
    add(doc.summary.total === doc.picks.length, `summary total ${doc.summary.total} = ${doc.picks.length} picks listed`);
  }
  if (name === "performance") {
    if (dates.picks) add(doc.as_of < dates.picks, `graded through ${doc.as_of}, before tonight`);
  }
  if (name === "models") {
    const perf = byPath.get(PATHS.performance());
    if (doc.as_of !== undefined && perf && perf.ok) add(doc.as_of === perf.data.as_of, `as_of ${doc.as_of} = performance`);
    add(doc.models.filter((m) => m.is_champion).length === 1, "one champion");
  }
  return out;
}
