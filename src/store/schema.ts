import type Database from "better-sqlite3";

/**
 * Versioned schemas for every module that keeps tables in the case file. Each namespace (the store's
 * own "store", detection's findings, the eviction journal…) has an ordered list of migrations; the
 * case file records which have run in `schema_versions`, so opening an old case upgrades it and
 * opening it twice changes nothing.
 */
export function ensureSchema(
  db: Database.Database,
  namespace: string,
  migrations: readonly string[],
): number {
  if (!/^[a-z][a-z0-9_-]*$/i.test(namespace)) throw new Error(`invalid schema namespace "${namespace}"`);
  const current = currentVersion(db, namespace);
  if (current > migrations.length) {
    throw new Error(
      `case file has ${namespace} schema version ${current}, newer than this mfa-evict knows (${migrations.length}); upgrade mfa-evict`,
    );
  }
  if (current === migrations.length) return current;
  if (db.readonly) {
    throw new Error(
      `case file needs ${namespace} schema version ${migrations.length} (has ${current}); open it once for writing (any command that updates the case) to upgrade it`,
    );
  }
  const record = db.prepare("INSERT INTO schema_versions(namespace, version, applied_at) VALUES (?, ?, ?)");
  for (let version = current + 1; version <= migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version - 1]!);
      record.run(namespace, version, new Date().toISOString());
    }).immediate();
  }
  return migrations.length;
}

function currentVersion(db: Database.Database, namespace: string): number {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'")
    .get();
  if (!exists) {
    if (db.readonly) return 0;
    db.exec(
      "CREATE TABLE IF NOT EXISTS schema_versions (namespace TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, version))",
    );
  }
  const row = db
    .prepare("SELECT MAX(version) AS version FROM schema_versions WHERE namespace = ?")
    .get(namespace) as { version: number | null } | undefined;
  return row?.version ?? 0;
}

/**
 * The store's own tables. `records` holds every record once per (kind, natural key) with its raw JSON
 * and the normalized columns queries filter on; `provenance` links a record to each origin (a file
 * or a Graph endpoint) it was seen in; `coverage` says which kinds were collected/imported from
 * where, so an empty-but-collected kind is not reported as missing.
 */
export const STORE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    scope TEXT,
    time TEXT,
    user_id TEXT,
    type TEXT,
    from_graph INTEGER NOT NULL DEFAULT 0,
    raw TEXT NOT NULL,
    UNIQUE (kind, key)
  );
  CREATE INDEX records_kind_time ON records (kind, time);
  CREATE INDEX records_kind_user ON records (kind, user_id) WHERE user_id IS NOT NULL;
  CREATE INDEX records_kind_scope ON records (kind, scope) WHERE scope IS NOT NULL;
  CREATE TABLE origins (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    origin TEXT NOT NULL,
    UNIQUE (source, origin)
  );
  CREATE TABLE provenance (
    record_id INTEGER NOT NULL,
    origin_id INTEGER NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (record_id, origin_id)
  ) WITHOUT ROWID;
  CREATE TABLE coverage (
    kind TEXT NOT NULL,
    origin_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (kind, origin_id)
  ) WITHOUT ROWID;
  CREATE TABLE checkpoints (stream TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // Earlier versions dropped these indexes during a large import and rebuilt them at the end; a case
  // whose import was killed in between lacks them.
  `
  CREATE INDEX IF NOT EXISTS records_kind_time ON records (kind, time);
  CREATE INDEX IF NOT EXISTS records_kind_user ON records (kind, user_id) WHERE user_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS records_kind_scope ON records (kind, scope) WHERE scope IS NOT NULL;
  `,
];
