// Daily S3 backup.
//
// Lists SOURCE_BUCKET and copies every object modified within the last
// LOOKBACK_HOURS (default 25: one day plus a one-hour overlap, so a late or
// slow run never leaves a gap) into BACKUP_BUCKET under
// `daily/<YYYY-MM-DD>/<original key>`, where the date is the UTC date of the run.
// Objects up to 5 GiB are copied with CopyObject; larger ones with a multipart
// copy (CreateMultipartUpload, UploadPartCopy, CompleteMultipartUpload).
//
// Environment:
//   SOURCE_BUCKET   bucket to back up (required)
//   BACKUP_BUCKET   bucket receiving the copies (required)
//   LOOKBACK_HOURS  size of the window in hours (optional, default 25)
//
// IAM permissions relied on (and nothing else):
//   s3:ListBucket  on arn:aws:s3:::<SOURCE_BUCKET>            (ListObjectsV2)
//   s3:GetObject   on arn:aws:s3:::<SOURCE_BUCKET>/*          (copy source)
//   s3:PutObject   on arn:aws:s3:::<BACKUP_BUCKET>/daily/*    (CopyObject,
//                  CreateMultipartUpload, UploadPartCopy, CompleteMultipartUpload)
//   kms:Decrypt / kms:GenerateDataKey on the buckets' keys, if they use SSE-KMS.
// The backup bucket is never read, listed or deleted from. Failed multipart
// copies are not aborted (that would need s3:AbortMultipartUpload): the backup
// bucket's lifecycle rule must clean up incomplete multipart uploads.
//
// A failed copy does not stop the run: the remaining objects are still copied,
// then the invocation fails with an Error naming the failed keys, so alarms on
// the function's Errors metric and the asynchronous retries see it.

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Largest object CopyObject can copy in one request. */
export const MAX_SINGLE_COPY_BYTES = 5 * GiB;
/** Preferred part size of a multipart copy (grown if needed to stay within MAX_PARTS). */
export const PART_SIZE_BYTES = 512 * MiB;
const MAX_PART_SIZE_BYTES = 5 * GiB;
const MAX_PARTS = 10_000;

export const DEFAULT_LOOKBACK_HOURS = 25;
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_PART_CONCURRENCY = 4;
/** At most this many keys are named in the thrown Error (all are logged). */
const MAX_KEYS_IN_ERROR = 50;

/** Storage classes whose objects cannot be copied without a restore first. */
const ARCHIVED_STORAGE_CLASSES = new Set(["GLACIER", "DEEP_ARCHIVE"]);

export const COMMAND_NAMES = [
  "ListObjectsV2Command",
  "CopyObjectCommand",
  "CreateMultipartUploadCommand",
  "UploadPartCopyCommand",
  "CompleteMultipartUploadCommand",
];

/**
 * Builds the handler.
 *
 * @param {object} deps
 * @param {{ send(command: object): Promise<any> }} deps.s3  S3 client (or a fake)
 * @param {Record<string, new (input: object) => object>} deps.commands
 *        command classes, keyed by the names in COMMAND_NAMES
 * @param {() => Date} [deps.now]  clock
 * @param {Record<string, string | undefined>} [deps.env]  environment
 * @param {{ log: Function, warn: Function, error: Function }} [deps.logger]
 * @param {number} [deps.concurrency]  objects copied in parallel
 * @param {number} [deps.partConcurrency]  parts copied in parallel per object
 */
