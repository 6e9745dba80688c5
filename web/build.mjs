// Bundles the widget, the agent console and the warehouse pages into the backend's static
// folder: one script each (socket.io-client and Chart.js included, nothing fetched from a CDN
// at run time) and a stylesheet where the bundle has one.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../backend/web/static");

// The chat widget (embedded in shops' pages), the agent console (/agent), the warehouse's
// dock and inspection pages (/warehouse) and its dashboard (/warehouse/dashboard: the only
// bundle with Chart.js in it; it uses the warehouse stylesheet).
const BUNDLES = [
  { name: "boomerang-widget", script: "src/widget.js", style: "src/widget.css" },
  { name: "boomerang-console", script: "src/console/console.js", style: "src/console/console.css" },
  { name: "boomerang-warehouse", script: "src/warehouse/pages.js", style: "src/warehouse/warehouse.css" },
  { name: "boomerang-dashboard", script: "src/warehouse/dashboard.js" },
];

await mkdir(out, { recursive: true });
for (const bundle of BUNDLES) {
  await build({
    entryPoints: [resolve(here, bundle.script)],
    outfile: resolve(out, `${bundle.name}.js`),
    bundle: true,
    format: "iife",
    target: ["es2018"],
    minify: true,
    sourcemap: false,
    legalComments: "eof",
  });
  if (bundle.style) await copyFile(resolve(here, bundle.style), resolve(out, `${bundle.name}.css`));
}
console.log(`built ${BUNDLES.map((b) => (b.style ? `${b.name}.{js,css}` : `${b.name}.js`)).join(", ")} in ${out}`);
