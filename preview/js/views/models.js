// Models by public codename with their health state. File: systems/models.json.

import { PATHS, load } from "../data.js";
import { badge, fmtDate, fmtTimestamp, h, missing, note, table } from "../dom.js";

const STATE_KIND = { HEALTHY: "good", WATCH: "warn", DEGRADING: "warn-strong", BLOCKED: "bad" };

export async function renderModels() {
  const file = await load(PATHS.models());
  if (!file.ok) return h("div", { class: "view" }, h("h1", {}, "Models"), missing(file));
  const doc = file.data;
  const champion = doc.models.find((m) => m.is_champion);
  return h("div", { class: "view view-models" },
    h("header", { class: "view-head" },
      h("h1", {}, "Models", doc.as_of ? h("span", { class: "sub" }, `as of ${fmtDate(doc.as_of)}`) : null),
      h("p", { class: "meta" }, `${doc.models.length} models · generated ${fmtTimestamp(doc.generated_at)}`)),
    h("section", { class: "panel" },
      champion ? h("p", { class: "champion" }, "Champion ", h("strong", {}, champion.model), " ", badge(champion.state, STATE_KIND[champion.state])) : null,
      table([
        { label: "Model", key: "model", cell: (m) => h("strong", {}, m.model) },
        { label: "Role", key: "role", cell: (m) => m.role },
        { label: "Champion", key: "is_champion", cell: (m) => (m.is_champion ? "★ champion" : "") },
        { label: "State", key: "state", cell: (m) => badge(m.state, STATE_KIND[m.state] || "neutral") },
        { label: "Freshness", key: "is_stale", cell: (m) => (m.is_stale ? badge("stale", "muted") : badge("fresh", "good-soft")) },
      ], doc.models, { rowAttrs: (m) => ({ dataset: { model: m.model } }) }),
      note("States: HEALTHY, WATCH, DEGRADING, BLOCKED (a blocked champion means no best bets). Stale: no recent predictions. " +
        "Codenames only; training details stay out of the public files.", "info")));
}
