// Report notification consumer.
//
// Invoked asynchronously by the report function with the event
// `{"key": "reports/<YYYY-MM-DD>.json"}`; reads that object from
// REPORTS_BUCKET with GetObject and publishes the report to the REPORT_TOPIC
// SNS topic (its subscribers get the report's JSON as the message, with the
// key in the subject line). The report must be valid JSON; nothing is
// published otherwise.
//
// Environment:
//   REPORTS_BUCKET  bucket holding the reports (required)
//   REPORT_TOPIC    ARN of the topic to publish to (required; `report_ready.arn`)
//
// IAM permissions relied on (and nothing else):
//   s3:GetObject  on arn:aws:s3:::<REPORTS_BUCKET>/reports/*   (GetObject)
//   sns:Publish   on the REPORT_TOPIC topic's ARN               (Publish)
//   kms:Decrypt on the bucket's key, if it uses SSE-KMS; kms:GenerateDataKey
//   and kms:Decrypt on the topic's key (drc grants both with `publish`).

export const REPORT_PREFIX = "reports/";
export const COMMAND_NAMES = ["GetObjectCommand", "PublishCommand"];

// SNS takes subjects of at most 100 printable ASCII characters.
const SUBJECT_LIMIT = 100;

/**
 * Builds the handler.
 *
 * @param {object} deps
 * @param {{ send(command: object): Promise<any> }} deps.s3  S3 client (or a fake)
 * @param {{ send(command: object): Promise<any> }} deps.sns  SNS client (or a fake)
 * @param {Record<string, new (input: object) => object>} deps.commands  command classes
 * @param {Record<string, string | undefined>} [deps.env]  environment
 * @param {{ log: Function }} [deps.logger]
 */
export function makeHandler({ s3, sns, commands, env = process.env, logger = console }) {
  for (const [name, client] of Object.entries({ s3, sns })) {
    if (!client || typeof client.send !== "function") {
      throw new TypeError(`makeHandler: ${name} must have a send(command) method`);
    }
  }
  for (const name of COMMAND_NAMES) {
    if (typeof commands?.[name] !== "function") {
      throw new TypeError(`makeHandler: missing command class ${name}`);
    }
  }

  return async function notifyHandler(event) {
    const bucket = env.REPORTS_BUCKET;
    const topic = env.REPORT_TOPIC;
    if (!bucket) throw new Error("REPORTS_BUCKET is not set");
    if (!topic) throw new Error("REPORT_TOPIC is not set");
    const key = event?.key;
    // Only report objects are readable by this function: reject anything else
    // up front rather than with an AccessDenied from S3.
    if (typeof key !== "string" || !key.startsWith(REPORT_PREFIX) || key.length === REPORT_PREFIX.length) {
      throw new Error(`event.key must name an object under ${REPORT_PREFIX}, got ${JSON.stringify(key)}`);
    }

    const response = await s3.send(new commands.GetObjectCommand({ Bucket: bucket, Key: key }));
    // Reading the body to the end also releases the HTTP connection.
    const content = await response.Body.transformToByteArray();
    const text = new TextDecoder("utf-8", { fatal: true }).decode(content);
    const report = JSON.parse(text);

    const published = await sns.send(
      new commands.PublishCommand({
        TopicArn: topic,
        Subject: `Report ${key}`.replace(/[^\x20-\x7e]/g, "?").slice(0, SUBJECT_LIMIT),
        Message: JSON.stringify({ key, report }),
      }),
    );

    const result = { key, size: content.byteLength, messageId: published?.MessageId ?? null };
    logger.log(JSON.stringify({ message: "report published", bucket, topic, ...result }));
    return result;
  };
}

// Lambda entry point (`notify.handler`); the SDK clients bundled with the
// nodejs runtime are imported on first use, so tests never need them.
let defaultHandler;

export async function handler(event, context) {
  defaultHandler ??= createDefaultHandler().catch((err) => {
    defaultHandler = undefined;
    throw err;
  });
  return (await defaultHandler)(event, context);
}

async function createDefaultHandler() {
  const [s3sdk, snsSdk] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/client-sns")]);
  return makeHandler({
    s3: new s3sdk.S3Client({}),
    sns: new snsSdk.SNSClient({}),
    commands: { GetObjectCommand: s3sdk.GetObjectCommand, PublishCommand: snsSdk.PublishCommand },
  });
}
