// The browser test's driver (tests/test_dashboard_browser.py runs it): headless Debian chromium
// through playwright-core. It opens each dashboard view and GraphiQL on a running server, does
// what a visitor does, and prints what the pages showed as one JSON object; the Python test
// compares that with what the API answers. Also: axe-core, requests leaving the server,
// Content-Security-Policy violations, screenshots at desktop and 320 px width, load time and
// transferred bytes of each view.
//
//   node web/tests/browser.mjs http://127.0.0.1:8000 test-output/browser [label] [views] [widths]
//
// views: comma-separated (default: every view and graphiql); widths: "desktop,320" (default) or "desktop".
import { mkdirSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [base, outDir, label = "seed", only = "sverige,lan,polisregion,kommun,sok,loften,graphiql", widths = "desktop,320"] =
  process.argv.slice(2);
const VIEWS = new Set(only.split(","));
const NARROW_TOO = widths.split(",").includes("320");
mkdirSync(outDir, { recursive: true });
const AXE = readFileSync(new URL("../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const DESKTOP = { width: 1280, height: 900 };
const NARROW = { width: 320, height: 720 };

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const report = { views: {}, external: [], csp: [], errors: [] };

async function newPage(viewport) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: "sv-SE" });
  const page = await context.newPage();
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:") && !url.startsWith("blob:")) report.external.push(url);
  });
  page.on("pageerror", (error) => report.errors.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" || /Content.Security.Policy/i.test(message.text()))
      report.errors.push(`${page.url()}: console ${message.type()}: ${message.text()}`);
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { context, page };
}

/** Polls `test` in the page: waitForFunction evaluates a string inside the page, which the
 * pages' CSP (no 'unsafe-eval') rightly refuses; page.evaluate goes through the debugger. */
