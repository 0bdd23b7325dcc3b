// The dashboard's building blocks: the GraphQL client, Swedish number formats, DOM helpers and
// the charts (SVG drawn with d3's scales, axis and selections, vendored from npm at build time:
// a bar chart and the county tile map, each with a text alternative and its data as a table).
import { axisBottom, formatLocale, scaleBand, scaleLinear, scaleThreshold, select } from "/assets/vendor/d3-charts.min.js";

const QUERIES = JSON.parse(document.getElementById("queries").textContent);

export class ApiError extends Error {}

/** Runs one of the dashboard's documents (web/dashboard/queries/NAME.graphql) against /graphql. */
export async function query(name, variables = {}) {
  const document = QUERIES[name];
  if (!document) throw new ApiError(`Okänd fråga: ${name}`);
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json" },
    body: JSON.stringify({ query: document, variables }),
  });
  let payload;
  try {
    payload = await response.json();
  } catch {
    throw new ApiError(`API:t svarade ${response.status} utan JSON.`);
  }
  if (payload.errors?.length) throw new ApiError(payload.errors.map((e) => e.message).join("; "));
  if (!response.ok) throw new ApiError(`API:t svarade ${response.status}.`);
  return payload.data;
}

const INTEGER = new Intl.NumberFormat("sv-SE");
const PERCENT = new Intl.NumberFormat("sv-SE", { style: "percent", maximumFractionDigits: 1 });
export const number = (value) => INTEGER.format(value);
export const percent = (part, whole) => (whole ? PERCENT.format(part / whole) : "–");
export const share = (part, whole) => (whole ? part / whole : 0);

/** h("p", {class: "x"}, "text", child): an HTML element (the charts' SVG is d3's); attributes
 * starting with "on" are listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** A snippet from the API (HTML-escaped text, matches in <mark>) as DOM nodes, without innerHTML. */
export function snippet(html) {
  const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };
  const decode = (text) => text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity]);
  const nodes = [];
  let marked = false;
  for (const part of html.split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) nodes.push(marked ? h("mark", {}, decode(part)) : decode(part));
  }
  return nodes;
}

/** A table: columns are {label, value(row), numeric?, header?, sort?}; `header` makes the cell a
 * row header, `sort` ("ascending"/"descending") marks the column the rows are sorted by. */
export function table({ caption, columns, rows, id }) {
  return h(
    "div",
    { class: "scroll", role: "region", "aria-label": caption, tabindex: "0" },
    h(
      "table",
      { id },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : null, "aria-sort": c.sort ?? null }, c.label)))),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            {},
            columns.map((c) =>
              h(c.header ? "th" : "td", { scope: c.header ? "row" : null, class: c.numeric ? "num" : null }, c.value(row)),
            ),
          ),
        ),
      ),
    ),
  );
}

// d3's number format in Swedish, for axis ticks: "1 234" (a no-break space, as Intl's sv-SE).
const SV = formatLocale({ decimal: ",", thousands: "\u00a0", grouping: [3], currency: ["", " kr"], minus: "\u2212" });
const NS = "http://www.w3.org/2000/svg";

/**
 * A horizontal bar chart in SVG with a text alternative (its summary) and its data as a table.
 * rows: [{label, value}], in the order to draw. The band scale places the bars, the linear scale
 * sizes them, the axis below gives whole-number ticks with grid lines. Drawn at the width the
 * figure has (redrawn when that changes), so its text stays 13 px at 320 px as on a desktop.
 */
