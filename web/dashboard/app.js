// The dashboard: views chosen by the address's fragment (#/, #/lan/14, #/polisregion/Väst,
// #/kommun/1471, #/sok?q=…, #/loften?…), each drawn from the public GraphQL API only.
import { ApiError, barChart, h, number, percent, query, share, snippet, table, tileMap } from "./lib.js";

const main = document.getElementById("innehall");
const ACTORS = { KOMMUN: "Kommunen", POLIS: "Polisen", TILLSAMMANS: "Tillsammans" };
const TYPES = { COMMITMENT: "Löfte", CITIZEN_PROMISE: "Medborgarlöfte", AGREEMENT: "Överenskommelse", FOLLOW_UP: "Uppföljning" };
const TYPE_OF = { Commitment: "COMMITMENT", CitizenPromise: "CITIZEN_PROMISE", Agreement: "AGREEMENT", FollowUp: "FOLLOW_UP" };
// A target's derived status (schema: TargetStatus), in the order a coordinator reads them.
const TARGET_STATUSES = [
  ["met", "Uppnått"],
  ["exceeded", "Överträffat"],
  ["missed", "Inte uppnått"],
  ["notComparable", "Inte jämförbart"],
  ["notReported", "Inte redovisat"],
];
const ASSESSMENTS = { FULFILLED: "Uppfyllt", PARTLY_FULFILLED: "Delvis uppfyllt", NOT_FULFILLED: "Inte uppfyllt", NOT_ASSESSED: "Inte bedömt" };
const SHARES = {
  withCitizenPromise: "med medborgarlöfte",
  withAgreement: "med samverkansöverenskommelse i kraft",
  withFollowUp: "med uppföljning",
};
const ORDERS = {
  NEWEST_FIRST: "Nyaste period först",
  OLDEST_FIRST: "Äldsta period först",
  MUNICIPALITY: "Kommun (kommunkod)",
  ACTOR: "Aktör",
  ACTOR_DESC: "Aktör, omvänd ordning",
};
// The orders a column header switches between, and which of them sort downwards.
const COLUMN_ORDERS = { period: ["NEWEST_FIRST", "OLDEST_FIRST"], actor: ["ACTOR", "ACTOR_DESC"], municipality: ["MUNICIPALITY"] };
const DESCENDING = new Set(["NEWEST_FIRST", "ACTOR_DESC"]);
const PAGE_SIZE = 25;

let reference; // counties, topics, years: loaded once

async function loadReference() {
  if (!reference) {
    const data = await query("reference");
    const thisYear = new Date().getFullYear();
    const years = data.years.map((y) => Number(y.group[0].key)).sort((a, b) => b - a);
    reference = {
      counties: data.counties,
      topics: data.topics,
      years,
      defaultYear: years.find((year) => year <= thisYear) ?? thisYear,
      regions: [...new Set(data.counties.map((c) => c.policeRegion?.name).filter(Boolean))].sort((a, b) => a.localeCompare(b, "sv")),
    };
  }
  return reference;
}

function route() {
  const [path, search = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(search) };
}

function link(path, params = {}) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined));
  return `#/${path}${search.size ? `?${search}` : ""}`;
}

function show(title, ...content) {
  document.title = `${title} – Samverkan`;
  main.replaceChildren(h("h1", {}, title), h("div", { class: "view" }, content));
}

function select(label, name, options, value) {
  const id = `f-${name}`;
  return h(
    "div",
    {},
    h("label", { for: id }, label),
    h("select", { id, name }, options.map(([key, text]) => h("option", { value: key, selected: String(key) === String(value ?? "") }, text))),
  );
}

function yearSelect(years, value) {
  return select("År", "ar", years.map((year) => [year, year]), value);
}

function countyOptions(counties, empty = "Alla län") {
  return [["", empty], ...counties.map((c) => [c.code, c.name])];
}

/** A form whose fields become the fragment's parameters when sent (never on mere change, so
 * moving through a select with the keyboard does not change the page under the user). */