export function makeHandler({
  s3,
  commands,
  now = () => new Date(),
  env = process.env,
  logger = console,
  concurrency = DEFAULT_CONCURRENCY,
  partConcurrency = DEFAULT_PART_CONCURRENCY,
}) {
  if (!s3 || typeof s3.send !== "function") {
    throw new TypeError("makeHandler: s3 must have a send(command) method");
  }
  for (const name of COMMAND_NAMES) {
    if (typeof commands?.[name] !== "function") {
      throw new TypeError(`makeHandler: missing command class ${name}`);
    }
  }
  const send = (name, input) => s3.send(new commands[name](input));

  return async function backupHandler() {
    const startedAt = now();
    const config = readConfig(env);
    const date = startedAt.toISOString().slice(0, 10);
    const destPrefix = `daily/${date}/`;
    const windowStart = new Date(startedAt.getTime() - config.lookbackHours * 3_600_000);

    const stats = { listed: 0, copied: 0, bytes: 0, skipped: 0, skippedArchived: 0 };
    const failures = [];

    const copyOne = async (object) => {
      const destKey = destPrefix + object.Key;
      try {
        if (object.Size > MAX_SINGLE_COPY_BYTES) {
          await multipartCopy(send, config, object, destKey, partConcurrency);
        } else {
          await send("CopyObjectCommand", {
            Bucket: config.backupBucket,
            Key: destKey,
            CopySource: copySource(config.sourceBucket, object.Key),
            MetadataDirective: "COPY",
            // REPLACE with no Tagging: the copy gets no tags, so neither
            // s3:GetObjectTagging nor s3:PutObjectTagging is needed.
            TaggingDirective: "REPLACE",
          });
        }
        stats.copied += 1;
        stats.bytes += object.Size ?? 0;
      } catch (err) {
        failures.push(object.Key);
        logger.error(
          JSON.stringify({
            message: "backup copy failed",
            key: object.Key,
            size: object.Size,
            error: err?.name ?? "Error",
            detail: err?.message ?? String(err),
          }),
        );
      }
    };

    let continuationToken;
    do {
      const page = await send("ListObjectsV2Command", {
        Bucket: config.sourceBucket,
        ContinuationToken: continuationToken,
      });
      const toCopy = [];
      for (const object of page.Contents ?? []) {
        stats.listed += 1;
        if (!(new Date(object.LastModified).getTime() >= windowStart.getTime())) {
          stats.skipped += 1;
        } else if (ARCHIVED_STORAGE_CLASSES.has(object.StorageClass)) {
          // CopyObject fails with InvalidObjectState on these until restored.
          stats.skippedArchived += 1;
          logger.warn(
            JSON.stringify({
              message: "skipping archived object (restore it to back it up)",
              key: object.Key,
              storageClass: object.StorageClass,
            }),
          );
        } else {
          toCopy.push(object);
        }
      }
      await forEachLimit(toCopy, concurrency, copyOne);
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);

    const summary = {
      message: "backup summary",
      sourceBucket: config.sourceBucket,
      backupBucket: config.backupBucket,
      destinationPrefix: destPrefix,
      windowStart: windowStart.toISOString(),
      ...stats,
      failures: failures.length,
      durationMs: now().getTime() - startedAt.getTime(),
    };
    logger.log(JSON.stringify(summary));

    if (failures.length > 0) {
      const named = failures.slice(0, MAX_KEYS_IN_ERROR).map((k) => JSON.stringify(k));
      const more = failures.length > named.length ? ` and ${failures.length - named.length} more` : "";
      const error = new Error(
        `Backup incomplete: ${failures.length} object(s) failed to copy: ${named.join(", ")}${more}`,
      );
      error.name = "BackupIncompleteError";
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

/**
 * Byte ranges (inclusive, as in an HTTP Range header) of a multipart copy of
 * an object of `size` bytes.
 */
export function partRanges(size, preferredPartSize = PART_SIZE_BYTES) {
  const partSize = Math.max(preferredPartSize, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  if (partSize > MAX_PART_SIZE_BYTES) {
    throw new RangeError(`object of ${size} bytes is too large for a multipart copy`);
  }
  const ranges = [];
  for (let start = 0; start < size; start += partSize) {
    ranges.push({ partNumber: ranges.length + 1, start, end: Math.min(start + partSize, size) - 1 });
  }
  return ranges;
}

async function multipartCopy(send, config, object, destKey, partConcurrency) {
  const { UploadId } = await send("CreateMultipartUploadCommand", {
    Bucket: config.backupBucket,
    Key: destKey,
  });
  if (!UploadId) throw new Error("CreateMultipartUpload returned no UploadId");

  const source = copySource(config.sourceBucket, object.Key);
  const ranges = partRanges(object.Size);
  const parts = new Array(ranges.length);
  await forEachLimit(ranges, partConcurrency, async ({ partNumber, start, end }) => {
    const result = await send("UploadPartCopyCommand", {
      Bucket: config.backupBucket,
      Key: destKey,
      UploadId,
      PartNumber: partNumber,
      CopySource: source,
      CopySourceRange: `bytes=${start}-${end}`,
      // Every part must come from the version that was listed; if the source
      // is overwritten mid-copy the part fails (412) instead of mixing versions.
      CopySourceIfMatch: object.ETag,
    });
    const etag = result?.CopyPartResult?.ETag;
    if (!etag) throw new Error(`UploadPartCopy returned no ETag for part ${partNumber}`);
    parts[partNumber - 1] = { PartNumber: partNumber, ETag: etag };
  });

  await send("CompleteMultipartUploadCommand", {
    Bucket: config.backupBucket,
    Key: destKey,
    UploadId,
    MultipartUpload: { Parts: parts },
  });
  // No abort on failure: s3:AbortMultipartUpload is deliberately not granted;
  // the lifecycle rule removes incomplete uploads.
}

function readConfig(env) {
  const sourceBucket = env.SOURCE_BUCKET;
  const backupBucket = env.BACKUP_BUCKET;
  if (!sourceBucket) throw new Error("SOURCE_BUCKET is not set");
  if (!backupBucket) throw new Error("BACKUP_BUCKET is not set");
  const rawLookback = env.LOOKBACK_HOURS;
  const lookbackHours =
    rawLookback === undefined || rawLookback.trim() === "" ? DEFAULT_LOOKBACK_HOURS : Number(rawLookback);
  if (!Number.isFinite(lookbackHours) || lookbackHours <= 0) {
    throw new Error(`LOOKBACK_HOURS must be a positive number, got ${JSON.stringify(rawLookback)}`);
  }
  return { sourceBucket, backupBucket, lookbackHours };
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight. If a call
 * throws, no further items are started; once the calls in flight have
 * settled, the first error is rethrown.
 */
async function forEachLimit(items, limit, fn) {
  let next = 0;
  let firstError;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        if (!failed) firstError = err;
        failed = true;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  if (failed) throw firstError;
}

// Lambda entry point (`backup.handler`). The SDK is imported on first use, so
// that tests can import this module without it; the nodejs runtimes bundle it.
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