async function until(page, test, arg, what) {
  for (let tries = 0; tries < 300; tries++) {
    if (await page.evaluate(test, arg)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what} on ${page.url()}`);
}

/** Waits until the dashboard has drawn `view` (app.js sets data-view and data-ready when done). */
async function drawn(page, view, after = "0") {
  await until(
    page,
    ([view, after]) => {
      const main = document.getElementById("innehall");
      return main?.dataset.view === view && Number(main.dataset.ready ?? 0) > Number(after) && !main.hasAttribute("aria-busy");
    },
    [view, after],
    `the view ${view}`,
  );
}

async function ready(page) {
  return page.evaluate(() => document.getElementById("innehall").dataset.ready ?? "0");
}

async function measure(page) {
  return page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0];
    const resources = performance.getEntriesByType("resource");
    const drawnAt = Number(document.getElementById("innehall").dataset.ready) - performance.timeOrigin;
    return {
      loadMs: Math.round(drawnAt),
      requests: 1 + resources.length,
      bytes: navigation.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
      graphqlRequests: resources.filter((r) => r.name.endsWith("/graphql")).length,
    };
  });
}

async function axe(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  report.axeChecks = (report.axeChecks ?? 0) + result.passes.length;
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help, target: v.nodes[0]?.target }));
}

const tableRows = (page, selector) =>
  page.$$eval(`${selector} tbody tr`, (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent.trim())));

async function view(name, hash, inspect) {
  if (!VIEWS.has(name)) return;
  const { context, page } = await newPage(DESKTOP);
  await page.goto(`${base}/dashboard${hash}`);
  await drawn(page, name);
  const metrics = await measure(page);
  const shown = await inspect(page);
  const violations = await axe(page);
  await page.screenshot({ path: `${outDir}/${label}-${name}-desktop.png`, fullPage: true });
  if (!NARROW_TOO) {
    report.csp.push(...(await page.evaluate(() => window.__csp)));
    await context.close();
    report.views[name] = { hash, metrics, shown, violations, overflowAt320: null };
    return;
  }
  // The same page at 320 px: narrowed rather than loaded again (the layout is CSS only, so it
  // reflows as a fresh load would lay out), which saves a page load per view.
  await page.setViewportSize(NARROW);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const narrowViolations = await axe(page);
  await page.screenshot({ path: `${outDir}/${label}-${name}-320.png`, fullPage: true });
  report.csp.push(...(await page.evaluate(() => window.__csp)));
  await context.close();
  report.views[name] = { hash, metrics, shown, violations: [...violations, ...narrowViolations], overflowAt320: overflow };
}

const sverigeShown = async (page) => ({
  year: await page.$eval("#f-ar", (s) => s.value),
  measure: await page.$eval("#f-andel", (s) => s.value),
  table: await tableRows(page, "#coverage-table"),
  tiles: await page.$$eval(".map [data-county]", (tiles) =>
    tiles.map((t) => [t.dataset.county, t.querySelector("[data-share]").textContent, t.querySelector("rect").getAttribute("class")]),
  ),
});

await view("sverige", "#/", async (page) => {
  const shown = await sverigeShown(page);
  // Keyboard only: the skip link is the first stop and moves focus to the content; a visible
  // focus ring; another share and year chosen with the keyboard; a tile opened with Enter.
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => [document.activeElement.textContent, getComputedStyle(document.activeElement).outlineStyle]);
  await page.keyboard.press("Enter");
  const afterSkip = await page.evaluate(() => document.activeElement.id);
  await page.focus("#f-andel");
  await page.keyboard.press("ArrowDown");
  const years = await page.$$eval("#f-ar option", (options) => options.map((o) => o.value));
  await page.selectOption("#f-ar", years.at(-1));
  const before = await ready(page);
  await page.focus("form.controls button[type=submit]");
  await page.keyboard.press("Enter");
  await drawn(page, "sverige", before);
  const changed = await sverigeShown(page);
  const at = await ready(page);
  await page.focus('.map [data-county="14"]');
  const tileFocus = await page.evaluate(() => getComputedStyle(document.activeElement.querySelector("rect")).stroke);
  await page.keyboard.press("Enter");
  await drawn(page, "lan", at);
  const opened = await page.evaluate(() => location.hash);
  const leaving = await ready(page);
  await page.goBack();
  await drawn(page, "sverige", leaving);
  return { ...shown, skip, afterSkip, changed, tileFocus, opened };
});

await view("lan", "#/lan/14", async (page) => {
  const chart = (id) =>
    page.$$eval(`#${id} rect.bar`, (bars) => bars.map((bar) => [bar.parentNode.querySelector("text title").textContent, Number(bar.dataset.value)]));
  // Targets promised against results reported, for the year chosen.
  const targets = async () => ({
    year: await page.$eval("#f-ar", (s) => s.value),
    summary: await page.textContent("#targets-summary"),
    chart: await chart("chart-targets"),
    chartTable: await tableRows(page, "#chart-targets"),
    table: await tableRows(page, "#targets-table"),
  });
  const shown = {
    title: await page.textContent("h1"),
    year: await page.$eval("#f-ar", (s) => s.value),
    byActor: await chart("chart-actor"),
    byYear: await chart("chart-year"),
    byTopic: await chart("chart-topic"),
    actorTable: await tableRows(page, "#chart-actor"),
    municipalities: await tableRows(page, "#municipality-table"),
    targets: await targets(),
  };
  // The year before, chosen in place (a new fragment, not a new page load): the targets follow it.
  const years = await page.$$eval("#f-ar option", (options) => options.map((o) => o.value));
  const before = await ready(page);
  await page.selectOption("#f-ar", years[years.indexOf(shown.year) + 1]);
  await page.click("form.controls button[type=submit]");
  await drawn(page, "lan", before);
  return {
    ...shown,
    targetsYearBefore: await targets(),
    svgLabels: await page.$$eval("figure.chart svg", (svgs) => svgs.map((svg) => svg.getAttribute("aria-label"))),
    // The axis under each chart (d3-axis): its tick labels and where they stand, and the bars' ends.
    axes: await page.$$eval("figure.chart", (figures) =>
      figures.map((figure) => ({
        id: figure.id,
        ticks: [...figure.querySelectorAll(".axis .tick")].map((tick) => [tick.textContent, tick.transform.baseVal.consolidate()?.matrix.e ?? 0]),
        bars: [...figure.querySelectorAll("rect.bar")].map((bar) => [Number(bar.dataset.value), bar.x.baseVal.value, bar.width.baseVal.value]),
      })),
    ),
  };
});

await view("polisregion", "#/polisregion/V%C3%A4st", async (page) => ({
  title: await page.textContent("h1"),
  municipalities: await tableRows(page, "#municipality-table"),
}));

await view("kommun", "#/kommun/1471", async (page) => ({
  title: await page.textContent("h1"),
  actors: await page.$$eval(".actor-group", (groups) => groups.map((g) => [g.dataset.actor, g.querySelectorAll("li").length])),
  assessments: await tableRows(page, "#assessment-table"),
  sources: await page.$$eval("a[rel~=external]", (links) => links.map((a) => a.href)),
}));

