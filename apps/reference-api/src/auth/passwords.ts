/**
 * Password hashing with scrypt (node:crypto), a memory-hard KDF. The stored form carries its own
 * parameters, `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`, so the cost can be raised later and old
 * hashes still verify.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

const KEY_LENGTH = 32;
const R = 8;
const P = 1;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  // scrypt needs 128 * N * r bytes; node refuses above `maxmem` (32 MiB by default).
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, options, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

export class PasswordHasher {
  /** A hash of a random password: verifying against it costs what a real check costs. */
  readonly #decoy: Promise<string>;

  /** @param cost log2 of scrypt's N (15: about 32 MiB and 50-100 ms per hash). */
  constructor(private readonly cost: number) {
    this.#decoy = this.hash(randomBytes(16).toString("hex"));
    this.#decoy.catch(() => {});
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, this.cost, R, P);
    return ["scrypt", this.cost, R, P, salt.toString("base64"), key.toString("base64")].join("$");
  }

  /** Constant-time comparison; a malformed stored hash never matches. */
  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, logN, r, p, salt, key] = stored.split("$");
    if (scheme !== "scrypt" || salt === undefined || key === undefined) return false;
    const expected = Buffer.from(key, "base64");
    const actual = await derive(password, Buffer.from(salt, "base64"), Number(logN), Number(r), Number(p));
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /**
   * For a login with an unknown e-mail: spends the time of a real check so that the answer's timing
   * does not tell which addresses have accounts.
   */
  async verifyDecoy(password: string): Promise<false> {
    await this.verify(password, await this.#decoy);
    return false;
  }
}
