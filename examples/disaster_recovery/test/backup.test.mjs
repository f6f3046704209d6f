// Tests for backup.mjs against an in-memory fake S3 that also enforces the
// function's IAM policy. Run with `node --test examples/` (no npm install).

import { describe, it } from "node:test";
import assert from "node:assert/strict";

import {
  COMMAND_NAMES,
  MAX_SINGLE_COPY_BYTES,
  PART_SIZE_BYTES,
  copySource,
  handler,
  makeHandler,
  partRanges,
} from "../lambda/backup.mjs";

const SRC = "prod-data";
const DST = "prod-data-backup";
const NOW = new Date("2024-03-10T02:30:00.000Z");
const HOUR = 3_600_000;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Command classes that only record their name and input. */
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

function s3Error(name, status, message = name) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/** What the function's role allows; anything else is AccessDenied. */
function allowedByPolicy({ name, input }) {
  const fromSource = typeof input.CopySource === "string" && input.CopySource.startsWith(`${SRC}/`);
  const toDaily = input.Bucket === DST && typeof input.Key === "string" && input.Key.startsWith("daily/");
  switch (name) {
    case "ListObjectsV2Command":
      return input.Bucket === SRC;
    case "CopyObjectCommand":
      // REPLACE with no Tagging needs no tagging permissions; COPY would.
      return fromSource && toDaily && input.TaggingDirective === "REPLACE" && input.Tagging === undefined;
    case "UploadPartCopyCommand":
      return fromSource && toDaily;
    case "CreateMultipartUploadCommand":
    case "CompleteMultipartUploadCommand":
      return toDaily;
    default:
      return false;
  }
}

/**
 * In-memory S3 holding the source bucket's objects. Records every command as
 * `{ name, input }`, decodes CopySource the way S3 does, and checks that
 * multipart copies cover their source exactly.
 */
function fakeS3(objects, { pageSize = 1000, fail = () => undefined } = {}) {
  const source = new Map(
    objects.map((o) => [o.Key, { ETag: `"etag-${o.Key}"`, StorageClass: "STANDARD", ...o }]),
  );
  const sortedKeys = [...source.keys()].sort();
  const calls = [];
  const violations = [];
  const backup = new Map(); // destination key -> { from, size }
  const uploads = new Map();
  let nextUploadId = 1;

  function resolveCopySource(value) {
    const [bucket, ...segments] = value.split("/");
    assert.equal(bucket, SRC);
    const key = segments.map(decodeURIComponent).join("/");
    const object = source.get(key);
    if (!object) throw s3Error("NoSuchKey", 404, `no such source key ${key}`);
    return object;
  }

  async function send(command) {
    const call = { name: command.name, input: structuredClone(command.input) };
    calls.push(call);
    if (!allowedByPolicy(call)) {
      violations.push(call);
      throw s3Error("AccessDenied", 403);
    }
    const injected = fail(call);
    if (injected) throw injected;
    const { input } = call;

    switch (call.name) {
      case "ListObjectsV2Command": {
        const start = input.ContinuationToken ? Number(input.ContinuationToken.replace("token-", "")) : 0;
        const keys = sortedKeys.slice(start, start + pageSize);
        const truncated = start + pageSize < sortedKeys.length;
        return {
          Contents: keys.map((k) => {
            const o = source.get(k);
            return { Key: k, Size: o.Size, LastModified: o.LastModified, ETag: o.ETag, StorageClass: o.StorageClass };
          }),
          KeyCount: keys.length,
          IsTruncated: truncated,
          NextContinuationToken: truncated ? `token-${start + pageSize}` : undefined,
        };
      }
      case "CopyObjectCommand": {
        const object = resolveCopySource(input.CopySource);
        if (object.Size > MAX_SINGLE_COPY_BYTES) throw s3Error("InvalidRequest", 400, "copy source too large");
        backup.set(input.Key, { from: object.Key, size: object.Size });
        return { CopyObjectResult: { ETag: object.ETag } };
      }
      case "CreateMultipartUploadCommand": {
        const uploadId = `upload-${nextUploadId++}`;
        uploads.set(uploadId, { key: input.Key, parts: new Map() });
        return { UploadId: uploadId };
      }
      case "UploadPartCopyCommand": {
        const upload = uploads.get(input.UploadId);
        assert.ok(upload, "unknown upload id");
        assert.equal(input.Key, upload.key);
        const object = resolveCopySource(input.CopySource);
        if (input.CopySourceIfMatch !== object.ETag) throw s3Error("PreconditionFailed", 412);
        const match = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange);
        assert.ok(match, `bad range ${input.CopySourceRange}`);
        const [start, end] = [Number(match[1]), Number(match[2])];
        assert.ok(start <= end && end < object.Size, `range out of bounds: ${input.CopySourceRange}`);
        const etag = `"part-${input.PartNumber}"`;
        upload.parts.set(input.PartNumber, { start, end, etag, from: object.Key, size: object.Size });
        return { CopyPartResult: { ETag: etag } };
      }
      case "CompleteMultipartUploadCommand": {
        const upload = uploads.get(input.UploadId);
        assert.ok(upload, "unknown upload id");
        const listed = input.MultipartUpload.Parts;
        let expectedStart = 0;
        listed.forEach((part, i) => {
          assert.equal(part.PartNumber, i + 1, "parts must be numbered 1..n in order");
          const stored = upload.parts.get(part.PartNumber);
          assert.ok(stored, `part ${part.PartNumber} was never uploaded`);
          assert.equal(part.ETag, stored.etag);
          assert.equal(stored.start, expectedStart, "parts must be contiguous");
          if (i < listed.length - 1) assert.ok(stored.end - stored.start + 1 >= 5 * MiB, "part too small");
          expectedStart = stored.end + 1;
        });
        const { from, size } = upload.parts.get(1);
        assert.equal(expectedStart, size, "parts must cover the whole object");
        backup.set(input.Key, { from, size });
        uploads.delete(input.UploadId);
        return { ETag: `"mpu-${listed.length}"` };
      }
      default:
        throw new Error(`fake S3 does not implement ${call.name}`);
    }
  }

  return { send, calls, violations, backup, uploads };
}

