// DOM helpers and formatting. Every value from a file goes in as text (never as HTML).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export const DASH = "–";
export const MISSING = "—";

export function fmtNumber(value, digits = 1) {
  return value === null || value === undefined ? MISSING : Number(value).toFixed(digits);
}

/** A published percentage (already rounded by the publisher): 66.7 -> "66.7%". */
export function fmtPct(pct) {
  return pct === null || pct === undefined ? MISSING : `${Number(pct).toFixed(1)}%`;
}

/** A published Wilson 95 % interval, low and high: "60.5% – 75.6%"; MISSING when there is none (nothing graded). */
export function fmtInterval(low, high) {
  return low === null || low === undefined ? MISSING : `${fmtPct(low)} – ${fmtPct(high)}`;
}

/** "92–46" from a published {wins, losses}. */
export function fmtRecord(record) {
  return record ? `${record.wins}${DASH}${record.losses}` : MISSING;
}

export function fmtSigned(value, digits = 1) {
  if (value === null || value === undefined) return MISSING;
  const text = Math.abs(value).toFixed(digits);
  return value > 0 ? `+${text}` : value < 0 ? `${DASH}${text}` : text;
}

export function fmtDate(iso, style = "long") {
  if (!iso) return MISSING;
  const date = new Date(`${iso}T12:00:00Z`);
  const options = style === "long"
    ? { weekday: "long", month: "long", day: "numeric", year: "numeric", timeZone: "UTC" }
    : { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat("en-US", options).format(date);
}

/** A timestamp as written in the files (UTC), shortened: "2026-01-01 00:00 UTC". */
export function fmtTimestamp(iso) {
  if (!iso) return MISSING;
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
}

/** Tip-off (#19, ISO UTC) in US Eastern time, as NBA schedules give it: "7:30 PM ET". */
export function fmtTipoff(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const time = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", timeZone: "America/New_York" })
    .format(date);
  return `${time} ET`;
}

/** "vs MIN" (home), "@ MIN" (away), or the bare opponent while the files carry no `home`. */
export function fmtOpponent(pick) {
  if (!pick.opponent) return MISSING;
  if (pick.home === true) return `vs ${pick.opponent}`;
  if (pick.home === false) return `@ ${pick.opponent}`;
  return pick.opponent;
}

const RESULT_LABELS = { hit: "Hit", miss: "Miss", push: "Push", void: "Void" };

export function resultBadge(result) {
  if (result === null || result === undefined) return h("span", { class: "badge pending" }, "Pending");
  return h("span", { class: `badge result-${result}` }, RESULT_LABELS[result] || result);
}

export function badge(text, kind) {
  return h("span", { class: `badge ${kind || ""}` }, text);
}

export function directionCell(direction) {
  return h("span", { class: `dir dir-${String(direction || "").toLowerCase()}` }, direction || MISSING);
}

/** A table: columns = [{label, cell: row => node|text, class}], rows = array. */
export function table(columns, rows, { rowAttrs, empty = "Nothing published." } = {}) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h("table", { class: "data" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.class }, c.label)))),
    h("tbody", {}, rows.map((row) => h("tr", rowAttrs ? rowAttrs(row) : {},
      columns.map((c) => h("td", { class: c.class, dataset: c.key ? { field: c.key } : undefined }, c.cell(row)))))));
}

export function section(title, ...children) {
  return h("section", { class: "panel" }, h("h2", {}, title), ...children);
}

export function note(text, kind = "info") {
  return h("p", { class: `note note-${kind}` }, text);
}

/** A file that could not be read: what, where, and the HTTP status. */
export function missing(file, what) {
  const status = file.status ? `HTTP ${file.status}` : file.error || "unreadable";
  return h("div", { class: "note note-warn missing", dataset: { missing: file.path } },
    `${what || file.path}: not published (${status}) `, h("code", {}, file.url));
}

export function stat(label, value, sub, attrs = {}) {
  return h("div", { class: "stat", ...attrs },
    h("div", { class: "stat-label" }, label),
    h("div", { class: "stat-value" }, value),
    sub ? h("div", { class: "stat-sub" }, sub) : null);
}
