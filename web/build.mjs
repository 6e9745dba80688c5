// Bundles the widget into the backend's static folder: one script (socket.io-client
// included, nothing fetched from a CDN at run time) and one stylesheet.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../backend/web/static");

await mkdir(out, { recursive: true });
await build({
  entryPoints: [resolve(here, "src/widget.js")],
  outfile: resolve(out, "boomerang-widget.js"),
  bundle: true,
  format: "iife",
  target: ["es2018"],
  minify: true,
  sourcemap: false,
  legalComments: "eof",
});
await copyFile(resolve(here, "src/widget.css"), resolve(out, "boomerang-widget.css"));
// The agent console (/agent): its own bundle and stylesheet.
await build({
  entryPoints: [resolve(here, "src/console/console.js")],
  outfile: resolve(out, "boomerang-console.js"),
  bundle: true,
  format: "iife",
  target: ["es2018"],
  minify: true,
  sourcemap: false,
  legalComments: "eof",
});
await copyFile(resolve(here, "src/console/console.css"), resolve(out, "boomerang-console.css"));
console.log(`built ${out}/boomerang-widget.{js,css} and boomerang-console.{js,css}`);
