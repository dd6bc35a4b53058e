// Starts one Locality pipeline from the TypeScript SDK's client, the way another team's service
// would: workflow type "pipeline" on task queue "locality", one argument, the spec document as the
// README writes it. Prints one JSON line with the outcome; exits 0 whether the pipeline completed
// or failed, non-zero only when the client itself could not do its job.
//
// usage: node start-pipeline.mjs <host:port> <spec.json> <workflowId> <timeoutMillis>
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { readFileSync } from 'node:fs';

const [address, specFile, workflowId, timeoutMillis] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specFile, 'utf8'));
const connection = await Connection.connect({ address });
const client = new Client({ connection, namespace: 'default' });

const handle = await client.workflow.start('pipeline', {
  taskQueue: 'locality',
  workflowId,
  args: [spec],
});

let timer;
const timeout = new Promise((_, reject) => {
  timer = setTimeout(() => reject(new Error('timeout')), Number(timeoutMillis));
});
let line;
try {
  const result = await Promise.race([handle.result(), timeout]);
  const status = await handle.query('status');
  line = { outcome: 'completed', result, status };
} catch (e) {
  if (e instanceof WorkflowFailedError) {
    line = {
      outcome: 'failed',
      type: e.cause?.type,
      message: e.cause?.message,
      nonRetryable: e.cause?.nonRetryable,
      details: e.cause?.details,
    };
  } else if (e.message === 'timeout') {
    line = { outcome: 'timeout' };
  } else {
    throw e;
  }
} finally {
  clearTimeout(timer);
}
console.log(JSON.stringify(line));
await connection.close();
