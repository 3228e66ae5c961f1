import { Module } from '@nestjs/common';
import { HookSecrets } from './hook-secrets';
import { HookSecretsSweep } from './hook-secrets.sweep';
import { HooksHandler } from './hooks.handler';
import { HooksRepository } from './hooks.repository';
import { HooksUseCase } from './hooks.use-case';

@Module({
  controllers: [HooksHandler],
  providers: [HookSecrets, HookSecretsSweep, HooksRepository, HooksUseCase],
})
export class HooksModule {}
