import { Client } from 'pg';
import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { SnakeNamingStrategy } from './naming.strategy';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { ProcessedEventEntity } from '../consumer/processed-event.entity';

/** An entity or migration class. */
export type ClassType = abstract new (...args: never[]) => unknown;

export interface ServiceDataSourceInput {
  url: string;
  /** The service's own Postgres schema (`agents`, `executions`, …). */
  schema: string;
  entities: MixedList<ClassType | string | EntitySchema>;
  migrations: MixedList<ClassType | string>;
  poolSize?: number;
  migrationsRun?: boolean;
  applicationName?: string;
  /** Sent with every connection's startup (`-c name=value`). */
  sessionSettings?: Record<string, string>;
}

/** TypeORM options for one service: its schema, its migrations table, never `synchronize`. */
export function serviceDataSourceOptions(input: ServiceDataSourceInput): DataSourceOptions {
  const entities = [...(input.entities as unknown[]), OutboxEventEntity, ProcessedEventEntity] as DataSourceOptions['entities'];
  return {
    type: 'postgres',
    url: input.url,
    schema: input.schema,
    entities,
    migrations: input.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: input.migrationsRun ?? true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    applicationName: input.applicationName ?? input.schema,
    extra: {
      max: input.poolSize ?? 10,
      application_name: input.applicationName ?? input.schema,
      ...(input.sessionSettings && Object.keys(input.sessionSettings).length
        ? {
            options: Object.entries(input.sessionSettings)
              .map(([k, v]) => `-c ${k}=${v}`)
              .join(' '),
          }
        : {}),
    },
  } as DataSourceOptions;
}

/** Creates the database when it is missing (dev and tests), then the service's schema. */
export async function ensureDatabaseAndSchema(url: string, schema: string): Promise<void> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.slice(1));
  try {
    await withClient(url, (c) => c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // 3D000: database does not exist
    const admin = new URL(url);
    admin.pathname = '/postgres';
    await withClient(admin.toString(), async (c) => {
      try {
        await c.query(`CREATE DATABASE "${dbName.replace(/"/g, '')}"`);
      } catch (e) {
        if ((e as { code?: string }).code !== '42P04') throw e; // created by a sibling meanwhile
      }
    });
    await withClient(url, (c) => c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
  }
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createServiceDataSource(input: ServiceDataSourceInput): Promise<DataSource> {
  await ensureDatabaseAndSchema(input.url, input.schema);
  const ds = new DataSource(serviceDataSourceOptions(input));
  await ds.initialize();
  return ds;
}
