/**
 * The console's files, compressed and cached. Each file is read, hashed and compressed (brotli
 * and gzip) once per version on disk, then answered from memory. Every answer carries a strong
 * ETag, so a reload costs a 304; the HTML pages point at their stylesheet and entry script with
 * `?v=<hash>`, and an address whose version is the file's current one is cached as immutable
 * (a changed file has a new address). Module imports inside scripts are plain relative
 * addresses, so those revalidate.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import type { RequestHandler } from 'express';
import { HttpProblem } from './errors';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.md': 'text/markdown; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.md']);
/** Below this, compression headers cost about what they save. */
const MIN_COMPRESS_BYTES = 256;

interface Asset {
  type: string;
  hash: string;
  etag: string;
  identity: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

/** The codings the client accepts, by its Accept-Encoding (q=0 refuses one). */
export function acceptedCodings(header: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) out.add(name);
  }
  return out;
}

const hashOf = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('base64url').slice(0, 16);

export function consoleFiles(root: string): RequestHandler {
  const cache = new Map<string, Asset>();
  const base = path.resolve(root);

  const raw = new Map<string, { mtimeMs: number; size: number; bytes: Buffer }>();

  /** A file's bytes, read again only when it changed on disk. */
  async function read(file: string): Promise<{ mtimeMs: number; size: number; bytes: Buffer } | undefined> {
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    const known = raw.get(file);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known;
    const fresh = { mtimeMs: stat.mtimeMs, size: stat.size, bytes: await fs.readFile(file) };
    raw.set(file, fresh);
    return fresh;
  }

  /**
   * The current version of a file, compressed once per version. A page's version includes the
   * versions it links to, so a changed stylesheet gives the page a new ETag too.
   */
  async function asset(file: string): Promise<Asset | undefined> {
    const found = await read(file);
    if (!found) return undefined;
    const ext = path.extname(file);
    const bytes = ext === '.html' ? Buffer.from(await versionLinks(found.bytes.toString('utf8'), path.dirname(file))) : found.bytes;
    const hash = hashOf(bytes);
    const known = cache.get(file);
    if (known?.hash === hash) return known;
    const compress = COMPRESSIBLE.has(ext) && bytes.length >= MIN_COMPRESS_BYTES;
    const made: Asset = {
      type: TYPES[ext] ?? 'application/octet-stream',
      hash,
      etag: `"${hash}"`,
      identity: bytes,
      ...(compress
        ? {
            gzip: zlib.gzipSync(bytes, { level: 9 }),
            br: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
          }
        : {}),
    };
    cache.set(file, made);
    return made;
  }

  /** `href="console.css"` and `src="js/list.js"` get `?v=<hash of that file>`. */
  async function versionLinks(html: string, dir: string): Promise<string> {
    const refs = [...html.matchAll(/(href|src)="((?:js\/)?[\w.-]+\.(?:css|js))"/g)];
    let out = html;
    for (const [whole, attr, ref] of refs) {
      const target = await asset(path.join(dir, ref!));
      if (target) out = out.replace(whole, `${attr}="${ref}?v=${target.hash}"`);
    }
    return out;
  }

  return async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Relative links in the pages resolve against the folder, so the folder's address ends in a slash.
    if (req.path === '/' && !req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, `${req.originalUrl.split('?')[0]}/`);
    // Under /console only the console's own files exist: anything else is a 404, signed in or not.
    const missing = () => next(new HttpProblem(404, `no console file ${req.path}`));
    let rel: string;
    try {
      rel = decodeURIComponent(req.path === '/' ? '/index.html' : req.path);
    } catch {
      return missing();
    }
    const file = path.resolve(base, `.${rel}`);
    if (!file.startsWith(`${base}${path.sep}`) || rel.split('/').some((seg) => seg.startsWith('.'))) return missing();
    try {
      const found = await asset(file);
      if (!found) return missing();
      const versioned = typeof req.query.v === 'string' && req.query.v === found.hash;
      res.set({
        'content-type': found.type,
        etag: found.etag,
        'cache-control': versioned ? 'public, max-age=31536000, immutable' : 'no-cache',
        vary: 'Accept-Encoding',
      });
      // Compared here rather than with req.fresh, which ignores a validator sent with Cache-Control: no-cache.
      const validators = (req.get('if-none-match') ?? '').split(',').map((v) => v.trim().replace(/^W\//, ''));
      if (validators.includes(found.etag) || validators.includes('*')) return res.status(304).end();
      const codings = acceptedCodings(req.get('accept-encoding'));
      const [coding, body] = found.br && codings.has('br') ? ['br', found.br] : found.gzip && codings.has('gzip') ? ['gzip', found.gzip] : [undefined, found.identity];
      if (coding) res.set('content-encoding', coding);
      res.set('content-length', String(body.length));
      res.status(200);
      if (req.method === 'HEAD') return res.end();
      res.end(body);
    } catch (err) {
      next(err);
    }
  };
}
