import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

/**
 * The HTTPS listener's certificate: self-signed for localhost/127.0.0.1, generated on first
 * start and kept under DATA_DIR/tls so clients can trust it once (NODE_EXTRA_CA_CERTS).
 * The legacy Graph JS SDK only sends tokens to https:// custom hosts (spec §11.1).
 */
export async function loadOrCreateCertificate(dataDir: string): Promise<{ key: string; cert: string; certPath: string }> {
  const dir = join(dataDir === ":memory:" ? "./data" : dataDir, "tls");
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    mkdirSync(dir, { recursive: true });
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keySize: 2048,
      algorithm: "sha256",
      notAfterDate: new Date(Date.now() + 5 * 365 * 86400_000),
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
      ],
    });
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    writeFileSync(certPath, pems.cert);
  }
  return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8"), certPath };
}
