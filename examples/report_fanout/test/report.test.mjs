// Tests for report.mjs with fake S3 and Lambda clients. Run with
// `node --test examples/` (no npm install).

import { describe, it } from "node:test";
import assert from "node:assert/strict";

import { COMMAND_NAMES, handler, makeHandler } from "../lambda/report.mjs";

const NOW = new Date("2024-06-15T23:59:30.000Z");
const ENV = { REPORTS_BUCKET: "reports-bucket", NOTIFY_FUNCTION: "report-notify" };

function fakeCommands() {
  return Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      class {
        constructor(input) {
          this.name = name;
          this.input = input;
        }
      },
    ]),
  );
}

/** One log of calls shared by both fake clients, so their order is visible. */
function fakeClients({ failPut = false } = {}) {
  const calls = [];
  const client = (service, respond) => ({
    async send({ name, input }) {
      calls.push({ service, name, input });
      return respond(name, input);
    },
  });
  const s3 = client("s3", (name, input) => {
    assert.equal(name, "PutObjectCommand");
    assert.equal(input.Bucket, ENV.REPORTS_BUCKET);
    assert.ok(input.Key.startsWith("reports/"), "s3:PutObject is only granted on reports/*");
    if (failPut) throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
    return { ETag: '"e"' };
  });
  const lambda = client("lambda", (name, input) => {
    assert.equal(name, "InvokeCommand");
    assert.equal(input.FunctionName, ENV.NOTIFY_FUNCTION);
    return { StatusCode: 202 };
  });
  return { s3, lambda, calls };
}

function build(clients, env = ENV) {
  const lines = [];
  const h = makeHandler({
    ...clients,
    commands: fakeCommands(),
    now: () => NOW,
    env,
    logger: { log: (l) => lines.push(l) },
  });
  return { lines, invoke: () => h({}, { awsRequestId: "req-1" }) };
}

describe("report handler", () => {
  it("writes reports/<date>.json, then notifies asynchronously with its key", async () => {
    const clients = fakeClients();
    const { lines, invoke } = build(clients);

    const result = await invoke();

    const [put, notify] = clients.calls;
    assert.equal(clients.calls.length, 2);
    assert.equal(put.name, "PutObjectCommand");
    assert.equal(put.input.Key, "reports/2024-06-15.json");
    assert.equal(put.input.ContentType, "application/json");
    assert.deepEqual(JSON.parse(put.input.Body), {
      date: "2024-06-15",
      generatedAt: NOW.toISOString(),
      requestId: "req-1",
    });

    assert.equal(notify.name, "InvokeCommand");
    assert.equal(notify.input.InvocationType, "Event");
    assert.deepEqual(JSON.parse(new TextDecoder().decode(notify.input.Payload)), { key: "reports/2024-06-15.json" });

    assert.equal(result.key, "reports/2024-06-15.json");
    assert.equal(JSON.parse(lines[0]).key, result.key);
  });

  it("does not notify when the report could not be written", async () => {
    const clients = fakeClients({ failPut: true });
    const { invoke } = build(clients);
    await assert.rejects(invoke(), { name: "AccessDenied" });
    assert.deepEqual(clients.calls.map((c) => c.name), ["PutObjectCommand"]);
  });

  it("fails when the asynchronous invoke is not accepted", async () => {
    const clients = fakeClients();
    clients.lambda.send = async () => ({ StatusCode: 200 });
    const { invoke } = build(clients);
    await assert.rejects(invoke(), /status 200/);
  });

  it("checks its configuration before doing anything", async () => {
    const clients = fakeClients();
    const { invoke } = build(clients, { REPORTS_BUCKET: "reports-bucket" });
    await assert.rejects(invoke(), /NOTIFY_FUNCTION/);
    assert.equal(clients.calls.length, 0);
    assert.throws(() => makeHandler({ s3: clients.s3, commands: fakeCommands() }), /lambda/);
    assert.equal(typeof handler, "function");
  });
});
