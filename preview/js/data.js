// Reading the published files. The preview reads public v1/ files only: the paths below
// are the whole list (contract §4); nothing under admin/ is ever requested.

const params = new URLSearchParams(window.location.search);

/** The v1/ folder or URL to read: ?base=... (a bucket, another folder), else the local site. */
export const BASE = new URL(withSlash(params.get("base") || "v1/"), window.location.href);
export const BASE_LABEL = params.get("base") ? BASE.href : "v1/ of this server";

function withSlash(url) {
  return url.endsWith("/") ? url : `${url}/`;
}

export const PATHS = {
  latest: () => "latest.json",
  picks: (date) => `picks/${date}.json`,
  signals: (date) => `signals/${date}.json`,
  bestBets: (date) => `best-bets/${date}.json`,
  bestBetsAll: () => "best-bets/all.json",
  liveGrading: (date) => `live-grading/${date}.json`,
  performance: () => "subsets/performance.json",
  subsets: () => "systems/subsets.json",
  models: () => "systems/models.json",
};

const cache = new Map();

/**
 * Fetch one file: resolves to {path, url, ok, status, data, error}; never rejects, so a
 * missing file is shown on the page instead of failing it.
 */
export function load(path) {
  if (path.startsWith("admin/") || path.includes("/admin/")) throw new Error(`not a public file: ${path}`);
  if (!cache.has(path)) cache.set(path, fetchJson(path));
  return cache.get(path);
}

async function fetchJson(path) {
  const url = new URL(path, BASE).href;
  const file = { path, url, ok: false, status: null, data: null, error: null };
  try {
    const response = await fetch(url, { cache: "no-cache" });
    file.status = response.status;
    if (!response.ok) return file;
    file.data = await response.json();
    file.ok = true;
  } catch (error) {
    file.error = error instanceof SyntaxError ? "not valid JSON" : "network error";
  }
  return file;
}

/**
 * Newest date of each dated endpoint, from latest.json. Before the publisher wrote
 * latest.json, fall back to the date of best-bets/all.json (and say so: `fallback`).
 */
export async function latestDates() {
  const latest = await load(PATHS.latest());
  if (latest.ok && latest.data && latest.data.dates) {
    return { dates: latest.data.dates, generatedAt: latest.data.generated_at, fallback: false, file: latest };
  }
  const all = await load(PATHS.bestBetsAll());
  const date = all.ok ? all.data.date : null;
  return {
    dates: { picks: date, signals: date, "best-bets": date, "live-grading": date },
    generatedAt: null, fallback: true, file: latest,
  };
}

/** Every date the files name: days of best-bets/all.json and latest.json's dates, newest first. */
export async function knownDates() {
  const [{ dates }, all] = await Promise.all([latestDates(), load(PATHS.bestBetsAll())]);
  const set = new Set(Object.values(dates).filter(Boolean));
  if (all.ok) for (const week of all.data.weeks || []) for (const day of week.days || []) set.add(day.date);
  return [...set].sort().reverse();
}
