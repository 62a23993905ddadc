/** The SQLite database yakkan uses: DATABASE_URL, else the embedded default under ./data/. */
export const DEFAULT_DATABASE_URL = 'file:./data/yakkan.db';

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (!url) return DEFAULT_DATABASE_URL;
  if (!url.startsWith('file:')) {
    throw new Error(
      `DATABASE_URL must be a SQLite file URL (file:...); got "${url}". PostgreSQL is not wired yet.`,
    );
  }
  return url;
}
