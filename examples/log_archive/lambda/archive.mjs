// Log archiver.
//
// Lists the objects under `app/` in LOGS_BUCKET and copies every one last
// modified more than 7 days ago to `archive/<original key>` in ARCHIVE_BUCKET
// (so `app/2024/01/01/web.log` becomes `archive/app/2024/01/01/web.log`).
// Copies are conditional (If-None-Match: *): an object already archived by an
// earlier run is left alone and counted as `alreadyArchived`, so daily runs
// are idempotent and never pile up versions in the archive bucket.
//
// Environment:
//   LOGS_BUCKET     bucket holding the logs (required)
//   ARCHIVE_BUCKET  bucket receiving the archive copies (required)
//
// IAM permissions relied on (and nothing else):
//   s3:ListBucket on arn:aws:s3:::<LOGS_BUCKET>, may be restricted with
//                 Condition StringLike s3:prefix = "app/*"        (ListObjectsV2)
//   s3:GetObject  on arn:aws:s3:::<LOGS_BUCKET>/app/*             (copy source)
//   s3:PutObject  on arn:aws:s3:::<ARCHIVE_BUCKET>/archive/*      (CopyObject)
//   kms:Decrypt / kms:GenerateDataKey on the buckets' keys, if they use SSE-KMS.
//
// A failed copy does not stop the run; the invocation fails at the end with an
// Error naming the failed keys.

export const LOG_PREFIX = "app/";
export const ARCHIVE_PREFIX = "archive/";
export const ARCHIVE_AFTER_DAYS = 7;
/** Largest object CopyObject can copy in one request. */
export const MAX_COPY_BYTES = 5 * 1024 ** 3;

const CONCURRENCY = 8;
const MAX_KEYS_IN_ERROR = 50;
const ARCHIVED_STORAGE_CLASSES = new Set(["GLACIER", "DEEP_ARCHIVE"]);

export const COMMAND_NAMES = ["ListObjectsV2Command", "CopyObjectCommand"];

/**
 * Builds the handler.
 *
 * @param {object} deps
 * @param {{ send(command: object): Promise<any> }} deps.s3  S3 client (or a fake)
 * @param {Record<string, new (input: object) => object>} deps.commands  command classes
 * @param {() => Date} [deps.now]  clock
 * @param {Record<string, string | undefined>} [deps.env]  environment
 * @param {{ log: Function, error: Function }} [deps.logger]
 */
export function makeHandler({ s3, commands, now = () => new Date(), env = process.env, logger = console }) {
  if (!s3 || typeof s3.send !== "function") {
    throw new TypeError("makeHandler: s3 must have a send(command) method");
  }
  for (const name of COMMAND_NAMES) {
    if (typeof commands?.[name] !== "function") {
      throw new TypeError(`makeHandler: missing command class ${name}`);
    }
  }
  const send = (name, input) => s3.send(new commands[name](input));

  return async function archiveHandler() {
    const logsBucket = env.LOGS_BUCKET;
    const archiveBucket = env.ARCHIVE_BUCKET;
    if (!logsBucket) throw new Error("LOGS_BUCKET is not set");
    if (!archiveBucket) throw new Error("ARCHIVE_BUCKET is not set");
    const cutoff = new Date(now().getTime() - ARCHIVE_AFTER_DAYS * 86_400_000);

    const stats = { listed: 0, archived: 0, bytes: 0, alreadyArchived: 0, tooRecent: 0, skippedArchived: 0 };
    const failures = [];
    const fail = (key, err) => {
      failures.push(key);
      logger.error(
        JSON.stringify({
          message: "archive copy failed",
          key,
          error: err?.name ?? "Error",
          detail: err?.message ?? String(err),
        }),
      );
    };

    const archiveOne = async (object) => {
      if (object.Size > MAX_COPY_BYTES) {
        fail(object.Key, new RangeError(`${object.Size} bytes is over the 5 GiB CopyObject limit`));
        return;
      }
      try {
        await send("CopyObjectCommand", {
          Bucket: archiveBucket,
          Key: ARCHIVE_PREFIX + object.Key,
          CopySource: copySource(logsBucket, object.Key),
          MetadataDirective: "COPY",
          TaggingDirective: "REPLACE", // no tags: no tagging permissions needed
          IfNoneMatch: "*", // do not overwrite an earlier archive copy
        });
        stats.archived += 1;
        stats.bytes += object.Size ?? 0;
      } catch (err) {
        if (err?.name === "PreconditionFailed" || err?.$metadata?.httpStatusCode === 412) {
          stats.alreadyArchived += 1;
        } else {
          fail(object.Key, err);
        }
      }
    };

    let continuationToken;
    do {
      const page = await send("ListObjectsV2Command", {
        Bucket: logsBucket,
        Prefix: LOG_PREFIX,
        ContinuationToken: continuationToken,
      });
      const toArchive = [];
      for (const object of page.Contents ?? []) {
        stats.listed += 1;
        if (!(new Date(object.LastModified).getTime() < cutoff.getTime())) {
          stats.tooRecent += 1;
        } else if (ARCHIVED_STORAGE_CLASSES.has(object.StorageClass)) {
          stats.skippedArchived += 1; // not copyable without a restore
        } else {
          toArchive.push(object);
        }
      }
      await forEachLimit(toArchive, CONCURRENCY, archiveOne);
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);

    const summary = {
      message: "archive summary",
      logsBucket,
      archiveBucket,
      cutoff: cutoff.toISOString(),
      ...stats,
      failures: failures.length,
    };
    logger.log(JSON.stringify(summary));

    if (failures.length > 0) {
      const named = failures.slice(0, MAX_KEYS_IN_ERROR).map((k) => JSON.stringify(k));
      const more = failures.length > named.length ? ` and ${failures.length - named.length} more` : "";
      const error = new Error(
        `Archive incomplete: ${failures.length} object(s) failed to copy: ${named.join(", ")}${more}`,
      );
      error.name = "ArchiveIncompleteError";
      error.failedKeys = failures;
      throw error;
    }
    return summary;
  };
}

/** `CopySource` value: bucket plus the key URL-encoded per path segment. */
export function copySource(bucket, key) {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** Runs `fn` (which must not throw) over `items`, at most `limit` at a time. */
async function forEachLimit(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// Lambda entry point (`archive.handler`); the SDK bundled with the nodejs
// runtime is imported on first use, so tests never need it.
let defaultHandler;

export async function handler(event, context) {
  defaultHandler ??= createDefaultHandler().catch((err) => {
    defaultHandler = undefined;
    throw err;
  });
  return (await defaultHandler)(event, context);
}

async function createDefaultHandler() {
  const sdk = await import("@aws-sdk/client-s3");
  const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [name, sdk[name]]));
  return makeHandler({ s3: new sdk.S3Client({}), commands });
}
