// The preview's router: hash routes, a page per view, driven by latest.json.
//
//   #/                tonight (picks, signal and best bets of latest.json's dates)
//   #/day/YYYY-MM-DD  any game day
//   #/best-bets       the best bets' season: records, charts, weeks
//   #/performance     the performance windows of every group
//   #/models          models by codename with their state
//   #/live[/DATE]     live grading (default: latest.json's live-grading date)
//   #/files           on-call: every file there and consistent?
//
// ?base=URL reads another v1/ folder or bucket (default: the local site, v1/).

import { BASE_LABEL, knownDates, latestDates } from "./data.js";
import { h } from "./dom.js";
import { renderDay } from "./views/day.js";
import { renderLive } from "./views/live.js";
import { renderModels } from "./views/models.js";
import { renderPerformance } from "./views/performance.js";
import { renderSeason } from "./views/season.js";
import { renderStatus } from "./views/status.js";

const NAV = [
  ["tonight", "#/", "Tonight"],
  ["best-bets", "#/best-bets", "Best bets"],
  ["performance", "#/performance", "Performance"],
  ["models", "#/models", "Models"],
  ["live", "#/live", "Live"],
  ["files", "#/files", "Files"],
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

async function route() {
  const [name, arg] = window.location.hash.replace(/^#\/?/, "").split("/");
  const latest = await latestDates();
  const dates = latest.dates;
  switch (name || "tonight") {
    case "tonight": return ["tonight", () => renderDay(dates.picks, { tonight: true }), dates.picks];
    case "day": return DATE.test(arg || "") ? ["day", () => renderDay(arg), arg] : null;
    case "best-bets": return ["best-bets", renderSeason];
    case "performance": return ["performance", renderPerformance];
    case "models": return ["models", renderModels];
    case "live": {
      const date = DATE.test(arg || "") ? arg : dates["live-grading"];
      return ["live", () => renderLive(date), date];
    }
    case "files": return ["files", renderStatus];
    default: return null;
  }
}

async function render() {
  const main = document.getElementById("main");
  document.body.removeAttribute("data-ready");
  main.replaceChildren(h("p", { class: "loading" }, "Loading…"));
  const found = await route();
  if (!found) {
    main.replaceChildren(h("div", { class: "view" }, h("h1", {}, "Not found"), h("p", {}, "No such page: "), h("a", { href: "#/" }, "tonight")));
    document.body.dataset.ready = "not-found";
    return;
  }
  const [view, draw, date] = found;
  for (const link of document.querySelectorAll("nav.views a")) link.classList.toggle("active", link.dataset.view === view);
  const picker = document.getElementById("date-picker");
  if (date && [...picker.options].some((o) => o.value === date)) picker.value = date;
  try {
    main.replaceChildren(await draw());
    document.title = `${main.querySelector("h1")?.firstChild?.textContent || "Preview"} · NBA props preview`;
  } catch (error) {
    main.replaceChildren(h("div", { class: "view" }, h("h1", {}, "This page failed"), h("pre", { class: "note note-warn" }, String(error && error.stack || error))));
    console.error(error); // a bug of the preview, not a missing file: the browser test fails on it
  }
  document.body.dataset.view = view;
  document.body.dataset.ready = view;
}

async function header() {
  const nav = document.querySelector("nav.views");
  nav.replaceChildren(...NAV.map(([view, href, label]) => h("a", { href, dataset: { view } }, label)));
  const dates = await knownDates();
  const picker = document.getElementById("date-picker");
  picker.replaceChildren(h("option", { value: "" }, "Open a date…"), ...dates.map((d) => h("option", { value: d }, d)));
  picker.addEventListener("change", () => { if (picker.value) window.location.hash = `#/day/${picker.value}`; });
  const other = document.getElementById("date-input");
  if (dates.length) { other.min = dates.at(-1); other.max = dates[0]; }
  other.addEventListener("change", () => { if (DATE.test(other.value)) window.location.hash = `#/day/${other.value}`; });
  document.getElementById("base").textContent = BASE_LABEL;
}

window.addEventListener("hashchange", render);
header().then(render);
