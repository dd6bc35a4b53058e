// Locality's payload encryption for the Temporal TypeScript SDK: a PayloadCodec byte-compatible
// with the workers' and the CLI's AesGcmPayloadCodec (Java), so a Node.js client can start
// pipelines and read their results when LOCALITY_PAYLOAD_KEY_FILE is set on the workers.
// Copy this one file into your project; it needs only node:crypto and @temporalio/proto (installed
// with @temporalio/client; name it in your package.json if your package manager does not hoist).
//
//   import { codecFromEnvironment } from './locality-codec.mjs';
//   const client = new Client({ connection, dataConverter: { payloadCodecs: [codecFromEnvironment()] } });
//
// The format (must stay equal to AesGcmPayloadCodec.java and PayloadKey.java):
// - key file: exactly 32 raw bytes, or those bytes in standard Base64 on one line;
// - key id: the first 8 bytes of the key's SHA-256, 16 lowercase hex digits;
// - encrypted payload: metadata {encoding: "binary/encrypted", encryption-cipher: "AES256-GCM",
//   encryption-key-id: <key id>}, data = 12-byte random nonce || AES-256-GCM ciphertext || 16-byte
//   tag, of the serialized original temporal.api.common.v1.Payload, with the key id (ASCII) as
//   additional authenticated data.
// A payload without encoding binary/encrypted is passed through on decode.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import proto from '@temporalio/proto';

const { Payload } = proto.temporal.api.common.v1;

/** The environment variable naming the key file (the same as the workers' and the CLI's). */
export const ENV = 'LOCALITY_PAYLOAD_KEY_FILE';
export const ENCODING = 'binary/encrypted';
export const KEY_ID = 'encryption-key-id';
export const CIPHER = 'encryption-cipher';

const CIPHER_NAME = 'AES256-GCM';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = new TextEncoder();
const ENCODING_BYTES = utf8.encode(ENCODING);

/** Thrown when a payload cannot be encrypted or decrypted; its message says what to do. */
export class LocalityCodecError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'LocalityCodecError';
  }
}

/** The key's public id: 16 hex digits of its SHA-256. */
export function keyIdOf(key) {
  return createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');
}

// Java's String.strip() over US-ASCII text: Character.isWhitespace of the ASCII range
const JAVA_STRIP = /^[\t\n\v\f\r\x1c-\x1f ]+|[\t\n\v\f\r\x1c-\x1f ]+$/g;
// exactly the texts java.util.Base64.getDecoder() turns into 32 bytes: 43 symbols, one optional '='
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;

/**
 * Reads a key file as PayloadKey.read does: a file of exactly 32 bytes is the raw key; anything
 * else must be 32 bytes in standard Base64 on one line (surrounding whitespace ignored).
 * Returns {key: Buffer, id: string}; throws naming the file otherwise.
 */
export function readPayloadKey(file) {
  let content;
  try {
    content = readFileSync(file);
  } catch (e) {
    throw new LocalityCodecError(`${ENV}: cannot read the payload key file ${file}: ${e.message}`, {
      cause: e,
    });
  }
  let key;
  if (content.length === KEY_BYTES) {
    key = content;
  } else {
    // US-ASCII decoding as Java does it: a byte above 0x7f becomes a character Base64 refuses
    const text = Array.from(content, (b) => (b < 0x80 ? String.fromCharCode(b) : '\ufffd'))
      .join('')
      .replace(JAVA_STRIP, '');
    content.fill(0);
    if (!BASE64_KEY.test(text)) {
      throw new LocalityCodecError(
        `${ENV}: ${file} holds no AES-256 key: write 32 random bytes, raw or Base64 on one line` +
          ` (head -c 32 /dev/urandom | base64 > ${file.split('/').pop()})`,
      );
    }
    key = Buffer.from(text, 'base64');
  }
  return { key, id: keyIdOf(key) };
}

/**
 * A Temporal PayloadCodec that encrypts every payload with AES-256-GCM under `key` (32 bytes), or,
 * with a null key, encrypts nothing and refuses encrypted payloads with a message naming the key
 * they need. Build it with {@link codecFromFile}, {@link codecFromEnvironment} or
 * {@link codecWithoutKey}.
 */
export class LocalityPayloadCodec {
  #key;

  constructor(key) {
    if (key != null) {
      if (key.length !== KEY_BYTES) throw new LocalityCodecError('an AES-256 key is 32 bytes');
      this.#key = Buffer.from(key);
      this.keyId = keyIdOf(this.#key);
    } else {
      this.#key = null;
      this.keyId = null;
    }
  }

  async encode(payloads) {
    if (this.#key == null) return payloads;
    return payloads.map((p) => this.#encrypt(p));
  }

  async decode(payloads) {
    return payloads.map((p) => (isEncrypted(p) ? this.#decrypt(p) : p));
  }

  #encrypt(plain) {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(this.keyId, 'ascii'));
    const sealed = Buffer.concat([
      cipher.update(Payload.encode(plain).finish()),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return {
      metadata: {
        encoding: ENCODING_BYTES,
        [CIPHER]: utf8.encode(CIPHER_NAME),
        [KEY_ID]: utf8.encode(this.keyId),
      },
      data: Buffer.concat([nonce, sealed]),
    };
  }

  #decrypt(encrypted) {
    const idBytes = encrypted.metadata?.[KEY_ID];
    const id = idBytes == null ? '(none)' : Buffer.from(idBytes).toString('utf8');
    if (this.#key == null) {
      throw new LocalityCodecError(
        `a payload is encrypted (key id ${id}) but this process has no payload key:` +
          ` set ${ENV} to the file holding that key`,
      );
    }
    if (id !== this.keyId) {
      throw new LocalityCodecError(
        `a payload is encrypted with key id ${id}, but ${ENV} holds key id ${this.keyId}:` +
          ' give this process the key the payload was written with',
      );
    }
    const data = Buffer.from(encrypted.data ?? []);
    if (data.length < NONCE_BYTES + TAG_BYTES) {
      throw new LocalityCodecError(`an encrypted payload is truncated (${data.length} B)`);
    }
    let plain;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, data.subarray(0, NONCE_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(this.keyId, 'ascii'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      plain = Buffer.concat([
        decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (e) {
      throw new LocalityCodecError(
        `an encrypted payload (key id ${id}) failed authentication: it was altered`,
        { cause: e },
      );
    }
    try {
      return Payload.decode(plain);
    } catch (e) {
      throw new LocalityCodecError('a decrypted payload is not a Temporal payload', { cause: e });
    }
  }
}

function isEncrypted(p) {
  const encoding = p.metadata?.encoding;
  return encoding != null && Buffer.from(encoding).equals(ENCODING_BYTES);
}

/** The codec encrypting with the key in `file` (raw 32 bytes, or Base64 on one line). */
export function codecFromFile(file) {
  const { key } = readPayloadKey(file);
  const codec = new LocalityPayloadCodec(key);
  key.fill(0);
  return codec;
}

/** The codec that encrypts nothing and names the missing key when it meets an encrypted payload. */
export function codecWithoutKey() {
  return new LocalityPayloadCodec(null);
}

/**
 * The codec for the key file LOCALITY_PAYLOAD_KEY_FILE names in `env`, or, when it names none, the
 * codec without a key (payloads in clear; an encrypted one is refused with a clear message).
 */
export function codecFromEnvironment(env = process.env) {
  const file = env[ENV];
  return file == null || file.trim() === '' ? codecWithoutKey() : codecFromFile(file.trim());
}
