import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL URL of the test database (`DATABASE_URL`). Without one the PostgreSQL
 * tests are skipped, with the reason printed, except under CI (`CI=true`), where this
 * throws so that the suite fails instead of passing without them.
 */
export function postgresUrlOrSkip(): string | undefined {
  const url = process.env.DATABASE_URL;
  if (url) return url;
  if (process.env.CI === 'true') {
    throw new Error('DATABASE_URL is not set, and CI must run the PostgreSQL tests.');
  }
  console.warn('Skipping the PostgreSQL tests: DATABASE_URL is not set.');
  return undefined;
}

/** A fresh schema name, so that parallel test runs never share tables. */
export function testSchemaName(): string {
  return `test_${randomBytes(8).toString('hex')}`;
}

/** Runs `fn` with a client of its own on `url`, ended after. */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function dropSchema(url: string, schema: string): Promise<void> {
  return withClient(url, async (client) => {
    await client.query(`drop schema if exists ${client.escapeIdentifier(schema)} cascade`);
  });
}

/** Empties the chat's tables of a schema (its migrations stay applied). */
export async function emptySchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set search_path = ${client.escapeIdentifier(schema)}`);
    await client.query(
      'truncate rooms, drawings, users, messages, lines, nodes, reactions, bans restart identity',
    );
  } finally {
    await client.end();
  }
}
