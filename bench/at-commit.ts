/**
 * Runs this tree's benchmark against another commit's engine code, so "before" and "after" are
 * measured by the same bench on the same machine:
 *
 *   npx tsx bench/at-commit.ts <commit> --quick --label before
 *
 * Exports <commit> with `git archive` into a temp dir (no worktree, nothing in .git changes),
 * puts this tree's bench/ over its bench/, links this tree's node_modules and .tools (or runs
 * `npm ci` there when the commit's package-lock.json differs), runs bench/run.ts there with the
 * remaining arguments, and writes the results into this tree's bench/results/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

function main(): number {
  const [commit, ...benchArgs] = process.argv.slice(2);
  if (!commit || commit.startsWith('--')) {
    console.error('usage: npx tsx bench/at-commit.ts <commit> [bench/run.ts arguments, e.g. --quick --label before]');
    return 2;
  }
  const sha = execFileSync('git', ['rev-parse', '--verify', `${commit}^{commit}`], { cwd: ROOT }).toString().trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-at-${sha.slice(0, 10)}-`));
  try {
    console.log(`bench at ${sha} in ${dir}`);
    execFileSync('bash', ['-c', `git archive ${sha} | tar -x -C ${JSON.stringify(dir)}`], { cwd: ROOT, stdio: 'inherit' });
    fs.rmSync(path.join(dir, 'bench'), { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, 'bench'), path.join(dir, 'bench'), { recursive: true, filter: (src) => !src.startsWith(path.join(ROOT, 'bench', 'results')) });
    fs.symlinkSync(path.join(ROOT, '.tools'), path.join(dir, '.tools'));
    const lock = (d: string) => fs.readFileSync(path.join(d, 'package-lock.json'), 'utf8');
    if (lock(dir) === lock(ROOT)) {
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    } else {
      console.log(`${sha.slice(0, 10)} has other dependencies: npm ci in ${dir}`);
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
    }
    const hasOut = benchArgs.some((a) => a.startsWith('--out='));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...benchArgs, ...(hasOut ? [] : [`--out=${path.join(ROOT, 'bench', 'results')}`])], {
      cwd: dir,
      env: { ...process.env, BENCH_COMMIT: sha },
      stdio: 'inherit',
    });
    return run.status ?? 1;
  } finally {
    if (!process.env.BENCH_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
