// Starts one Locality pipeline from the TypeScript SDK's client, the way another team's service
// would: workflow type "pipeline" on task queue "locality", one argument, the spec document as the
// README writes it. Prints one JSON line with the outcome; exits 0 whether the pipeline completed
// or failed, non-zero only when the client itself could not do its job (e.g. a payload it cannot
// decrypt). With LOCALITY_PAYLOAD_KEY_FILE set, every payload is encrypted with that key, as the
// workers and the CLI do (locality-codec.mjs); without it payloads go in clear, and an encrypted
// one is refused with a message naming the key it needs.
//
// usage: node start-pipeline.mjs <host:port> <spec.json> <workflowId> <timeoutMillis>
//        node start-pipeline.mjs <host:port> - <workflowId> <timeoutMillis>   (an existing run)
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { codecFromEnvironment } from './locality-codec.mjs';

const [address, specFile, workflowId, timeoutMillis] = process.argv.slice(2);
const connection = await Connection.connect({ address });
const client = new Client({
  connection,
  namespace: 'default',
  dataConverter: { payloadCodecs: [codecFromEnvironment()] },
});

const handle =
  specFile === '-'
    ? client.workflow.getHandle(workflowId)
    : await client.workflow.start('pipeline', {
        taskQueue: 'locality',
        workflowId,
        args: [JSON.parse(readFileSync(specFile, 'utf8'))],
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
