// Render DOT (stdin) to SVG (stdout) with the vendored @viz-js/viz browser build, as pages do.
// Usage: node tests/viz_render.js path/to/viz-global-X.js < map.dot > map.svg
const fs = require("fs");
const vm = require("vm");
const ctx = { console, WebAssembly, URL, TextDecoder, TextEncoder, performance, setTimeout,
              require, __filename: __filename, location: undefined };
ctx.globalThis = ctx;
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), ctx);
const dot = fs.readFileSync(0, "utf8");
ctx.Viz.instance().then((viz) => {
  const result = viz.render(dot, { format: "svg" });
  if (result.status !== "success") {
    console.error(JSON.stringify(result.errors));
    process.exit(1);
  }
  process.stdout.write(result.output);
});