function controls(path, fields, submit = "Visa") {
  const form = h("form", { class: "controls" }, fields, h("div", {}, h("button", { type: "submit" }, submit)));
  const apply = (event) => {
    event?.preventDefault();
    const params = {};
    for (const [name, value] of new FormData(form)) params[name] = params[name] ? `${params[name]},${value}` : value;
    location.hash = link(path, params);
  };
  form.addEventListener("submit", apply);
  return form;
}

// ---------------------------------------------------------------- Sverige
async function sverige(params) {
  const ref = await loadReference();
  const year = Number(params.get("ar")) || ref.defaultYear;
  const measure = SHARES[params.get("andel")] ? params.get("andel") : "withCitizenPromise";
  const { coverage } = await query("sverige", { year });
  const rows = coverage.map((c) => ({
    code: c.group[0].key,
    name: c.group[0].label,
    total: c.municipalities,
    count: c[measure],
    value: share(c[measure], c.municipalities),
    row: c,
  }));
  const totals = rows.reduce((sum, r) => ({ total: sum.total + r.total, count: sum.count + r.count }), { total: 0, count: 0 });
  rows.forEach((r) => (r.text = percent(r.count, r.total)));
  const title = `Andel kommuner ${SHARES[measure]}, ${year}`;
  show(
    "Sverige",
    h("p", { class: "lead" }, `${number(totals.count)} av ${number(totals.total)} kommuner (${percent(totals.count, totals.total)}) ${SHARES[measure]} ${year}. Välj ett län för detaljer.`),
    controls("", [
      select("Andel kommuner", "andel", Object.entries(SHARES), measure),
      yearSelect(ref.years, year),
    ]),
    h(
      "div",
      { class: "split" },
      h("section", { "aria-labelledby": "karta" }, h("h2", { id: "karta" }, title), tileMap({ title: `Karta: ${title}`, counties: rows, href: (c) => link(`lan/${c.code}`, { ar: year }) })),
      h(
        "section",
        { "aria-labelledby": "lan-tabell" },
        h("h2", { id: "lan-tabell" }, "Länen i siffror"),
        table({
          id: "coverage-table",
          caption: `Kommuner per län ${year}; andel ${SHARES[measure]}`,
          columns: [
            { label: "Län", value: (r) => h("a", { href: link(`lan/${r.code}`, { ar: year }) }, r.name), header: true },
            { label: "Kommuner", value: (r) => number(r.total), numeric: true },
            { label: "med löfte", value: (r) => number(r.row.withCitizenPromise), numeric: true },
            { label: "med överens­kommelse", value: (r) => number(r.row.withAgreement), numeric: true },
            { label: "med uppföljning", value: (r) => number(r.row.withFollowUp), numeric: true },
            { label: "Andel", value: (r) => r.text, numeric: true },
          ],
          rows,
        }),
      ),
    ),
    h("h2", {}, "Polisregioner"),
    h("ul", {}, ref.regions.map((name) => h("li", {}, h("a", { href: link(`polisregion/${encodeURIComponent(name)}`, { ar: year }) }, name)))),
  );
}

