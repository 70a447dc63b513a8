import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** Shorter passwords are refused everywhere they are set (API, CLI). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longer ones are refused too: nobody types more, and it bounds the work an attacker can ask for. */
export const MAX_PASSWORD_LENGTH = 1024;

// OWASP's scrypt floor is N=2^17 with r=8 and p=1; 2^15 costs about 32 MiB and 50–100 ms
// here, which keeps a burst of sign-ins cheap for a small server. The parameters are
// stored with each hash, so raising them later still verifies old hashes.
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 64;
const SALT_BYTES = 16;
// scrypt needs 128·N·r bytes (32 MiB here); Node's default limit is exactly that and fails.
const maxmemFor = (n: number, r: number) => 256 * n * r;

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  // The callback form runs on libuv's thread pool: a sign-in does not block the event loop.
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/**
 * A password as stored: `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`.
 *
 * @example
 * await hashPassword('correct horse battery'); // 'scrypt$32768$8$1$…$…'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N, r: R, p: P, maxmem: maxmemFor(N, R) });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * A well-formed hash no password matches (random bytes, not a derived key): checking
 * a password against it costs one scrypt run, like a real hash. Sign-in checks it for
 * names nobody has, so timing does not tell which names exist.
 */
export const UNMATCHABLE_HASH = ['scrypt', N, R, P, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES)]
  .map((part) => (Buffer.isBuffer(part) ? part.toString('base64') : String(part)))
  .join('$');

const STORED = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/**
 * Whether `password` matches a stored hash, compared in constant time. A malformed
 * hash or parameters outside sane bounds never match (and are not worked on).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const expected = Buffer.from(m[5] ?? '', 'base64');
  const powerOfTwo = n > 1 && (n & (n - 1)) === 0;
  if (!powerOfTwo || n > 2 ** 20 || r < 1 || r > 32 || p < 1 || p > 16 || expected.length < 16) return false;
  const key = await derive(password, salt, expected.length, { N: n, r, p, maxmem: maxmemFor(n, r) });
  return timingSafeEqual(key, expected);
}
