import { ApiTags } from '@nestjs/swagger';
import { Public } from '../public.decorator';
import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

@ApiTags('Operations')
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
