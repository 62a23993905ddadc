/** Environment configuration shared by the entry points. */
export interface Config {
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  smtpUrl?: string;
  mailFrom: string;
  apiPort: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.API_PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`API_PORT must be a port number; got ${env.API_PORT}`);
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    databaseUrl: env.DATABASE_URL ?? 'file:./data/yakkan.db',
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'yakkan <notices@yakkan.localhost>',
    apiPort: port,
  };
}
