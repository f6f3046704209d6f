// Report notification consumer.
//
// Invoked asynchronously by the report function with the event
// `{"key": "reports/<YYYY-MM-DD>.json"}`; reads that object from
// REPORTS_BUCKET with GetObject and logs its size in bytes.
//
// Environment:
//   REPORTS_BUCKET  bucket holding the reports (required)
//
// IAM permissions relied on (and nothing else):
//   s3:GetObject  on arn:aws:s3:::<REPORTS_BUCKET>/reports/*   (GetObject)
//   kms:Decrypt on the bucket's key, if it uses SSE-KMS.

export const REPORT_PREFIX = "reports/";
export const COMMAND_NAMES = ["GetObjectCommand"];

/**
 * Builds the handler.
 *
 * @param {object} deps
 * @param {{ send(command: object): Promise<any> }} deps.s3  S3 client (or a fake)
 * @param {Record<string, new (input: object) => object>} deps.commands  command classes
 * @param {Record<string, string | undefined>} [deps.env]  environment
 * @param {{ log: Function }} [deps.logger]
 */
export function makeHandler({ s3, commands, env = process.env, logger = console }) {
  if (!s3 || typeof s3.send !== "function") {
    throw new TypeError("makeHandler: s3 must have a send(command) method");
  }
  if (typeof commands?.GetObjectCommand !== "function") {
    throw new TypeError("makeHandler: missing command class GetObjectCommand");
  }

  return async function notifyHandler(event) {
    const bucket = env.REPORTS_BUCKET;
    if (!bucket) throw new Error("REPORTS_BUCKET is not set");
    const key = event?.key;
    // Only report objects are readable by this function: reject anything else
    // up front rather than with an AccessDenied from S3.
    if (typeof key !== "string" || !key.startsWith(REPORT_PREFIX) || key.length === REPORT_PREFIX.length) {
      throw new Error(`event.key must name an object under ${REPORT_PREFIX}, got ${JSON.stringify(key)}`);
    }

    const response = await s3.send(new commands.GetObjectCommand({ Bucket: bucket, Key: key }));
    // Reading the body to the end also releases the HTTP connection.
    const content = await response.Body.transformToByteArray();

    const result = { key, size: content.byteLength };
    logger.log(JSON.stringify({ message: "report received", bucket, ...result }));
    return result;
  };
}

// Lambda entry point (`notify.handler`); the SDK bundled with the nodejs
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
  return makeHandler({ s3: new sdk.S3Client({}), commands: { GetObjectCommand: sdk.GetObjectCommand } });
}