function captureLogger() {
  const lines = { log: [], warn: [], error: [] };
  return {
    lines,
    log: (line) => lines.log.push(line),
    warn: (line) => lines.warn.push(line),
    error: (line) => lines.error.push(line),
    summary: () => JSON.parse(lines.log.at(-1)),
  };
}

function run(objects, { env = {}, now = NOW, ...s3Options } = {}) {
  const s3 = fakeS3(objects, s3Options);
  const logger = captureLogger();
  const handler = makeHandler({
    s3,
    commands: fakeCommands(),
    now: () => now,
    env: { SOURCE_BUCKET: SRC, BACKUP_BUCKET: DST, ...env },
    logger,
  });
  return { s3, logger, invoke: () => handler({}, {}) };
}

const recent = (key, extra = {}) => ({ Key: key, Size: 100, LastModified: new Date(NOW - HOUR), ...extra });

function assertOnlyAllowedCommands(s3) {
  assert.deepEqual(s3.violations, [], "a command outside the IAM policy was sent");
  for (const { name } of s3.calls) assert.ok(COMMAND_NAMES.includes(name), `unexpected command ${name}`);
}

describe("backup handler", () => {
  it("follows ListObjectsV2 pagination and copies every page", async () => {
    const objects = Array.from({ length: 2345 }, (_, i) => recent(`obj-${String(i).padStart(5, "0")}`));
    const { s3, logger, invoke } = run(objects, { pageSize: 1000 });

    const summary = await invoke();

    const lists = s3.calls.filter((c) => c.name === "ListObjectsV2Command");
    assert.deepEqual(
      lists.map((c) => c.input.ContinuationToken),
      [undefined, "token-1000", "token-2000"],
    );
    assert.ok(lists.every((c) => c.input.Bucket === SRC));
    assert.equal(s3.backup.size, 2345);
    assert.equal(summary.copied, 2345);
    assert.equal(summary.bytes, 234500);
    assert.deepEqual(logger.summary(), summary);
    assertOnlyAllowedCommands(s3);
  });

  it("copies only objects modified within the last 25 hours", async () => {
    const objects = [
      { Key: "just-now", Size: 1, LastModified: new Date(NOW - 1000) },
      { Key: "yesterday-late", Size: 2, LastModified: new Date(NOW - 24 * HOUR - 30 * 60_000) },
      { Key: "exactly-25h", Size: 4, LastModified: new Date(NOW - 25 * HOUR) },
      { Key: "just-outside", Size: 8, LastModified: new Date(NOW - 25 * HOUR - 1) },
      { Key: "last-week", Size: 16, LastModified: new Date(NOW - 7 * 24 * HOUR) },
    ];
    const { s3, invoke } = run(objects);

    const summary = await invoke();

    assert.deepEqual(
      [...s3.backup.values()].map((v) => v.from).sort(),
      ["exactly-25h", "just-now", "yesterday-late"],
    );
    assert.equal(summary.copied, 3);
    assert.equal(summary.bytes, 7);
    assert.equal(summary.skipped, 2);
    assert.equal(summary.failures, 0);
    assert.equal(summary.windowStart, new Date(NOW - 25 * HOUR).toISOString());
    assertOnlyAllowedCommands(s3);
  });

  it("honours LOOKBACK_HOURS and rejects invalid values", async () => {
    const objects = [
      { Key: "one-hour", Size: 1, LastModified: new Date(NOW - HOUR) },
      { Key: "three-hours", Size: 1, LastModified: new Date(NOW - 3 * HOUR) },
    ];
    const { s3, invoke } = run(objects, { env: { LOOKBACK_HOURS: "2" } });
    await invoke();
    assert.deepEqual([...s3.backup.values()].map((v) => v.from), ["one-hour"]);

    for (const bad of ["0", "-5", "abc", "Infinity"]) {
      const { s3: untouched, invoke: invokeBad } = run(objects, { env: { LOOKBACK_HOURS: bad } });
      await assert.rejects(invokeBad(), /LOOKBACK_HOURS/);
      assert.equal(untouched.calls.length, 0);
    }
  });

  it("fails fast when a bucket variable is missing", async () => {
    const s3 = fakeS3([]);
    const h = makeHandler({ s3, commands: fakeCommands(), now: () => NOW, env: { SOURCE_BUCKET: SRC } });
    await assert.rejects(h({}, {}), /BACKUP_BUCKET/);
    assert.equal(s3.calls.length, 0);
  });

  it("writes to daily/<UTC date of the run>/<original key>", async () => {
    const objects = [recent("top.txt"), recent("nested/deeper/file.bin"), recent("trailing/")];
    // 23:59 UTC is already the next day in many time zones: the date must be UTC.
    const now = new Date("2024-12-31T23:59:59.000Z");
    const { s3, invoke } = run(
      objects.map((o) => ({ ...o, LastModified: new Date(now - HOUR) })),
      { now },
    );

    const summary = await invoke();

    assert.deepEqual([...s3.backup.keys()].sort(), [
      "daily/2024-12-31/nested/deeper/file.bin",
      "daily/2024-12-31/top.txt",
      "daily/2024-12-31/trailing/",
    ]);
    assert.equal(summary.destinationPrefix, "daily/2024-12-31/");
    for (const c of s3.calls.filter((c) => c.name === "CopyObjectCommand")) {
      assert.equal(c.input.Bucket, DST);
      assert.equal(c.input.MetadataDirective, "COPY");
      assert.equal(c.input.TaggingDirective, "REPLACE");
      assert.equal("Tagging" in c.input, false);
    }
    assertOnlyAllowedCommands(s3);
  });

  it("URL-encodes CopySource per path segment, keeping slashes", async () => {
    const keys = {
      "dir with space/file name.txt": "dir%20with%20space/file%20name.txt",
      "ünïcødé/日本語.csv": "%C3%BCn%C3%AFc%C3%B8d%C3%A9/%E6%97%A5%E6%9C%AC%E8%AA%9E.csv",
      "a+b/c+d=e&f?.txt": "a%2Bb/c%2Bd%3De%26f%3F.txt",
      "100%/#hash;semi,comma": "100%25/%23hash%3Bsemi%2Ccomma",
      "emoji 🎉.png": "emoji%20%F0%9F%8E%89.png",
    };
    const { s3, invoke } = run(Object.keys(keys).map((k) => recent(k)));

    await invoke();

    const bySource = new Map(s3.calls.filter((c) => c.name === "CopyObjectCommand").map((c) => [c.input.CopySource, c]));
    for (const [key, encoded] of Object.entries(keys)) {
      assert.equal(copySource(SRC, key), `${SRC}/${encoded}`);
      const call = bySource.get(`${SRC}/${encoded}`);
      assert.ok(call, `no copy with CopySource for ${key}`);
      // The destination key is a plain key, not encoded.
      assert.equal(call.input.Key, `daily/2024-03-10/${key}`);
      assert.deepEqual(s3.backup.get(`daily/2024-03-10/${key}`).from, key);
    }
    assertOnlyAllowedCommands(s3);
  });

  it("uses CopyObject up to 5 GiB and a complete multipart copy above", async () => {
    const bigSize = 12 * GiB + 123;
    const objects = [
      recent("exactly-5GiB.bin", { Size: MAX_SINGLE_COPY_BYTES }),
      recent("big file+1.bin", { Size: bigSize, ETag: '"big-etag-7"' }),
    ];
    const { s3, invoke } = run(objects);

    const summary = await invoke();

    const byName = (name) => s3.calls.filter((c) => c.name === name);
    assert.deepEqual(
      byName("CopyObjectCommand").map((c) => c.input.Key),
      ["daily/2024-03-10/exactly-5GiB.bin"],
    );
    const [create] = byName("CreateMultipartUploadCommand");
    assert.deepEqual(create.input, { Bucket: DST, Key: "daily/2024-03-10/big file+1.bin" });

    const parts = byName("UploadPartCopyCommand").sort((a, b) => a.input.PartNumber - b.input.PartNumber);
    assert.equal(parts.length, 25); // 24 parts of 512 MiB + 123 bytes
    let expectedStart = 0;
    for (const [i, { input }] of parts.entries()) {
      const last = i === parts.length - 1;
      const end = last ? bigSize - 1 : expectedStart + PART_SIZE_BYTES - 1;
      assert.equal(input.PartNumber, i + 1);
      assert.equal(input.CopySourceRange, `bytes=${expectedStart}-${end}`);
      assert.equal(input.CopySource, `${SRC}/big%20file%2B1.bin`);
      assert.equal(input.CopySourceIfMatch, '"big-etag-7"');
      assert.equal(input.UploadId, "upload-1");
      expectedStart = end + 1;
    }
    assert.equal(expectedStart, bigSize);

    const [complete] = byName("CompleteMultipartUploadCommand");
    assert.deepEqual(
      complete.input.MultipartUpload.Parts,
      parts.map((_, i) => ({ PartNumber: i + 1, ETag: `"part-${i + 1}"` })),
    );
    assert.deepEqual(s3.backup.get("daily/2024-03-10/big file+1.bin"), { from: "big file+1.bin", size: bigSize });
    assert.equal(summary.copied, 2);
    assert.equal(summary.bytes, MAX_SINGLE_COPY_BYTES + bigSize);
    assertOnlyAllowedCommands(s3);
  });

  it("computes part ranges that cover the object within S3 limits", () => {
    assert.deepEqual(partRanges(5 * GiB + 1), [
      ...Array.from({ length: 10 }, (_, i) => ({
        partNumber: i + 1,
        start: i * PART_SIZE_BYTES,
        end: (i + 1) * PART_SIZE_BYTES - 1,
      })),
      { partNumber: 11, start: 5 * GiB, end: 5 * GiB },
    ]);
    for (const size of [PART_SIZE_BYTES * 3, 5 * 1024 * GiB, 5 * 1024 * GiB - 7]) {
      const ranges = partRanges(size);
      assert.ok(ranges.length <= 10_000, `${ranges.length} parts`);
      assert.equal(ranges[0].start, 0);
      assert.equal(ranges.at(-1).end, size - 1);
      for (let i = 1; i < ranges.length; i++) {
        assert.equal(ranges[i].start, ranges[i - 1].end + 1);
        assert.equal(ranges[i].partNumber, i + 1);
      }
      assert.equal((ranges[0].end + 1) % MiB, 0, "part size is a whole number of MiB");
    }
  });

  it("continues after a failed copy, then throws naming the failed keys", async () => {
    const objects = [
      recent("a.txt"),
      recent("b broken.txt"),
      recent("c.txt"),
      recent("huge.bin", { Size: 6 * GiB }),
      recent("z.txt"),
    ];
    const fail = ({ name, input }) => {
      if (name === "CopyObjectCommand" && input.Key.endsWith("/b broken.txt")) {
        return s3Error("InternalError", 500, "We encountered an internal error");
      }
      if (name === "UploadPartCopyCommand" && input.PartNumber === 3) {
        return s3Error("SlowDown", 503, "Please reduce your request rate");
      }
      return undefined;
    };
    const { s3, logger, invoke } = run(objects, { fail });

    await assert.rejects(invoke(), (err) => {
      assert.match(err.message, /2 object\(s\) failed/);
      assert.match(err.message, /"b broken\.txt"/);
      assert.match(err.message, /"huge\.bin"/);
      assert.deepEqual([...err.failedKeys].sort(), ["b broken.txt", "huge.bin"]);
      return true;
    });

    assert.deepEqual(
      [...s3.backup.values()].map((v) => v.from).sort(),
      ["a.txt", "c.txt", "z.txt"],
    );
    // The failed multipart upload is neither completed nor aborted.
    assert.equal(s3.calls.filter((c) => c.name === "CompleteMultipartUploadCommand").length, 0);
    assert.equal(s3.uploads.size, 1);

    const summary = logger.summary();
    assert.equal(summary.copied, 3);
    assert.equal(summary.failures, 2);
    const errors = logger.lines.error.map((l) => JSON.parse(l));
    assert.deepEqual(errors.map((e) => e.key).sort(), ["b broken.txt", "huge.bin"]);
    assert.ok(errors.some((e) => e.error === "InternalError"));
    assertOnlyAllowedCommands(s3);
  });

  it("propagates a listing failure instead of reporting an empty backup", async () => {
    const fail = ({ name }) => (name === "ListObjectsV2Command" ? s3Error("AccessDenied", 403) : undefined);
    const { s3, logger, invoke } = run([recent("a")], { fail });
    await assert.rejects(invoke(), { name: "AccessDenied" });
    assert.equal(s3.backup.size, 0);
    assert.equal(logger.lines.log.length, 0);
  });

  it("skips objects in archive storage classes with a warning", async () => {
    const objects = [recent("cold", { StorageClass: "DEEP_ARCHIVE" }), recent("warm", { StorageClass: "STANDARD_IA" })];
    const { s3, logger, invoke } = run(objects);

    const summary = await invoke();

    assert.deepEqual([...s3.backup.values()].map((v) => v.from), ["warm"]);
    assert.equal(summary.skippedArchived, 1);
    assert.match(logger.lines.warn[0], /"cold"/);
  });

  it("never sends a command outside the role's permissions", async () => {
    const objects = [
      ...Array.from({ length: 30 }, (_, i) => recent(`k/${i} +é`)),
      recent("old", { LastModified: new Date(NOW - 48 * HOUR) }),
      recent("large", { Size: 7 * GiB }),
    ];
    const { s3, invoke } = run(objects, { pageSize: 7 });
    await invoke();

    const used = new Set(s3.calls.map((c) => c.name));
    assert.deepEqual([...used].sort(), [
      "CompleteMultipartUploadCommand",
      "CopyObjectCommand",
      "CreateMultipartUploadCommand",
      "ListObjectsV2Command",
      "UploadPartCopyCommand",
    ]);
    assertOnlyAllowedCommands(s3);
    for (const { name, input } of s3.calls) {
      if (name === "ListObjectsV2Command") assert.equal(input.Bucket, SRC);
      else assert.equal(input.Bucket, DST);
    }
  });

  it("validates its dependencies and exports a Lambda handler", () => {
    assert.equal(typeof handler, "function");
    assert.throws(() => makeHandler({ s3: {}, commands: fakeCommands() }), /send/);
    const { CopyObjectCommand, ...incomplete } = fakeCommands();
    assert.throws(() => makeHandler({ s3: fakeS3([]), commands: incomplete }), /CopyObjectCommand/);
  });
});