// ---------------------------------------------------------------- county / police region
async function region(kind, key, params) {
  const ref = await loadReference();
  const year = Number(params.get("ar")) || ref.defaultYear;
  const county = kind === "lan" ? ref.counties.find((c) => c.code === key) : null;
  if (kind === "lan" && !county) return notFound(`Det finns inget län med koden ${key}.`);
  if (kind === "polisregion" && !ref.regions.includes(key)) return notFound(`Det finns ingen polisregion som heter ${key}.`);
  const filter = county ? { countyCode: key } : { policeRegion: key };
  const data = await query("region", { filter, year, ...filter });
  const place = county ? county.name : `polisregion ${key}`;
  const name = county ? county.name : `Polisregion ${key}`;
  const byActor = data.byActor.map((s) => ({ label: ACTORS[s.group[0].key] ?? s.group[0].label, value: s.commitments, followedUp: s.followedUp }));
  const byYear = data.byYear.map((s) => ({ label: s.group[0].key, value: s.commitments, promises: s.citizenPromises, municipalities: s.municipalities })).sort((a, b) => a.label.localeCompare(b.label));
  const byTopic = data.byTopic.map((s) => ({ label: s.group[0].label, value: s.commitments })).sort((a, b) => b.value - a.value);
  const total = byActor.reduce((sum, r) => sum + r.value, 0);
  const counties = county ? [] : ref.counties.filter((c) => c.policeRegion?.name === key);
  show(
    name,
    h("p", { class: "crumbs" }, h("a", { href: link("", { ar: year }) }, "Sverige"), county?.policeRegion ? [" › ", h("a", { href: link(`polisregion/${encodeURIComponent(county.policeRegion.name)}`, { ar: year }) }, `Polisregion ${county.policeRegion.name}`)] : null),
    h("p", { class: "lead" }, `${number(total)} löften i publicerade medborgarlöften. `, h("a", { href: link("loften", filter.countyCode ? { lan: key } : { region: key }) }, "Visa alla löften")),
    counties.length ? h("p", {}, "Län i regionen: ", counties.map((c, i) => [i ? ", " : "", h("a", { href: link(`lan/${c.code}`, { ar: year }) }, c.name)])) : null,
    h("div", { class: "charts" },
      barChart({ id: "chart-actor", title: "Löften per aktör", rows: byActor }),
      barChart({ id: "chart-year", title: "Löften per år", rows: byYear }),
      barChart({ id: "chart-topic", title: "Löften per ämne", rows: byTopic }),
    ),
    controls(kind === "lan" ? `lan/${key}` : `polisregion/${encodeURIComponent(key)}`, [yearSelect(ref.years, year)]),
    targetsAndResults(data.targets, place, year),
    h("h2", {}, `Kommunerna ${year}`),
    table({
      id: "municipality-table",
      caption: `Kommuner i ${name} ${year}`,
      columns: [
        { label: "Kommun", value: (c) => h("a", { href: link(`kommun/${c.group[0].key}`, { ar: year }) }, c.group[0].label), header: true },
        { label: "Överenskommelse i kraft", value: (c) => (c.withAgreement ? "Ja" : "Nej") },
        { label: "Medborgarlöfte", value: (c) => (c.withCitizenPromise ? "Ja" : "Nej") },
        { label: "Uppföljning", value: (c) => (c.withFollowUp ? "Ja" : "Nej") },
      ],
      rows: data.coverage,
    }),
  );
}

const quantity = (value) => (value === null || value === undefined ? "–" : number(value));

