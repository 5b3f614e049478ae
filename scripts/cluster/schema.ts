/**
 * The Temporal persistence and SQL visibility schemas, set up and migrated by temporal-sql-tool
 * with the schemas embedded in it (the same files as schema/postgresql/v12/ of the Go module).
 * Every step is idempotent, so each start runs them all and an upgrade migrates in place.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PG_USER } from './postgres';
import { TEMPORAL_SERVER_VERSION } from './versions';

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

/** Custom search attribute columns per type in the SQL visibility schema of the pinned server. */
export function visibilitySlots(goModCache: string): Record<string, number> {
  const file = path.join(goModCache, `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`, 'schema/postgresql/v12/visibility/schema.sql');
  const sql = fs.readFileSync(file, 'utf8');
  const slots: Record<string, number> = {};
  for (const m of sql.matchAll(/^\s+(Bool|Datetime|Double|Int|KeywordList|Keyword|Text)\d\d\s/gm)) {
    const type = m[1] === 'KeywordList' ? 'KEYWORD_LIST' : m[1]!.toUpperCase();
    slots[type] = (slots[type] ?? 0) + 1;
  }
  return slots;
}
