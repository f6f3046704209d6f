// Tests for notify.mjs with a fake S3 client. Run with `node --test examples/`.

import { describe, it } from "node:test";
import assert from "node:assert/strict";

import { handler, makeHandler } from "../lambda/notify.mjs";

class GetObjectCommand {
  constructor(input) {
    this.name = "GetObjectCommand";
    this.input = input;
  }
}

function fakeS3(objects) {
  const calls = [];
  return {
    calls,
    async send({ name, input }) {
      calls.push({ name, input });
      assert.equal(name, "GetObjectCommand");
      assert.equal(input.Bucket, "reports-bucket");
      const content = objects[input.Key];
      if (content === undefined) throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" });
      const bytes = new TextEncoder().encode(content);
      return { ContentLength: bytes.byteLength, Body: { transformToByteArray: async () => bytes } };
    },
  };
}

function build(s3) {
  const lines = [];
  const h = makeHandler({
    s3,
    commands: { GetObjectCommand },
    env: { REPORTS_BUCKET: "reports-bucket" },
    logger: { log: (l) => lines.push(l) },
  });
  return { lines, h };
}

describe("notify handler", () => {
  it("reads the object named in event.key and logs its size in bytes", async () => {
    const s3 = fakeS3({ "reports/2024-06-15.json": '{"note":"größe"}' });
    const { lines, h } = build(s3);

    const result = await h({ key: "reports/2024-06-15.json" });

    assert.deepEqual(s3.calls, [
      { name: "GetObjectCommand", input: { Bucket: "reports-bucket", Key: "reports/2024-06-15.json" } },
    ]);
    assert.deepEqual(result, { key: "reports/2024-06-15.json", size: 18 }); // "ö" and "ß" are 2 bytes each
    assert.deepEqual(JSON.parse(lines[0]), { message: "report received", bucket: "reports-bucket", ...result });
  });

  it("rejects events without a report key, without calling S3", async () => {
    const s3 = fakeS3({});
    const { h } = build(s3);
    for (const event of [undefined, {}, { key: 42 }, { key: "secrets/x.json" }, { key: "reports/" }]) {
      await assert.rejects(h(event), /event\.key/);
    }
    assert.equal(s3.calls.length, 0);
  });

  it("fails the invocation when the report is missing", async () => {
    const { h } = build(fakeS3({}));
    await assert.rejects(h({ key: "reports/2000-01-01.json" }), { name: "NoSuchKey" });
    assert.equal(typeof handler, "function");
  });
});
