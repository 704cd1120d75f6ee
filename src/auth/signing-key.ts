import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from "jose";
import type { Store } from "../domain/index.js";

const SETTING = "auth.signing-key.v1";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * The built-in issuer's RS256 key: generated on first start and kept in the store, so tokens
 * survive restarts and every process over the same store (server instances, `graphcal token`)
 * signs and verifies with the same key. Concurrent first starts agree on one key: the first
 * insert wins and everyone reads the stored value back.
 */
export async function loadSigningKey(store: Store): Promise<SigningKey> {
  let stored = await store.getSetting(SETTING);
  if (stored === undefined) {
    const candidate = await generateSigningKeyJwk();
    stored = await store.transaction((tx) => tx.putSettingIfAbsent(SETTING, candidate));
  }
  return signingKeyFromJwk(stored);
}

/** A new RS256 key as private JWK text with its `kid` (an RSA key takes 0.1–0.5 s to make). */
export async function generateSigningKeyJwk(): Promise<string> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return JSON.stringify({ ...jwk, kid, alg: "RS256", use: "sig" });
}

/** The key of private JWK text made by generateSigningKeyJwk. */
export async function signingKeyFromJwk(stored: string): Promise<SigningKey> {
  const jwk = JSON.parse(stored) as JWK & { kid: string };
  const { d, p, q, dp, dq, qi, ...publicJwk } = jwk;
  void d; void p; void q; void dp; void dq; void qi;
  return {
    kid: jwk.kid,
    privateKey: (await importJWK(jwk, "RS256")) as CryptoKey,
    publicKey: (await importJWK(publicJwk, "RS256")) as CryptoKey,
    publicJwk,
  };
}
