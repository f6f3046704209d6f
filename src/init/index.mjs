// The backup function of a stack started by `drc init`.
//
// Copies every object of SOURCE_BUCKET modified in the last 25 hours (a day and an hour
// of overlap, so a late run leaves no gap) into BACKUP_BUCKET under
// `daily/<YYYY-MM-DD>/<key>`. It uses only what the .dr file lets it do: s3:ListBucket
// and s3:GetObject on SOURCE_BUCKET, s3:PutObject under daily/ in BACKUP_BUCKET (and the
// bucket key, which drc grants with `put`). A failed copy does not stop the others; the
// run then fails, so the alarm and the failure queue see it.
//
// CopyObject copies objects up to 5 GiB; see drc's examples/disaster_recovery/lambda for
// a multipart copy of larger ones.

import { CopyObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";

const s3 = new S3Client({});
const LOOKBACK_MS = 25 * 60 * 60 * 1000;

export const handler = async () => {
  const source = process.env.SOURCE_BUCKET;
  const target = process.env.BACKUP_BUCKET;
  if (!source || !target) {
    throw new Error("SOURCE_BUCKET and BACKUP_BUCKET must be set");
  }
  const now = new Date();
  const since = now.getTime() - LOOKBACK_MS;
  const day = now.toISOString().slice(0, 10);
  const failed = [];
  let copied = 0;
  let token;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: source, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (object.LastModified.getTime() < since) continue;
      try {
        await s3.send(
          new CopyObjectCommand({
            Bucket: target,
            Key: `daily/${day}/${object.Key}`,
            CopySource: `${source}/${encodeURIComponent(object.Key)}`,
          }),
        );
        copied += 1;
      } catch (error) {
        console.error(`cannot copy ${object.Key}: ${error.message}`);
        failed.push(object.Key);
      }
    }
    token = page.NextContinuationToken;
  } while (token);
  console.log(`copied ${copied} objects into ${target}/daily/${day}/`);
  if (failed.length > 0) {
    throw new Error(`${failed.length} objects were not copied: ${failed.slice(0, 20).join(", ")}`);
  }
  return { copied };
};
