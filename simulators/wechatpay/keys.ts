/**
 * The sandbox's credentials: the platform certificate WeChat Pay signs responses and
 * notifications with (a self-signed X.509 made with the openssl CLI, since Node cannot issue
 * certificates), one test merchant's API key pair and serial, and its APIv3 key. Generated on the
 * first start and kept in the data dir, so a restarted simulator still matches the worker's configuration.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface WechatPayCredentials {
  mchid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  merchantPublicKey: string;
  platformSerial: string;
  platformCertificate: string;
  platformPrivateKey: string;
  /** 32 characters, as set on the merchant platform. */
  apiV3Key: string;
}

function platformCertificate(): { cert: string; key: string; serial: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wechatpay-sim-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '3650', '-subj', '/C=CN/O=WeChat Pay simulator/CN=Tenpay.com sandbox platform'], {
      stdio: 'ignore',
    });
    const cert = fs.readFileSync(certFile, 'utf8');
    return { cert, key: fs.readFileSync(keyFile, 'utf8'), serial: new X509Certificate(cert).serialNumber.toUpperCase() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function loadOrCreateWechatPayCredentials(dataDir: string): WechatPayCredentials {
  const file = path.join(dataDir, 'wechatpay-keys.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as WechatPayCredentials;
  const platform = platformCertificate();
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const creds: WechatPayCredentials = {
    mchid: '1900000109',
    merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
    merchantPrivateKey: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    merchantPublicKey: merchant.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    platformSerial: platform.serial,
    platformCertificate: platform.cert,
    platformPrivateKey: platform.key,
    apiV3Key: randomBytes(24).toString('base64url').slice(0, 32),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}
