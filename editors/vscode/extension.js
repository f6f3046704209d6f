// The drc extension: the .dr language's grammar and configuration are declared in
// package.json; this starts `drc lsp` for .dr files and connects VS Code to it.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("drc").get("path", "drc");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "drc",
    "drc language server",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "dr" }, { scheme: "untitled", language: "dr" }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