export function barChart({ title, rows, valueLabel = "Antal", id }) {
  const summary = rows.length
    ? `${title}: ${rows.map((r) => `${r.label} ${number(r.value)}`).join(", ")}.`
    : `${title}: inga uppgifter.`;
  const caption = h("figcaption", {}, title);
  const figure = h(
    "figure",
    { class: "chart", id },
    caption,
    h("details", {}, h("summary", {}, "Visa som tabell"),
      table({
        caption: title,
        columns: [
          { label: "Grupp", value: (r) => r.label, header: true },
          { label: valueLabel, value: (r) => number(r.value), numeric: true },
        ],
        rows,
      }),
    ),
  );
  let drawnAt = 0;
  const draw = (available) => {
    const width = Math.round(Math.max(MIN_CHART_WIDTH, Math.min(MAX_CHART_WIDTH, available)));
    if (width === drawnAt) return;
    drawnAt = width;
    const svg = bars(rows, width, summary);
    const old = figure.querySelector(":scope > svg");
    if (old) old.replaceWith(svg);
    else caption.after(svg);
  };
  draw(MAX_CHART_WIDTH);
  new ResizeObserver(([entry]) => draw(entry.contentRect.width)).observe(figure);
  return figure;
}

const MIN_CHART_WIDTH = 260;
const MAX_CHART_WIDTH = 600;

function bars(rows, width, summary) {
  const labelWidth = Math.round(width * 0.36);
  const right = width < 400 ? 46 : 60;
  const barHeight = 22;
  const gap = 8;
  const axisHeight = 24;
  const plotHeight = Math.max(1, rows.length) * (barHeight + gap) + gap;
  const height = plotHeight + axisHeight;
  const max = Math.max(1, ...rows.map((r) => r.value));
  // A tick label every 60 px or more, so "12 000" and its neighbours never touch.
  const tickCount = Math.min(Math.max(2, Math.floor((width - right - labelWidth) / 60)), 5, max);
  const x = scaleLinear().domain([0, max]).nice(tickCount).range([labelWidth, width - right]);
  const y = scaleBand().domain(rows.map((_, index) => index)).range([0, plotHeight]).paddingInner(gap / (barHeight + gap)).paddingOuter(gap / (barHeight + gap));
  const svg = select(document.createElementNS(NS, "svg"))
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "img")
    .attr("aria-label", summary)
    .attr("width", width)
    .attr("height", height);
  const ticks = x.ticks(tickCount).filter(Number.isInteger);
  svg
    .append("g")
    .attr("class", "axis")
    .attr("aria-hidden", "true")
    .attr("transform", `translate(0,${plotHeight})`)
    .call(axisBottom(x).tickValues(ticks).tickFormat(SV.format(",d")).tickSizeInner(-plotHeight).tickSizeOuter(0).tickPadding(6))
    .call((axis) => axis.attr("font-size", null).attr("font-family", null));
  const bar = svg
    .append("g")
    .selectAll("g")
    .data(rows)
    .join("g");
  const middle = (_, index) => y(index) + y.bandwidth() * 0.7;
  const characters = Math.floor((labelWidth - 8) / 8.5); // what fits of a label at 13 px
  bar
    .append("text")
    .attr("x", labelWidth - 8)
    .attr("y", middle)
    .attr("text-anchor", "end")
    .call((text) => text.append("title").text((row) => row.label))
    .append("tspan")
    .text((row) => truncate(row.label, characters));
  const barWidth = (row) => Math.max(row.value > 0 ? 2 : 0, x(row.value) - x(0));
  bar
    .append("rect")
    .attr("class", "bar")
    .attr("x", x(0))
    .attr("y", (_, index) => y(index))
    .attr("width", barWidth)
    .attr("height", y.bandwidth())
    .attr("data-value", (row) => row.value);
  bar
    .append("text")
    .attr("class", "value")
    .attr("x", (row) => x(0) + barWidth(row) + 6)
    .attr("y", middle)
    .text((row) => number(row.value));
  return svg.node();
}

