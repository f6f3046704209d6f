// Parses each Mermaid file given with mermaid's own parser (mermaid.parse), as GitHub's
// renderer would before drawing it; exits 1 on the first file that does not parse.
//
//   node parse.mjs graph.mmd...
import { JSDOM } from "jsdom";
import fs from "node:fs";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

for (const file of process.argv.slice(2)) {
  try {
    const { diagramType } = await mermaid.parse(fs.readFileSync(file, "utf8"));
    console.log(`${file}: ${diagramType}`);
  } catch (error) {
    console.error(`${file}: ${error.message}`);
    process.exit(1);
  }
}