// Search: type, filter by county, send; then follow a municipality link from the results.
await view("sok", "#/sok", async (page) => {
  const before = await ready(page);
  await page.fill("#f-q", "trygghet");
  await page.selectOption("#f-lan", "14");
  await page.keyboard.press("Enter");
  await drawn(page, "sok", before);
  await page.waitForSelector("#search-results li");
  const shown = {
    heading: await page.textContent("#search-results h2"),
    hits: await page.$$eval("#search-results li", (items) => items.length),
    marks: await page.$$eval("#search-results mark", (marks) => marks.map((m) => m.textContent)),
    hash: await page.evaluate(() => location.hash),
  };
  if (await page.locator("#more-results").count()) {
    await page.click("#more-results");
    await until(page, (n) => document.querySelectorAll("#search-results li").length > n, shown.hits, "more results");
    shown.hitsAfterMore = await page.$$eval("#search-results li", (items) => items.length);
  }
  const link = page.locator('#search-results a[href^="#/kommun/"]').first();
  const target = await link.getAttribute("href");
  const left = await ready(page);
  await link.click();
  await drawn(page, "kommun", left);
  shown.followed = { target, hash: await page.evaluate(() => location.hash), title: await page.textContent("h1") };
  const leaving = await ready(page);
  await page.goBack();
  await drawn(page, "sok", leaving);
  return shown;
});

// The commitments table: filter and sort with the keyboard and mouse, page on, download the CSV.
await view("loften", "#/loften", async (page) => {
  const before = await ready(page);
  await page.selectOption("#f-lan", "14");
  await page.selectOption("#f-ordning", "MUNICIPALITY");
  await page.click("form.controls button[type=submit]");
  await drawn(page, "loften", before);
  const first = await tableRows(page, "#commitments-table");
  const status = await page.textContent("#commitment-count");
  let second = [];
  if (await page.locator("a[rel=next]").count()) {
    const at = await ready(page);
    await page.click("a[rel=next]");
    await drawn(page, "loften", at);
    second = await tableRows(page, "#commitments-table");
  }
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv-download")]);
  const csvPath = `${outDir}/${label}-loften.csv`;
  await download.saveAs(csvPath);
  const shown = {
    hash: await page.evaluate(() => location.hash),
    status,
    first,
    second,
    csvHref: await page.getAttribute("#csv-download", "href"),
    csv: readFileSync(csvPath, "utf8"),
  };
  // The Aktör column's header sorts by actor, and again the other way.
  const byActor = async () => {
    const at = await ready(page);
    await page.click('#commitments-table thead a[href*="ordning=ACTOR"]');
    await drawn(page, "loften", at);
    return {
      hash: await page.evaluate(() => location.hash),
      rows: await tableRows(page, "#commitments-table"),
      sort: await page.$$eval("#commitments-table thead th", (cells) => cells.map((th) => th.getAttribute("aria-sort"))),
      csvHref: await page.getAttribute("#csv-download", "href"),
    };
  };
  shown.actorOrder = [await byActor(), await byActor()];
  return shown;
});

// GraphiQL: runs a query and shows the answer.
if (VIEWS.has("graphiql")) {
  const { context, page } = await newPage(DESKTOP);
  const started = Date.now();
  await page.goto(`${base}/graphql?q=${encodeURIComponent("{ counties { code name } }")}`);
  await page.waitForSelector(".graphiql-execute-button", { timeout: 20000 });
  const loadMs = Date.now() - started;
  const metrics = await page.evaluate(() => {
    const resources = performance.getEntriesByType("resource");
    return { requests: 1 + resources.length, bytes: performance.getEntriesByType("navigation")[0].transferSize + resources.reduce((s, r) => s + r.transferSize, 0) };
  });
  await page.click(".graphiql-execute-button");
  await until(page, () => document.querySelector(".graphiql-response")?.textContent.includes("Stockholms"), null, "the answer");
  const answer = await page.evaluate(() => document.querySelector(".graphiql-response .CodeMirror")?.CodeMirror?.getValue() ?? document.querySelector(".graphiql-response").textContent);
  await page.screenshot({ path: `${outDir}/${label}-graphiql-desktop.png` });
  report.csp.push(...(await page.evaluate(() => window.__csp)));
  await context.close();
  report.graphiql = { answer, metrics: { loadMs, ...metrics } };
}

await browser.close();
process.stdout.write(JSON.stringify(report));
