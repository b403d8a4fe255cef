/**
 * A Nest application (platform-express) using rxbus/nestjs, started as a
 * child process by test/nestjs/app.test.ts. Bundled by esbuild twice: as
 * CommonJS against NestJS 11 and as ESM against NestJS 12. Settings come from
 * the environment; it prints `listening <port>` when ready.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { RxBusModule } from 'rxbus/nestjs';
import type { IncomingMessage } from 'node:http';
import { OrderHandlers, PerEventHandler } from './handlers.js';
import { NatsLink, RemoteWorker } from './nats-link.js';
import { OrdersController } from './orders.controller.js';

@Module({
  imports: [
    ClsModule.forRoot({
      global: true,
      middleware: { mount: true, generateId: true, idGenerator: (req: IncomingMessage) => String(req.headers['x-request-id'] ?? 'none') },
    }),
    RxBusModule.forRoot({ concurrency: Number(process.env.CONCURRENCY ?? 4), drainTimeout: Number(process.env.DRAIN_TIMEOUT ?? 10_000) }),
  ],
  controllers: [OrdersController],
  providers: [OrderHandlers, PerEventHandler, NatsLink, ...(process.env.ROLE === 'worker' ? [RemoteWorker] : [])],
})
class AppModule {}

// No top-level await: the same source is also bundled as CommonJS.
async function main() {
  const app = await NestFactory.create(AppModule, { logger: ['log', 'error', 'warn'] });
  // useProcessExit: exit 0 after the hooks (Nest's default re-raises the signal: exit code 143).
  app.enableShutdownHooks(['SIGTERM'], { useProcessExit: true });
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  console.log(`listening ${address.port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
