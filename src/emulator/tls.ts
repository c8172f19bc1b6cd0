import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { generate } from "selfsigned";

/**
 * The emulator's local certificate authority and its HTTPS server certificate.
 *
 * Clients trust the CA through NODE_EXTRA_CA_CERTS, which Node reads only at process start, so the
 * CA must outlive any one emulator: tests get one from the vitest global setup (MFA_EVICT_EMULATOR_CA_DIR),
 * a user gets one in a cache directory that they can trust once.
 */

export const CA_DIR_ENV = "MFA_EVICT_EMULATOR_CA_DIR";

export interface TlsMaterial {
  caDir: string;
  caCertPath: string;
  key: string;
  cert: string;
}

const CA_CERT = "ca.pem";
const CA_KEY = "ca-key.pem";
/** Key and certificate in one file, so one atomic rename publishes a matching pair. */
const SERVER_BUNDLE = "server-bundle.pem";

export function defaultCaDir(): string {
  const fromEnv = process.env[CA_DIR_ENV];
  if (fromEnv) return fromEnv;
  const cacheRoot = process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
  return path.join(cacheRoot, "mfa-evict", "emulator-ca");
}

/** Creates the CA in `caDir` unless it is already there; returns the path of its certificate. */
export async function ensureCa(caDir: string): Promise<string> {
  const certPath = path.join(caDir, CA_CERT);
  if (existsSync(certPath) && existsSync(path.join(caDir, CA_KEY))) return certPath;
  mkdirSync(caDir, { recursive: true, mode: 0o700 });
  const notAfterDate = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: "commonName", value: "mfa-evict emulator local CA" }], {
    keySize: 2048,
    algorithm: "sha256",
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  writeFileSync(path.join(caDir, CA_KEY), ca.private, { mode: 0o600 });
  writeFileSync(certPath, ca.cert);
  return certPath;
}

/** The CA plus a server certificate for 127.0.0.1/localhost signed by it (both reused when present). */
export async function loadTlsMaterial(caDir = defaultCaDir()): Promise<TlsMaterial> {
  const caCertPath = await ensureCa(caDir);
  const bundlePath = path.join(caDir, SERVER_BUNDLE);
  if (!existsSync(bundlePath)) {
    const server = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      algorithm: "sha256",
      notAfterDate: new Date(Date.now() + 2 * 365 * 24 * 3600 * 1000),
      ca: { key: readFileSync(path.join(caDir, CA_KEY), "utf8"), cert: readFileSync(caCertPath, "utf8") },
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 7, ip: "127.0.0.1" },
            { type: 2, value: "localhost" },
          ],
        },
      ],
    });
    const temporary = `${bundlePath}.${process.pid}`;
    writeFileSync(temporary, `${server.private.trim()}\n${server.cert.trim()}\n`, { mode: 0o600 });
    renameSync(temporary, bundlePath);
  }
  const bundle = readFileSync(bundlePath, "utf8");
  const key = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(
    bundle,
  )?.[0];
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(bundle)?.[0];
  if (!key || !cert)
    throw new Error(`${bundlePath} does not hold a private key and a certificate; delete it to regenerate`);
  return { caDir, caCertPath, key, cert };
}
