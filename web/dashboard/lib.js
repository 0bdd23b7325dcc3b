// The dashboard's building blocks: the GraphQL client, Swedish number formats, DOM helpers and
// the charts (hand-written SVG: a bar chart and the county tile map, each with its data table).

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

/** h("p", {class: "x"}, "text", child): an element; attributes starting with "on" are listeners. */
export function h(tag, attributes = {}, ...children) {
  const svg = SVG_TAGS.has(tag) || tag.startsWith("svg:");
  const element = svg
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.replace(/^svg:/, ""))
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}
// Tags that exist in both HTML and SVG (a, title) are written "svg:a", "svg:title" for SVG.
const SVG_TAGS = new Set(["svg", "g", "rect", "text", "desc", "line", "tspan"]);

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

/**
 * A horizontal bar chart in SVG with a text alternative (its summary) and its data as a table.
 * rows: [{label, value}], in the order to draw.
 */
export function barChart({ title, rows, valueLabel = "Antal", id }) {
  const width = 600;
  const labelWidth = 215;
  const barHeight = 22;
  const gap = 8;
  const height = Math.max(1, rows.length) * (barHeight + gap) + gap;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const scale = (width - labelWidth - 60) / max;
  const summary = rows.length
    ? `${title}: ${rows.map((r) => `${r.label} ${number(r.value)}`).join(", ")}.`
    : `${title}: inga uppgifter.`;
  const svg = h(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": summary, width, height },
    rows.map((row, index) => {
      const y = gap + index * (barHeight + gap);
      const w = Math.max(row.value > 0 ? 2 : 0, row.value * scale);
      return h(
        "g",
        {},
        h("text", { x: labelWidth - 8, y: y + barHeight * 0.7, "text-anchor": "end" }, h("svg:title", {}, row.label), truncate(row.label, 28)),
        h("rect", { class: "bar", x: labelWidth, y, width: w, height: barHeight, "data-value": row.value }),
        h("text", { x: labelWidth + w + 6, y: y + barHeight * 0.7 }, number(row.value)),
      );
    }),
  );
  return h(
    "figure",
    { class: "chart", id },
    h("figcaption", {}, title),
    svg,
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

export function shadeClass(value) {
  return `s${SHADES.filter((limit) => value >= limit).length}`;
}

/** The county map: `counties` are [{code, name, value (0–1), text}], each tile a link to the county. */
export function tileMap({ title, counties, href }) {
  const size = 74;
  const gap = 4;
  const svg = h(
    "svg",
    { viewBox: `0 0 ${4 * (size + gap)} ${8 * (size + gap)}`, role: "group", "aria-label": title },
    h("svg:title", {}, title),
    counties.map((county) => {
      const [column, row] = COUNTY_TILES[county.code] ?? [4, 0];
      const x = column * (size + gap);
      const y = row * (size + gap);
      const shade = shadeClass(county.value);
      const dark = shade === "s3" || shade === "s4";
      return h(
        "svg:a",
        { href: href(county), "aria-label": `${county.name}: ${county.text}`, "data-county": county.code },
        h("rect", { x, y, width: size, height: size, rx: 4, class: shade, stroke: "#555", "stroke-width": 1 }),
        h("text", { x: x + 6, y: y + 20, class: `code${dark ? " on-dark" : ""}` }, shortName(county)),
        h("text", { x: x + 6, y: y + size - 10, class: dark ? "on-dark" : null, "data-share": county.code }, county.text),
      );
    }),
  );
  const legend = h(
    "ul",
    { class: "legend", "aria-label": "Färgskala" },
    ["under 20 %", "20–40 %", "40–60 %", "60–80 %", "minst 80 %"].map((label, index) =>
      h("li", {}, h("span", { class: `swatch s${index}`, "aria-hidden": "true" }), label),
    ),
  );
  return h("div", { class: "map" }, svg, legend);
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