function truncate(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

// Tile cartogram: one square per county, roughly where the county lies (column, row).
export const COUNTY_TILES = {
  25: [3, 0], 24: [2, 1], 23: [1, 2], 22: [2, 2], 20: [1, 3], 21: [2, 3],
  17: [0, 4], 18: [1, 4], 19: [2, 4], "03": [3, 4],
  14: [0, 5], "05": [1, 5], "04": [2, 5], "01": [3, 5],
  13: [0, 6], "06": [1, 6], "08": [2, 6], "09": [3, 6],
  12: [0, 7], "07": [1, 7], 10: [2, 7],
};
export const SHADES = [0.2, 0.4, 0.6, 0.8]; // class s0 below 20 %, …, s4 from 80 %
const shade = scaleThreshold().domain(SHADES).range(["s0", "s1", "s2", "s3", "s4"]);

export function shadeClass(value) {
  return shade(value);
}

/** The county map: `counties` are [{code, name, value (0–1), text}], each tile a link to the county. */
export function tileMap({ title, counties, href }) {
  const size = 74;
  const gap = 4;
  // Band scales over the grid's columns and rows place the tiles.
  const column = scaleBand().domain([0, 1, 2, 3]).range([0, 4 * (size + gap)]).paddingInner(gap / (size + gap));
  const row = scaleBand().domain([0, 1, 2, 3, 4, 5, 6, 7]).range([0, 8 * (size + gap)]).paddingInner(gap / (size + gap));
  const place = (county) => COUNTY_TILES[county.code] ?? [4, 0];
  const svg = select(document.createElementNS(NS, "svg"))
    .attr("viewBox", `0 0 ${4 * (size + gap)} ${8 * (size + gap)}`)
    .attr("role", "group")
    .attr("aria-label", title);
  svg.append("title").text(title);
  const tile = svg
    .selectAll("a")
    .data(counties)
    .join("a")
    .attr("href", href)
    .attr("aria-label", (county) => `${county.name}: ${county.text}`)
    .attr("data-county", (county) => county.code)
    .attr("transform", (county) => `translate(${column(place(county)[0]) ?? 4 * (size + gap)},${row(place(county)[1])})`);
  const dark = (county) => ["s3", "s4"].includes(shadeClass(county.value));
  tile
    .append("rect")
    .attr("width", column.bandwidth())
    .attr("height", row.bandwidth())
    .attr("rx", 4)
    .attr("class", (county) => shadeClass(county.value))
    .attr("stroke", "#555")
    .attr("stroke-width", 1);
  tile
    .append("text")
    .attr("x", 6)
    .attr("y", 20)
    .attr("class", (county) => `code${dark(county) ? " on-dark" : ""}`)
    .text(shortName);
  tile
    .append("text")
    .attr("x", 6)
    .attr("y", row.bandwidth() - 10)
    .attr("class", (county) => (dark(county) ? "on-dark" : null))
    .attr("data-share", (county) => county.code)
    .text((county) => county.text);
  const legend = h(
    "ul",
    { class: "legend", "aria-label": "Färgskala" },
    ["under 20 %", "20–40 %", "40–60 %", "60–80 %", "minst 80 %"].map((label, index) =>
      h("li", {}, h("span", { class: `swatch s${index}`, "aria-hidden": "true" }), label),
    ),
  );
  return h("div", { class: "map" }, svg.node(), legend);
}

// Names short enough for a tile; the full name is in the tile's label and in the table.
const SHORT_NAMES = {
  "01": "Stockholm", "03": "Uppsala", "04": "Sörmland", "05": "Östergötl.", "06": "Jönköping", "07": "Kronoberg",
  "08": "Kalmar", "09": "Gotland", 10: "Blekinge", 12: "Skåne", 13: "Halland", 14: "V. Götaland", 17: "Värmland",
  18: "Örebro", 19: "Västmanl.", 20: "Dalarna", 21: "Gävleborg", 22: "V-norrland", 23: "Jämtland", 24: "V-botten",
  25: "Norrbotten",
};

function shortName(county) {
  return SHORT_NAMES[county.code] ?? county.name.replace(/s? län$/, "");
}
