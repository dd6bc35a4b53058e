// The Node half of LocalityCodecCompatibilityTest: locality-codec.mjs against payloads and key
// files written by the Java side (AesGcmPayloadCodec, PayloadKey), and the other way round.
// Payloads travel as serialized temporal.api.common.v1.Payload files. Prints one JSON line.
//
// usage: node codec-cross-check.mjs key-id <keyFile>
//        node codec-cross-check.mjs decode <keyFile|-> <encrypted.bin>   prints the decoded payload
//        node codec-cross-check.mjs encode <keyFile> <plain.bin> <out.bin>
import { readFileSync, writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { codecFromFile, codecWithoutKey, readPayloadKey } from './locality-codec.mjs';

const { Payload } = proto.temporal.api.common.v1;
const [command, keyFile, input, output] = process.argv.slice(2);

function show(p) {
  const metadata = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v).toString();
  return { metadata, data: Buffer.from(p.data ?? []).toString('base64') };
}

try {
  if (command === 'key-id') {
    console.log(JSON.stringify({ id: readPayloadKey(keyFile).id }));
  } else if (command === 'decode') {
    const codec = keyFile === '-' ? codecWithoutKey() : codecFromFile(keyFile);
    const [decoded] = await codec.decode([Payload.decode(readFileSync(input))]);
    console.log(JSON.stringify({ payload: show(decoded) }));
  } else if (command === 'encode') {
    const codec = codecFromFile(keyFile);
    const [encoded] = await codec.encode([Payload.decode(readFileSync(input))]);
    writeFileSync(output, Payload.encode(encoded).finish());
    console.log(JSON.stringify({ payload: show(encoded) }));
  } else {
    throw new Error(`unknown command ${command}`);
  }
} catch (e) {
  console.log(JSON.stringify({ error: e.name, message: e.message }));
}