/** "a, b och c" */
function listed(items) {
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} och ${items.at(-1)}` : items.join("");
}

/** Targets promised against results reported in the region in the year: `groups` are
 * targetStatistics by what is counted (each target in one group; a group may hold only results
 * that report on no target). A summary sentence, a chart of the targets per derived status with
 * its table, and per thing counted the targets, the quantities promised and reported and the
 * statuses. Without targets, a sentence says so (and what the follow-ups reported anyway). */
function targetsAndResults(groups, place, year) {
  const sum = (field) => groups.reduce((total, g) => total + g[field], 0);
  const targets = sum("targets");
  const heading = h("h2", { id: "mal-rubrik" }, `Mål och resultat ${year}`);
  const reportedOnly = groups.filter((g) => g.targets === 0 && g.reportedQuantity !== null);
  const reportedAnyway = reportedOnly.length
    ? ` Uppföljningarna redovisar ändå ${listed(reportedOnly.map((g) => `${quantity(g.reportedQuantity)} ${g.group[0].label}`))}.`
    : "";
  if (!targets) {
    return h("section", { id: "targets", "aria-labelledby": "mal-rubrik" }, heading,
      h("p", { id: "targets-summary" }, `Det finns inga mätbara mål i publicerade medborgarlöften i ${place} ${year}.${reportedAnyway}`));
  }
  const [met, exceeded, missed, notComparable, notReported] = TARGET_STATUSES.map(([field]) => sum(field));
  return h(
    "section",
    { id: "targets", "aria-labelledby": "mal-rubrik" },
    heading,
    h("p", { id: "targets-summary" },
      `${number(targets)} mätbara mål i publicerade medborgarlöften i ${place} ${year}: ${number(met + exceeded)} uppnådda`,
      ` (varav ${number(exceeded)} överträffade), ${number(missed)} inte uppnådda, ${number(notComparable)} inte jämförbara`,
      ` och ${number(notReported)} inte redovisade i årets uppföljning.`),
    h("div", { class: "charts" },
      barChart({ id: "chart-targets", title: `Mål per status ${year}`, valueLabel: "Mål", rows: TARGET_STATUSES.map(([field, label]) => ({ label, value: sum(field) })) }),
    ),
    table({
      id: "targets-table",
      caption: `Utlovat och redovisat per vad som räknas, ${place} ${year}`,
      columns: [
        { label: "Vad som räknas", value: (g) => g.group[0].label, header: true },
        { label: "Mål", value: (g) => number(g.targets), numeric: true },
        { label: "Utlovat antal", value: (g) => quantity(g.promisedQuantity), numeric: true },
        { label: "Redovisat antal", value: (g) => quantity(g.reportedQuantity), numeric: true },
        ...TARGET_STATUSES.map(([field, label]) => ({ label, value: (g) => number(g[field]), numeric: true })),
      ],
      rows: groups,
    }),
    h("p", { class: "note" }, "Antalen summeras per vad som räknas, oavsett intervall (per år, termin eller vecka). Redovisat antal omfattar också resultat som inte hör till något mål. Status jämför varje mål med de resultat som årets uppföljning redovisar för det; ”inte jämförbart” när ett antal saknas, något annat räknas eller intervallen skiljer sig."),
  );
}

// ---------------------------------------------------------------- municipality
async function municipality(code, params) {
  const ref = await loadReference();
  const year = Number(params.get("ar")) || ref.defaultYear;
  const today = new Date().toISOString().slice(0, 10);
  const { municipality: m } = await query("municipality", { code, today, year });
  if (!m) return notFound(`Det finns ingen kommun med kommunkoden ${code}.`);
  const followUps = m.allPromises.flatMap((p) => p.followUps).sort((a, b) => b.year - a.year);
  const latest = m.citizenPromises.flatMap((p) => p.followUps).sort((a, b) => b.year - a.year)[0];
  const latestAny = latest ?? null;
  const sources = [
    ...m.agreements.map((a) => [a.title, a.sourceUrl]),
    ...m.allPromises.map((p) => [p.title, p.sourceUrl]),
    ...followUps.map((f) => [f.title, f.sourceUrl]),
  ].filter(([, url]) => url);
  const seen = new Set();
  show(
    m.name,
    h("p", { class: "crumbs" }, h("a", { href: link("", { ar: year }) }, "Sverige"), " › ", h("a", { href: link(`lan/${m.county.code}`, { ar: year }) }, m.county.name)),
    h("dl", { class: "facts" },
      h("dt", {}, "Kommunkod"), h("dd", {}, m.code),
      h("dt", {}, "Län"), h("dd", {}, m.county.name),
      h("dt", {}, "Lokalpolisområde"), h("dd", {}, m.localPoliceArea?.name ?? "–"),
    ),
    h("h2", {}, "Samverkansöverenskommelse i kraft"),
    m.agreements.length
      ? m.agreements.map((a) => h("div", {}, h("h3", {}, a.title), h("p", {}, `Period: ${a.period?.label ?? "inte angiven"}`, a.signedOn ? `, undertecknad ${a.signedOn}` : "", `. Parter: ${a.parties.map((p) => p.name).join(", ")}.`)))
      : h("p", {}, `Ingen publicerad överenskommelse är i kraft i dag (${today}).`),
    h("h2", {}, `Medborgarlöften ${year}`),
    controls(`kommun/${m.code}`, [yearSelect(ref.years, year)]),
    m.citizenPromises.length
      ? m.citizenPromises.map((p) => [
          h("h3", {}, `${p.title} (${p.period.label})`),
          Object.entries(ACTORS).map(([actor, label]) => {
            const items = p.commitments.filter((c) => c.actor === actor);
            return items.length ? h("section", { class: "actor-group", "data-actor": actor }, h("h4", {}, `${label} lovar (${number(items.length)})`), h("ul", {}, items.map((c) => h("li", {}, c.text)))) : null;
          }),
        ])
      : h("p", {}, `Inget publicerat medborgarlöfte för ${year}.`),
    h("h2", {}, "Senaste uppföljning"),
    latestAny
      ? [
          h("p", {}, `${latestAny.title} (${latestAny.year})`),
          table({
            id: "assessment-table",
            caption: `Bedömningar i ${latestAny.title}`,
            columns: [
              { label: "Bedömning", value: (e) => h("span", { class: "assessment" }, ASSESSMENTS[e.assessment] ?? e.assessment), header: true },
              { label: "Redovisning", value: (e) => e.narrative },
            ],
            rows: latestAny.entries,
          }),
        ]
      : h("p", {}, followUps.length ? `Ingen uppföljning av ${year} års löften; den senaste är ${followUps[0].title} (${followUps[0].year}).` : "Ingen publicerad uppföljning."),
    h("h2", {}, "Kontakter"),
    m.contacts.length
      ? h("ul", {}, m.contacts.map((c) => h("li", {}, h("strong", {}, c.name), `, ${c.role}`, c.organisation ? `, ${c.organisation.name}` : "", c.email ? [" – ", h("a", { href: `mailto:${c.email}` }, c.email)] : "", c.phone ? [" – ", h("a", { href: `tel:${c.phone.replace(/[^+\d]/g, "")}` }, c.phone)] : "")))
      : h("p", {}, "Inga kontakter publicerade."),
    h("h2", {}, "Källor"),
    sources.length
      ? h("ul", {}, sources.filter(([, url]) => !seen.has(url) && seen.add(url)).map(([title, url]) => h("li", {}, h("a", { href: url, rel: "external noopener" }, title))))
      : h("p", {}, "Inga källsidor angivna."),
    h("p", {}, h("a", { href: link("loften", { kommun: m.code }) }, `Alla löften i ${m.name}`)),
  );
}

// ---------------------------------------------------------------- search
async function search(params) {
  const ref = await loadReference();
  const q = params.get("q") ?? "";
  const county = params.get("lan") ?? "";
  const types = (params.get("typ") ?? "").split(",").filter((t) => TYPES[t]);
  const form = controls("sok", [
    h("div", {}, h("label", { for: "f-q" }, "Sökord"), h("input", { id: "f-q", name: "q", type: "search", value: q, autocomplete: "off" })),
    select("Län", "lan", countyOptions(ref.counties), county),
    h("fieldset", {}, h("legend", {}, "Typ"), Object.entries(TYPES).map(([key, label]) =>
      h("label", {}, h("input", { type: "checkbox", name: "typ", value: key, checked: types.includes(key) }), label))),
  ], "Sök");
  form.setAttribute("role", "search");
  const results = h("div", { id: "search-results", "aria-live": "polite" });
  show("Sök", h("p", { class: "lead" }, "Sök bland publicerade överenskommelser, medborgarlöften, löften och uppföljningar. Böjningar och sammansättningar hittas: ”narkotika” hittar ”narkotikabrott”."), form, results);
  if (!q.trim()) return;
  const filter = { ...(county ? { countyCode: county } : {}), ...(types.length ? { types } : {}) };
  const { search: found } = await query("search", { query: q, filter });
  const place = (hit) => {
    const list = hit.municipalities ?? [hit.municipality ?? hit.citizenPromise?.municipality].filter(Boolean);
    return list.map((m, i) => [i ? ", " : "", h("a", { href: link(`kommun/${m.code}`) }, m.name)]);
  };
  const item = ({ node }) =>
    h("li", { "data-type": node.hit.__typename },
      h("span", { class: "type" }, TYPES[TYPE_OF[node.hit.__typename]]),
      h("strong", {}, node.hit.title ?? node.hit.citizenPromise?.title ?? ""),
      " – ", place(node.hit),
      h("p", { class: "snippet" }, snippet(node.snippet)),
    );
  const list = h("ol", { class: "results" }, found.edges.map(item));
  const more = h("p", {});
  // Further hits are appended below (the cursor of the last one shown), focus staying put.
  const showMore = (pageInfo) => {
    more.replaceChildren(
      pageInfo.hasNextPage
        ? h("button", {
            type: "button",
            id: "more-results",
            async onclick(event) {
              event.currentTarget.disabled = true;
              const { search: next } = await query("search", { query: q, filter, after: pageInfo.endCursor });
              list.append(...next.edges.map(item));
              showMore(next.pageInfo);
              more.querySelector("button")?.focus();
            },
          }, "Visa fler träffar")
        : "",
    );
  };
  showMore(found.pageInfo);
  results.replaceChildren(h("h2", {}, `${number(found.totalCount)} träffar på ”${q}”`), list, more);
}

// ---------------------------------------------------------------- commitments table
const cursorHistory = new Map(); // filter key → cursors of the pages before

function commitmentFilter(params) {
  const filter = {};
  if (params.get("lan")) filter.countyCode = params.get("lan");
  if (params.get("region")) filter.policeRegion = params.get("region");
  if (params.get("kommun")) filter.municipalityCode = params.get("kommun");
  if (ACTORS[params.get("aktor")]) filter.actor = params.get("aktor");
  if (Number(params.get("ar"))) filter.year = Number(params.get("ar"));
  if (params.get("amne")) filter.topic = params.get("amne");
  return filter;
}

export function exportUrl(filter, orderBy) {
  const search = new URLSearchParams({ ...filter, orderBy });
  return `/export/commitments.csv?${search}`;
}

async function commitments(params) {
  const ref = await loadReference();
  const filter = commitmentFilter(params);
  const orderBy = ORDERS[params.get("ordning")] ? params.get("ordning") : "NEWEST_FIRST";
  const page = Math.max(1, Number(params.get("sida")) || 1);
  const key = JSON.stringify([filter, orderBy]);
  const cursors = cursorHistory.get(key) ?? [null];
  cursorHistory.set(key, cursors);
  const after = page > 1 ? cursors[page - 1] : null;
  if (page > 1 && after === undefined) {
    location.replace(link("loften", Object.fromEntries([...params].filter(([k]) => k !== "sida"))));
    return;
  }
  const { commitments: result } = await query("commitments", { filter, orderBy, first: PAGE_SIZE, after });
  if (result.pageInfo.hasNextPage) cursors[page] = result.pageInfo.endCursor;
  const base = Object.fromEntries([...params].filter(([k]) => k !== "sida"));
  // Column headers sort too: a link to the same list in that column's order (period: newest
  // first, actor: by its name), again for the other direction. aria-sort on the header says how the
  // rows are sorted now.
  const sortHeader = (label, column) => {
    const orders = COLUMN_ORDERS[column];
    const active = orders.includes(orderBy);
    const next = active ? (orders[orders.indexOf(orderBy) + 1] ?? orders[0]) : orders[0];
    const arrow = active ? (DESCENDING.has(orderBy) ? " ▼" : " ▲") : "";
    return h("a", { href: link("loften", { ...base, ordning: next }), title: `Sortera efter ${label.toLowerCase()}` }, label, h("span", { "aria-hidden": "true" }, arrow));
  };
  const sorted = (column) => (COLUMN_ORDERS[column].includes(orderBy) ? (DESCENDING.has(orderBy) ? "descending" : "ascending") : null);
  const first = (page - 1) * PAGE_SIZE + 1;
  const last = first + result.edges.length - 1;
  show(
    "Alla löften",
    h("p", { class: "lead" }, "Varje löfte i publicerade medborgarlöften. Filtrera och sortera; nedladdningen innehåller exakt de filtrerade raderna i samma ordning."),
    controls("loften", [
      select("Län", "lan", countyOptions(ref.counties), filter.countyCode),
      filter.policeRegion ? h("input", { type: "hidden", name: "region", value: filter.policeRegion }) : null,
      filter.municipalityCode ? h("input", { type: "hidden", name: "kommun", value: filter.municipalityCode }) : null,
      select("Aktör", "aktor", [["", "Alla aktörer"], ...Object.entries(ACTORS)], filter.actor),
      select("År", "ar", [["", "Alla år"], ...ref.years.map((y) => [y, y])], filter.year),
      select("Ämne", "amne", [["", "Alla ämnen"], ...ref.topics.map((t) => [t.key, t.label])], filter.topic),
      select("Sortering", "ordning", Object.entries(ORDERS), orderBy),
    ]),
    h("p", {}, filter.policeRegion ? `Polisregion ${filter.policeRegion}. ` : "", filter.municipalityCode ? `Kommun ${filter.municipalityCode}. ` : "",
      h("a", { class: "button", id: "csv-download", href: exportUrl(filter, orderBy), download: "" }, `Ladda ned ${number(result.totalCount)} rader som CSV`)),
    h("p", { role: "status", id: "commitment-count" }, result.totalCount ? `Visar ${number(first)}–${number(last)} av ${number(result.totalCount)} löften.` : "Inga löften matchar filtret."),
    table({
      id: "commitments-table",
      caption: `Löften, sida ${page}`,
      columns: [
        {
          label: sortHeader("Kommun", "municipality"),
          value: (n) => h("a", { href: link(`kommun/${n.citizenPromise.municipality.code}`) }, n.citizenPromise.municipality.name),
          header: true,
          sort: sorted("municipality"),
        },
        { label: sortHeader("Period", "period"), value: (n) => n.citizenPromise.period.label, sort: sorted("period") },
        { label: sortHeader("Aktör", "actor"), value: (n) => ACTORS[n.actor] ?? n.actor, sort: sorted("actor") },
        { label: "Löfte", value: (n) => n.text },
        { label: "Ämnen", value: (n) => n.topics.map((t) => ref.topics.find((x) => x.key === t)?.label ?? t).join(", ") },
      ],
      rows: result.edges.map((e) => ({ ...e.node, toString: () => e.node.id })),
    }),
    h("nav", { class: "pager", "aria-label": "Sidor" },
      page > 1 ? h("a", { href: link("loften", { ...base, sida: page - 1 }), rel: "prev" }, "← Föregående sida") : null,
      h("span", {}, `Sida ${number(page)} av ${number(Math.max(1, Math.ceil(result.totalCount / PAGE_SIZE)))}`),
      result.pageInfo.hasNextPage ? h("a", { href: link("loften", { ...base, sida: page + 1 }), rel: "next" }, "Nästa sida →") : null,
    ),
  );
}

function notFound(message) {
  show("Hittades inte", h("p", {}, message), h("p", {}, h("a", { href: "#/" }, "Till Sverige")));
}

async function render() {
  const { parts, params } = route();
  const view = parts[0] ?? "sverige";
  for (const a of document.querySelectorAll("nav a[data-view]")) {
    if (a.dataset.view === view) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  main.setAttribute("aria-busy", "true");
  try {
    if (view === "sverige") await sverige(params);
    else if ((view === "lan" || view === "polisregion") && parts[1]) await region(view, parts[1], params);
    else if (view === "kommun" && parts[1]) await municipality(parts[1], params);
    else if (view === "sok") await search(params);
    else if (view === "loften") await commitments(params);
    else notFound("Sidan finns inte.");
  } catch (error) {
    show("Något gick fel", h("p", { class: "error", role: "alert" }, error instanceof ApiError ? error.message : `Sidan kunde inte visas: ${error.message}`));
  } finally {
    main.removeAttribute("aria-busy");
    main.dataset.view = view;
    main.dataset.ready = String(Date.now());
  }
}

// The skip link moves focus to the content without touching the fragment, which holds the view.
document.querySelector("a.skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

let firstRender = true;
window.addEventListener("hashchange", async () => {
  await render();
  main.querySelector("h1")?.setAttribute("tabindex", "-1");
  if (!firstRender) main.querySelector("h1")?.focus();
});
render().then(() => (firstRender = false));
