/**
 * Builds the Temporal server, temporal-sql-tool and the Web UI server from their Go modules at the
 * pinned versions, through the Go module proxy (`go install module/pkg@version`), into
 * .tools/cluster/bin. A cold build takes many minutes on two cores, so the Go caches live in one
 * folder that survives: .tools/go by default, or CLUSTER_GO_CACHE (CI points it outside the clone,
 * because every CI run starts from a fresh clone whose .tools/ is empty).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config/env';
import { GO_BINARIES, type GoBinaryName } from './versions';

export const CLUSTER_BIN_DIR = path.join(PROJECT_ROOT, '.tools', 'cluster', 'bin');

export function goCacheRoot(): string {
  return path.resolve(process.env.CLUSTER_GO_CACHE ?? path.join(PROJECT_ROOT, '.tools', 'go'));
}

function findGo(): string {
  const candidates = [process.env.GO, '/usr/local/go/bin/go', ...(process.env.PATH ?? '').split(path.delimiter).map((d) => d && path.join(d, 'go'))];
  for (const c of candidates) {
    if (c && fs.existsSync(c) && spawnSync(c, ['version'], { stdio: 'ignore' }).status === 0) return c;
  }
  throw new Error('Go is not installed: the cluster builds the Temporal server from its Go module. Install Go 1.26+ (or set GO to the go binary).');
}

function goEnv(root: string, gobin: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOPATH: path.join(root, 'gopath'),
    GOMODCACHE: path.join(root, 'mod'),
    GOCACHE: path.join(root, 'build'),
    GOBIN: gobin,
    // Never fetch a different Go toolchain: the build uses the Go that is installed.
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod',
    CGO_ENABLED: '0',
  };
}

/** The module and version a Go binary was built from (`go version -m`), or undefined. */
function builtFrom(go: string, file: string): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  const r = spawnSync(go, ['version', '-m', file], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const line = r.stdout.split('\n').find((l) => /^\s*mod\s/.test(l));
  return line?.trim().split(/\s+/).slice(1, 3).join('@');
}

export interface BuildReport {
  bin: Record<GoBinaryName, string>;
  /** Seconds spent compiling, per binary; 0 when an up-to-date binary was reused. */
  seconds: Record<GoBinaryName, number>;
}

export function ensureGoBinaries(log: (m: string) => void = (m) => console.log(m)): BuildReport {
  const go = findGo();
  const root = goCacheRoot();
  fs.mkdirSync(CLUSTER_BIN_DIR, { recursive: true });
  const report = { bin: {}, seconds: {} } as BuildReport;
  for (const spec of GO_BINARIES) {
    const target = path.join(CLUSTER_BIN_DIR, spec.name);
    const want = `${spec.module}@${spec.version}`;
    report.bin[spec.name] = target;
    report.seconds[spec.name] = 0;
    if (builtFrom(go, target) === want) continue;
    // One GOBIN per binary: two of the packages are both called `server`.
    const gobin = path.join(root, 'bin', `${spec.name}-${spec.version}`);
    const built = path.join(gobin, path.basename(spec.pkg));
    if (builtFrom(go, built) !== want) {
      log(`building ${spec.name} from ${spec.pkg}@${spec.version} (Go caches in ${root}) ...`);
      const started = Date.now();
      try {
        execFileSync(go, ['install', `${spec.pkg}@${spec.version}`], { env: goEnv(root, gobin), stdio: ['ignore', 'inherit', 'inherit'], cwd: root });
      } catch (err) {
        throw new Error(`go install ${spec.pkg}@${spec.version} failed: ${(err as Error).message}`);
      }
      report.seconds[spec.name] = Math.round((Date.now() - started) / 1000);
      log(`built ${spec.name} in ${report.seconds[spec.name]} s`);
    }
    fs.copyFileSync(built, `${target}.tmp`);
    fs.chmodSync(`${target}.tmp`, 0o755);
    fs.renameSync(`${target}.tmp`, target);
  }
  return report;
}

if (require.main === module) {
  try {
    const r = ensureGoBinaries();
    for (const [name, file] of Object.entries(r.bin)) console.log(`${name}: ${file}${r.seconds[name as GoBinaryName] ? ` (built in ${r.seconds[name as GoBinaryName]} s)` : ''}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
