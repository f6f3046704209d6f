// Tests for archive.mjs with a fake S3 that enforces the function's IAM policy.
// Run with `node --test examples/` (no npm install).

import { describe, it } from "node:test";
import assert from "node:assert/strict";

import { COMMAND_NAMES, handler, makeHandler } from "../lambda/archive.mjs";

const LOGS = "app-logs";
const ARCHIVE = "app-logs-archive";
const NOW = new Date("2024-06-15T04:00:00.000Z");
const DAY = 86_400_000;

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

function s3Error(name, status) {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function allowedByPolicy({ name, input }) {
  if (name === "ListObjectsV2Command") return input.Bucket === LOGS && input.Prefix?.startsWith("app/");
  if (name === "CopyObjectCommand") {
    return (
      input.Bucket === ARCHIVE &&
      input.Key.startsWith("archive/") &&
      input.CopySource.startsWith(`${LOGS}/app/`) &&
      input.TaggingDirective === "REPLACE" &&
      input.Tagging === undefined
    );
  }
  return false;
}

/** Fake S3: the logs bucket holds `objects`; `archived` is the archive bucket. */
function fakeS3(objects, { pageSize = 1000, archived = new Map(), fail = () => undefined } = {}) {
  const calls = [];
  const violations = [];
  const keys = objects.map((o) => o.Key).sort();
  const byKey = new Map(objects.map((o) => [o.Key, o]));

  async function send({ name, input }) {
    const call = { name, input: structuredClone(input) };
    calls.push(call);
    if (!allowedByPolicy(call)) {
      violations.push(call);
      throw s3Error("AccessDenied", 403);
    }
    const injected = fail(call);
    if (injected) throw injected;
    if (name === "ListObjectsV2Command") {
      const matching = keys.filter((k) => k.startsWith(input.Prefix));
      const start = Number(input.ContinuationToken ?? 0);
      const truncated = start + pageSize < matching.length;
      return {
        Contents: matching.slice(start, start + pageSize).map((k) => byKey.get(k)),
        IsTruncated: truncated,
        NextContinuationToken: truncated ? String(start + pageSize) : undefined,
      };
    }
    const sourceKey = input.CopySource.slice(LOGS.length + 1).split("/").map(decodeURIComponent).join("/");
    assert.ok(byKey.has(sourceKey), `no such source key ${sourceKey}`);
    if (input.IfNoneMatch === "*" && archived.has(input.Key)) throw s3Error("PreconditionFailed", 412);
    archived.set(input.Key, sourceKey);
    return { CopyObjectResult: { ETag: '"x"' } };
  }
  return { send, calls, violations, archived };
}

function run(objects, { env, ...s3Options } = {}) {
  const s3 = fakeS3(objects, s3Options);
  const lines = { log: [], error: [] };
  const logger = { log: (l) => lines.log.push(l), error: (l) => lines.error.push(l) };
  const h = makeHandler({
    s3,
    commands: fakeCommands(),
    now: () => NOW,
    env: env ?? { LOGS_BUCKET: LOGS, ARCHIVE_BUCKET: ARCHIVE },
    logger,
  });
  return { s3, lines, invoke: () => h({}, {}) };
}

const log = (key, ageDays, extra = {}) => ({
  Key: key,
  Size: 1000,
  LastModified: new Date(NOW - ageDays * DAY),
  StorageClass: "STANDARD",
  ...extra,
});

describe("log archive handler", () => {
  it("archives app/ objects older than 7 days to archive/<key>", async () => {
    const objects = [
      log("app/2024/06/01/web 1.log", 14),
      log("app/2024/06/07/web+2.log", 7.01),
      log("app/2024/06/09/web.log", 6.9),
      log("app/today.log", 0),
      log("other/old.log", 30), // outside the prefix: never listed
    ];
    const { s3, lines, invoke } = run(objects, { pageSize: 2 });

    const summary = await invoke();

    assert.deepEqual(Object.fromEntries(s3.archived), {
      "archive/app/2024/06/01/web 1.log": "app/2024/06/01/web 1.log",
      "archive/app/2024/06/07/web+2.log": "app/2024/06/07/web+2.log",
    });
    const copies = s3.calls.filter((c) => c.name === "CopyObjectCommand");
    assert.deepEqual(copies.map((c) => c.input.CopySource).sort(), [
      `${LOGS}/app/2024/06/01/web%201.log`,
      `${LOGS}/app/2024/06/07/web%2B2.log`,
    ]);
    for (const { input } of copies) {
      assert.equal(input.MetadataDirective, "COPY");
      assert.equal(input.TaggingDirective, "REPLACE");
      assert.equal(input.IfNoneMatch, "*");
    }
    const lists = s3.calls.filter((c) => c.name === "ListObjectsV2Command");
    assert.deepEqual(lists.map((c) => c.input.ContinuationToken), [undefined, "2"]);
    assert.ok(lists.every((c) => c.input.Prefix === "app/"));
    assert.equal(summary.archived, 2);
    assert.equal(summary.tooRecent, 2);
    assert.equal(summary.bytes, 2000);
    assert.deepEqual(JSON.parse(lines.log[0]), summary);
    assert.deepEqual(s3.violations, []);
  });

  it("is idempotent: objects already archived are not copied again", async () => {
    const objects = [log("app/a.log", 10), log("app/b.log", 10)];
    const archived = new Map([["archive/app/a.log", "app/a.log"]]);
    const { invoke } = run(objects, { archived });

    const summary = await invoke();

    assert.equal(summary.archived, 1);
    assert.equal(summary.alreadyArchived, 1);
    assert.equal(summary.failures, 0);
  });

  it("continues after a failure, then throws naming the failed keys", async () => {
    const objects = [
      log("app/a.log", 10),
      log("app/bad key.log", 10),
      log("app/huge.log", 10, { Size: 6 * 1024 ** 3 }),
      log("app/z.log", 10),
      log("app/frozen.log", 400, { StorageClass: "DEEP_ARCHIVE" }),
    ];
    const fail = ({ input }) => (input.Key === "archive/app/bad key.log" ? s3Error("InternalError", 500) : undefined);
    const { s3, lines, invoke } = run(objects, { fail });

    await assert.rejects(invoke(), (err) => {
      assert.match(err.message, /2 object\(s\) failed/);
      assert.match(err.message, /"app\/bad key\.log"/);
      assert.match(err.message, /"app\/huge\.log"/);
      return true;
    });
    assert.deepEqual([...s3.archived.keys()].sort(), ["archive/app/a.log", "archive/app/z.log"]);
    // The over-sized object is reported without a doomed CopyObject call.
    assert.ok(!s3.calls.some((c) => c.input.Key === "archive/app/huge.log"));
    const summary = JSON.parse(lines.log[0]);
    assert.equal(summary.skippedArchived, 1);
    assert.equal(summary.failures, 2);
    assert.equal(lines.error.length, 2);
    assert.deepEqual(s3.violations, []);
  });

  it("only sends ListObjectsV2 and CopyObject, and checks its configuration", async () => {
    const { s3, invoke } = run([log("app/x.log", 9)]);
    await invoke();
    assert.deepEqual([...new Set(s3.calls.map((c) => c.name))].sort(), ["CopyObjectCommand", "ListObjectsV2Command"]);

    const { s3: untouched, invoke: invokeBad } = run([], { env: { LOGS_BUCKET: LOGS } });
    await assert.rejects(invokeBad(), /ARCHIVE_BUCKET/);
    assert.equal(untouched.calls.length, 0);
    assert.equal(typeof handler, "function");
  });
});
