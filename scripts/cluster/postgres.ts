/**
 * PostgreSQL from Debian's packages, as a cluster of our own under data/ (not the system's
 * cluster), listening on 127.0.0.1 only, with a generated password. PostgreSQL refuses to run as
 * root, so under root the data folder belongs to the `postgres` user the Debian package creates.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PG_USER = 'temporal';

export interface PgBinaries {
  dir: string;
  version: number;
}

export function findPgBinaries(): PgBinaries | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .map(Number)
    .filter((v) => Number.isInteger(v) && v >= 12 && fs.existsSync(path.join(root, String(v), 'bin', 'postgres')))
    .sort((a, b) => b - a);
  return versions.length ? { dir: path.join(root, String(versions[0])), version: versions[0]! } : undefined;
}

/** Debian's postgresql package when it is missing (needs root, like any apt install). */
export function ensurePgBinaries(log: (m: string) => void): PgBinaries {
  const found = findPgBinaries();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error('PostgreSQL is not installed and this is not root: run `sudo apt-get install -y postgresql` once, then try again.');
  log('installing PostgreSQL from Debian packages (apt-get install postgresql) ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], { stdio: 'inherit', env });
  const installed = findPgBinaries();
  if (!installed) throw new Error('apt-get installed postgresql but no /usr/lib/postgresql/*/bin/postgres was found');
  return installed;
}

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/** Root: the `postgres` system user (created when missing). Anyone else: themselves. */
export function pgRunAs(): RunAs {
  if (process.getuid?.() !== 0) return { uid: process.getuid!(), gid: process.getgid!(), name: os.userInfo().username };
  const id = () => spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (id().status !== 0) execFileSync('useradd', ['--system', '--user-group', '--home-dir', '/var/lib/postgresql', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'inherit' });
  const uid = Number(id().stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid, gid, name: 'postgres' };
}

/** The folders above the data folder must be traversable by the server's user (mkdtemp makes 0700). */
function allowTraversal(dir: string): void {
  for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
  }
}

/** Creates the database cluster once (superuser `temporal` with a generated password kept beside it). */
export function initCluster(opts: { bin: PgBinaries; dataDir: string; passwordFile: string; runAs: RunAs; log: (m: string) => void }): string {
  if (!fs.existsSync(opts.passwordFile)) fs.writeFileSync(opts.passwordFile, crypto.randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = fs.readFileSync(opts.passwordFile, 'utf8').trim();
  if (fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))) return password;
  opts.log(`initialising a PostgreSQL ${opts.bin.version} cluster in ${opts.dataDir} ...`);
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  fs.chownSync(opts.dataDir, opts.runAs.uid, opts.runAs.gid);
  allowTraversal(opts.dataDir);
  // Beside the data folder, not in it: initdb wants an empty folder.
  const pwfile = path.join(path.dirname(opts.dataDir), `.initdb-password-${process.pid}`);
  fs.writeFileSync(pwfile, password, { mode: 0o600 });
  fs.chownSync(pwfile, opts.runAs.uid, opts.runAs.gid);
  try {
    const r = spawnSync(
      path.join(opts.bin.dir, 'bin', 'initdb'),
      ['-D', opts.dataDir, '-U', PG_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8', '--data-checksums'],
      { uid: opts.runAs.uid, gid: opts.runAs.gid, encoding: 'utf8', cwd: '/' },
    );
    if (r.status !== 0) throw new Error(`initdb failed (${r.status}): ${r.stderr || r.stdout}`);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  return password;
}

/** `postgres` in the foreground (a child the supervisor owns): TCP on 127.0.0.1 only, no socket file. */
export function postgresCommand(bin: PgBinaries, dataDir: string, port: number): { command: string; args: string[] } {
  return {
    command: path.join(bin.dir, 'bin', 'postgres'),
    args: [
      '-D', dataDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      // Four Temporal services with their pools (persistence 20, visibility 10 each) and headroom.
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=256MB',
      // A complaint the API acknowledged is on disk: every commit is flushed, and commits that
      // arrive together (five or more in flight) share one flush.
      '-c', 'synchronous_commit=on',
      '-c', 'commit_delay=200',
      '-c', 'log_min_messages=warning',
    ],
  };
}

export function pgIsReady(bin: PgBinaries, port: number): boolean {
  return spawnSync(path.join(bin.dir, 'bin', 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '-d', 'postgres'], { stdio: 'ignore' }).status === 0;
}
