// Copies the few browser files the app serves out of node_modules into dist/vendor, with their
// licences, so the app never serves node_modules itself and a page loads nothing from a CDN; and
// bundles the d3 modules the dashboard's charts use (charts.mjs) into one ES module with esbuild.
// Run by `make web` after `npm ci` (the lock file pins every version).
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const FILES = {
  "react.production.min.js": "react/umd/react.production.min.js",
  "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
  "graphiql.min.js": "graphiql/graphiql.min.js",
  "graphiql.min.css": "graphiql/graphiql.min.css",
  "plugin-explorer.umd.js": "@graphiql/plugin-explorer/dist/index.umd.js",
  "plugin-explorer.css": "@graphiql/plugin-explorer/dist/style.css",
};
const LICENSES = ["react", "react-dom", "graphiql", "@graphiql/plugin-explorer"];

const out = new URL("./dist/vendor/", import.meta.url);
rmSync(out, { recursive: true, force: true });
mkdirSync(new URL("licenses/", out), { recursive: true });
const manifest = {};
for (const [name, source] of Object.entries(FILES)) {
  const from = new URL(`./node_modules/${source}`, import.meta.url);
  copyFileSync(from, new URL(name, out));
  const pkg = JSON.parse(readFileSync(new URL(`./node_modules/${source.split("/").slice(0, source.startsWith("@") ? 2 : 1).join("/")}/package.json`, import.meta.url)));
  manifest[name] = {
    package: `${pkg.name}@${pkg.version}`,
    sha384: createHash("sha384").update(readFileSync(from)).digest("base64"),
  };
}
// d3-charts.min.js: what charts.mjs imports of d3, tree-shaken; the packages with code in the
// bundle (d3-time and d3-time-format are imported by d3-scale but shaken out) are named in its
// first line and in the manifest, and their licences (ISC) ship beside it.
const version = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version;
const charts = new URL("d3-charts.min.js", out);
const bundled = await build({
  entryPoints: [new URL("./charts.mjs", import.meta.url).pathname],
  outfile: charts.pathname,
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});
const packages = new Set();
for (const output of Object.values(bundled.metafile.outputs))
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs))
    if (bytesInOutput > 0 && input.includes("node_modules/")) packages.add(input.split("node_modules/")[1].split("/")[0]);
const d3 = [...packages].sort().map((name) => `${name}@${version(name)}`);
writeFileSync(charts, `/* ${d3.join(" ")}: ISC licence, see licenses/ beside this file */\n${readFileSync(charts, "utf8")}`);
manifest["d3-charts.min.js"] = { package: d3.join(" "), sha384: createHash("sha384").update(readFileSync(charts)).digest("base64") };
LICENSES.push(...[...packages].sort());
for (const name of LICENSES) {
  const pkg = new URL(`./node_modules/${name}/`, import.meta.url);
  const license = ["LICENSE", "LICENSE.md", "license"].map((f) => new URL(f, pkg));
  const target = new URL(`licenses/${name.replace("/", "__")}.txt`, out);
  const found = license.find((file) => {
    try {
      copyFileSync(file, target);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) {
    const { license: spdx, version } = JSON.parse(readFileSync(new URL("package.json", pkg)));
    writeFileSync(target, `${name}@${version}: ${spdx} (the package ships no licence file)\n`);
  }
}
writeFileSync(new URL("manifest.json", out), JSON.stringify(manifest, null, 2) + "\n");
console.log(`web: ${Object.keys(manifest).length} vendor files in dist/vendor`);
