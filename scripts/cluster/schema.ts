/**
 * The Temporal persistence and SQL visibility schemas, set up and migrated by temporal-sql-tool
 * with the schemas embedded in it (the same files as schema/postgresql/v12/ of the Go module).
 * Every step is idempotent, so each start runs them all and an upgrade migrates in place.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { PG_USER } from './postgres';

export const SCHEMAS = [
  { database: 'temporal', schemaName: 'postgresql/v12/temporal' },
  { database: 'temporal_visibility', schemaName: 'postgresql/v12/visibility' },
] as const;

export function setupSchemas(opts: { sqlTool: string; port: number; password: string; logFile: string; log: (m: string) => void }): void {
  const common = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '--port', String(opts.port), '--user', PG_USER, '--password', opts.password];
  const run = (database: string, args: string[], okIf?: RegExp) => {
    const r = spawnSync(opts.sqlTool, [...common, '--db', database, ...args], { encoding: 'utf8' });
    fs.appendFileSync(opts.logFile, `$ temporal-sql-tool --db ${database} ${args.join(' ')}\n${r.stdout}${r.stderr}\n`);
    if (r.status !== 0 && !(okIf && okIf.test(r.stdout + r.stderr))) {
      throw new Error(`temporal-sql-tool --db ${database} ${args.join(' ')} failed (${r.status}):\n${(r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n')}`);
    }
  };
  for (const { database, schemaName } of SCHEMAS) {
    run(database, ['create-database'], /already exists/);
    run(database, ['setup-schema', '-v', '0.0']);
    run(database, ['update-schema', '--schema-name', schemaName]);
  }
  opts.log(`schemas ready: ${SCHEMAS.map((s) => `${s.database} (${s.schemaName})`).join(', ')}`);
}

/** Custom search attribute columns per type in the visibility table the schema tool created. */
export function visibilitySlots(psql: string, port: number, password: string): Record<string, number> {
  const r = spawnSync(
    psql,
    ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '-d', 'temporal_visibility', '-At', '-c', "SELECT column_name FROM information_schema.columns WHERE table_name = 'executions_visibility'"],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: password } },
  );
  if (r.status !== 0) throw new Error(`psql could not read the visibility table's columns: ${r.stderr}`);
  const slots: Record<string, number> = {};
  for (const column of r.stdout.split('\n')) {
    const m = /^(bool|datetime|double|int|keywordlist|keyword|text)\d\d$/.exec(column.trim().toLowerCase());
    if (!m) continue;
    const type = m[1] === 'keywordlist' ? 'KEYWORD_LIST' : m[1]!.toUpperCase();
    slots[type] = (slots[type] ?? 0) + 1;
  }
  return slots;
}
