// Test-only helper: render ZPL files to PNG with zpl-renderer-js (zebrash,
// an independent ZPL engine compiled to WASM), offline.
//   node render.cjs JOBS
// JOBS holds one job a line: "IN.zpl OUT.png WIDTH_MM HEIGHT_MM DPMM".
// One node process renders every job, so the WASM start-up is paid once.
"use strict";
const fs = require("fs");
const path = require("path");

// The renderer's Go/WASM runtime wants globalThis.crypto (getRandomValues):
// Node.js 19 and later have it, Debian 12's Node.js 18 only under
// require("crypto").webcrypto.
if (!globalThis.crypto) globalThis.crypto = require("crypto").webcrypto;

async function main() {
  const jobs = process.argv[2];
  if (!jobs) {
    console.error("usage: node render.cjs JOBS");
    process.exit(64);
  }
  // Resolve the package from NODE_PATH or the folder npm installed into.
  const { ready } = require(require.resolve("zpl-renderer-js", {
    paths: [process.env.QC_ZPL_ORACLE_DIR || __dirname, __dirname],
  }));
  const { api } = await ready;
  let failed = 0;
  for (const line of fs.readFileSync(jobs, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const [inp, out, w, h, dpmm] = line.trim().split(/\s+/);
    try {
      const zpl = fs.readFileSync(inp, "utf8");
      const b64 = await api.zplToBase64Async(zpl, Number(w), Number(h), Number(dpmm));
      fs.writeFileSync(out, Buffer.from(b64, "base64"));
    } catch (e) {
      console.error(`${path.basename(inp)}: ${e && e.message ? e.message : e}`);
      failed++;
    }
  }
  process.exit(failed ? 1 : 0);
}
main();
