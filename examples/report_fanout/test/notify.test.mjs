// Tests for notify.mjs with fake S3 and SNS clients. Run with `node --test examples/`.

import { describe, it } from "node:test";
import assert from "node:assert/strict";

import { COMMAND_NAMES, handler, makeHandler } from "../lambda/notify.mjs";

const ENV = {
  REPORTS_BUCKET: "reports-bucket",
  REPORT_TOPIC: "arn:aws:sns:eu-west-1:123456789012:report-fanout-report_ready",
};

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
function fakeClients(objects, { failPublish = false } = {}) {
  const calls = [];
  const s3 = {
    async send({ name, input }) {
      calls.push({ service: "s3", name, input });
      assert.equal(name, "GetObjectCommand");
      assert.equal(input.Bucket, ENV.REPORTS_BUCKET);
      const content = objects[input.Key];
      if (content === undefined) throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" });
      const bytes = new TextEncoder().encode(content);
      return { ContentLength: bytes.byteLength, Body: { transformToByteArray: async () => bytes } };
    },
  };
  const sns = {
    async send({ name, input }) {
      calls.push({ service: "sns", name, input });
      assert.equal(name, "PublishCommand");
      assert.equal(input.TopicArn, ENV.REPORT_TOPIC, "sns:Publish is only granted on the report topic");
      if (failPublish) throw Object.assign(new Error("not authorized"), { name: "AuthorizationErrorException" });
      return { MessageId: "m-1" };
    },
  };
  return { s3, sns, calls };
}

function build(clients, env = ENV) {
  const lines = [];
  const h = makeHandler({ ...clients, commands: fakeCommands(), env, logger: { log: (l) => lines.push(l) } });
  return { lines, h };
}

describe("notify handler", () => {
  it("reads the report named in event.key and publishes it to the topic", async () => {
    const clients = fakeClients({ "reports/2024-06-15.json": '{"note":"größe"}' });
    const { lines, h } = build(clients);

    const result = await h({ key: "reports/2024-06-15.json" });

    const [get, publish] = clients.calls;
    assert.equal(clients.calls.length, 2);
    assert.deepEqual(get.input, { Bucket: "reports-bucket", Key: "reports/2024-06-15.json" });
    assert.equal(publish.name, "PublishCommand");
    assert.equal(publish.input.Subject, "Report reports/2024-06-15.json");
    assert.deepEqual(JSON.parse(publish.input.Message), {
      key: "reports/2024-06-15.json",
      report: { note: "größe" },
    });
    assert.deepEqual(result, { key: "reports/2024-06-15.json", size: 18, messageId: "m-1" }); // "ö" and "ß" are 2 bytes each
    assert.deepEqual(JSON.parse(lines[0]), {
      message: "report published",
      bucket: ENV.REPORTS_BUCKET,
      topic: ENV.REPORT_TOPIC,
      ...result,
    });
  });

  it("keeps the subject within SNS's 100 printable ASCII characters", async () => {
    const key = `reports/${"é".repeat(120)}.json`;
    const clients = fakeClients({ [key]: "{}" });
    const { h } = build(clients);
    await h({ key });
    const subject = clients.calls[1].input.Subject;
    assert.equal(subject.length, 100);
    assert.match(subject, /^[\x20-\x7e]+$/);
  });

  it("publishes nothing when the report is not JSON", async () => {
    const clients = fakeClients({ "reports/2024-06-15.json": "not json" });
    const { h } = build(clients);
    await assert.rejects(h({ key: "reports/2024-06-15.json" }), SyntaxError);
    assert.deepEqual(clients.calls.map((c) => c.name), ["GetObjectCommand"]);
  });

  it("fails the invocation when publishing fails", async () => {
    const clients = fakeClients({ "reports/2024-06-15.json": "{}" }, { failPublish: true });
    const { h } = build(clients);
    await assert.rejects(h({ key: "reports/2024-06-15.json" }), { name: "AuthorizationErrorException" });
  });

  it("rejects events without a report key, without calling S3", async () => {
    const clients = fakeClients({});
    const { h } = build(clients);
    for (const event of [undefined, {}, { key: 42 }, { key: "secrets/x.json" }, { key: "reports/" }]) {
      await assert.rejects(h(event), /event\.key/);
    }
    assert.equal(clients.calls.length, 0);
  });

  it("checks its configuration before doing anything", async () => {
    const clients = fakeClients({});
    const { h } = build(clients, { REPORTS_BUCKET: "reports-bucket" });
    await assert.rejects(h({ key: "reports/2024-06-15.json" }), /REPORT_TOPIC/);
    assert.equal(clients.calls.length, 0);
    assert.throws(() => makeHandler({ s3: clients.s3, commands: fakeCommands() }), /sns/);
  });

  it("fails the invocation when the report is missing", async () => {
    const { h } = build(fakeClients({}));
    await assert.rejects(h({ key: "reports/2000-01-01.json" }), { name: "NoSuchKey" });
    assert.equal(typeof handler, "function");
  });
});
