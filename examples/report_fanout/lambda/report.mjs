// Daily report producer.
//
// Writes a small JSON report to `reports/<YYYY-MM-DD>.json` (UTC date of the
// run) in REPORTS_BUCKET, then invokes the NOTIFY_FUNCTION Lambda function
// asynchronously (InvocationType "Event") with the payload `{"key": "<key>"}`.
// The notification is only sent once the report has been written; if either
// step fails the invocation fails.
//
// Environment:
//   REPORTS_BUCKET   bucket receiving the reports (required)
//   NOTIFY_FUNCTION  name or ARN of the function to notify (required)
//
// IAM permissions relied on (and nothing else):
//   s3:PutObject           on arn:aws:s3:::<REPORTS_BUCKET>/reports/*   (PutObject)
//   lambda:InvokeFunction  on the NOTIFY_FUNCTION function's ARN        (Invoke)
//   kms:GenerateDataKey on the bucket's key, if it uses SSE-KMS.

export const COMMAND_NAMES = ["PutObjectCommand", "InvokeCommand"];

/**
 * Builds the handler.
 *
 * @param {object} deps
 * @param {{ send(command: object): Promise<any> }} deps.s3  S3 client (or a fake)
 * @param {{ send(command: object): Promise<any> }} deps.lambda  Lambda client (or a fake)
 * @param {Record<string, new (input: object) => object>} deps.commands  command classes
 * @param {() => Date} [deps.now]  clock
 * @param {Record<string, string | undefined>} [deps.env]  environment
 * @param {{ log: Function }} [deps.logger]
 */
export function makeHandler({ s3, lambda, commands, now = () => new Date(), env = process.env, logger = console }) {
  for (const [name, client] of Object.entries({ s3, lambda })) {
    if (!client || typeof client.send !== "function") {
      throw new TypeError(`makeHandler: ${name} must have a send(command) method`);
    }
  }
  for (const name of COMMAND_NAMES) {
    if (typeof commands?.[name] !== "function") {
      throw new TypeError(`makeHandler: missing command class ${name}`);
    }
  }

  return async function reportHandler(event, context) {
    const bucket = env.REPORTS_BUCKET;
    const notifyFunction = env.NOTIFY_FUNCTION;
    if (!bucket) throw new Error("REPORTS_BUCKET is not set");
    if (!notifyFunction) throw new Error("NOTIFY_FUNCTION is not set");

    const generatedAt = now();
    const date = generatedAt.toISOString().slice(0, 10);
    const key = `reports/${date}.json`;
    const body = JSON.stringify({
      date,
      generatedAt: generatedAt.toISOString(),
      requestId: context?.awsRequestId ?? null,
    });

    await s3.send(
      new commands.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: "application/json",
      }),
    );

    const response = await lambda.send(
      new commands.InvokeCommand({
        FunctionName: notifyFunction,
        InvocationType: "Event",
        Payload: new TextEncoder().encode(JSON.stringify({ key })),
      }),
    );
    // An accepted asynchronous invocation answers 202.
    if (response?.StatusCode !== undefined && response.StatusCode !== 202) {
      throw new Error(`asynchronous invoke of ${notifyFunction} returned status ${response.StatusCode}`);
    }

    const result = { key, bytes: Buffer.byteLength(body), notified: notifyFunction };
    logger.log(JSON.stringify({ message: "report written", ...result }));
    return result;
  };
}

// Lambda entry point (`report.handler`); the SDK clients bundled with the
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
  const [s3sdk, lambdaSdk] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/client-lambda")]);
  return makeHandler({
    s3: new s3sdk.S3Client({}),
    lambda: new lambdaSdk.LambdaClient({}),
    commands: { PutObjectCommand: s3sdk.PutObjectCommand, InvokeCommand: lambdaSdk.InvokeCommand },
  });
}
