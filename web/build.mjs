// Bundles the widget and the agent console into the backend's static folder: one script
// each (socket.io-client included, nothing fetched from a CDN at run time) and a stylesheet.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../backend/web/static");

// The chat widget (embedded in shops' pages) and the agent console (/agent).
const BUNDLES = [
  { name: "boomerang-widget", script: "src/widget.js", style: "src/widget.css" },
  { name: "boomerang-console", script: "src/console/console.js", style: "src/console/console.css" },
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
  await copyFile(resolve(here, bundle.style), resolve(out, `${bundle.name}.css`));
}
console.log(`built ${BUNDLES.map((b) => `${b.name}.{js,css}`).join(" and ")} in ${out}`);
