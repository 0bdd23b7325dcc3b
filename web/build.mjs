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
// d3-charts.min.js: the packages charts.mjs imports and what they import in turn (all ISC).
const D3 = ["d3-axis", "d3-format", "d3-scale", "d3-selection", "d3-array", "d3-color", "d3-interpolate", "d3-time", "d3-time-format", "internmap"];
const LICENSES = ["react", "react-dom", "graphiql", "@graphiql/plugin-explorer", ...D3];

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
  banner: { js: `/* ${D3.map((name) => `${name}@${version(name)}`).join(" ")}: ISC licence, see licenses/ beside this file */` },
  logLevel: "warning",
});
manifest["d3-charts.min.js"] = {
  package: D3.filter((name) => Object.keys(bundled.metafile.inputs).some((input) => input.includes(`node_modules/${name}/`))).map((name) => `${name}@${version(name)}`).join(" "),
  sha384: createHash("sha384").update(readFileSync(charts)).digest("base64"),
};
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
