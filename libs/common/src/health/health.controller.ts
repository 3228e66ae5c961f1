import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../public.decorator';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { NatsHandles } from '../nats/nats';
import { NATS, SERVICE_NAME } from '../tokens';

/** `/health/live`: the process answers. `/health/ready`: its database and NATS answer too. */
@ApiTags('Operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    @Inject(NATS) private readonly nats: NatsHandles,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok', service: 'gateway' } } })
  live() {
    return { status: 'ok', service: this.service };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database and NATS answer' })
  @ApiOkResponse({ schema: { example: { status: 'ok', service: 'gateway', checks: { database: 'ok', nats: 'ok' } } } })
  @ApiServiceUnavailableResponse({
    schema: { example: { status: 'unavailable', service: 'gateway', checks: { database: 'ok', nats: 'error: closed' } } },
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [database, nats] = await Promise.all([this.checkDb(), this.checkNats()]);
    const ok = database === 'ok' && nats === 'ok';
    reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', service: this.service, checks: { database, nats } };
  }

  private async checkDb(): Promise<string> {
    try {
      await Promise.race([this.ds.query('SELECT 1'), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2_000))]);
      return 'ok';
    } catch (err) {
      return `error: ${(err as Error).message}`;
    }
  }

  private async checkNats(): Promise<string> {
    if (this.nats.nc.isClosed()) return 'error: closed';
    try {
      await this.nats.nc.flush();
      return 'ok';
    } catch (err) {
      return `error: ${(err as Error).message}`;
    }
  }
}
