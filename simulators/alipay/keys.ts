/**
 * The sandbox's credentials: Alipay's RSA2 key pair (it signs every response) and one test
 * application's key pair (the merchant signs requests with the private half). Generated on the
 * first start and kept in the data dir, so a restarted simulator still answers the worker that
 * was configured with them.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AlipayCredentials {
  appId: string;
  /** PKCS#1 PEM: what the open platform's key tool gives a merchant. */
  appPrivateKey: string;
  appPublicKey: string;
  alipayPrivateKey: string;
  alipayPublicKey: string;
}

function pair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    priv: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function loadOrCreateAlipayCredentials(dataDir: string): AlipayCredentials {
  const file = path.join(dataDir, 'alipay-keys.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as AlipayCredentials;
  const app = pair();
  const alipay = pair();
  const creds: AlipayCredentials = {
    appId: '2021000000000001',
    appPrivateKey: app.priv,
    appPublicKey: app.pub,
    alipayPrivateKey: alipay.priv,
    alipayPublicKey: alipay.pub,
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}
