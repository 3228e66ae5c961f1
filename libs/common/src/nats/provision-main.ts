import 'reflect-metadata';
import { loadConfig } from '../config/load-config';
import { ServiceConfig } from '../config/service.config';
import { connectNats, natsIdentity } from './nats';
import { provisionJetStream } from './provision';

/**
 * `npm run nats-provision` (in the image: `node libs/common/dist/nats/provision-main.js`): creates the events
 * stream, the services' durable consumers and the rate-limit bucket, as NATS_USER (the `provisioner` of
 * deploy/nats/auth.conf), then exits. Run it before the services when NATS requires users.
 */
async function main(): Promise<void> {
  const config = loadConfig(ServiceConfig);
  const handles = await connectNats(config.NATS_URL, 'agentry-nats-provision', natsIdentity(config));
  try {
    const created = await provisionJetStream(handles);
    process.stdout.write(created.length ? `created ${created.join(', ')}\n` : 'JetStream already provisioned\n');
  } finally {
    await handles.nc.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`nats-provision failed: ${err.message}\n`);
  process.exit(1);
});
