import { Injectable, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { BusClosedError, type Bus, type HandlerContext } from 'rxbus';
import { getBusToken, OnBusEvent, RxBusModule } from 'rxbus/nestjs';
import { VirtualScheduler } from 'rxbus/testing';
import { describe, expect, it } from 'vitest';
import { deferred, observe } from '../support/async.js';
import { CaptureLogger } from './capture-logger.js';

type Events = { job: { n: number } };

describe('shutdown drain', () => {
  it('stops admission, lets admitted jobs finish, then lets onApplicationShutdown run', async () => {
    const logger = new CaptureLogger();
    const order: string[] = [];
    const gate = deferred();
    @Injectable()
    class Worker implements OnModuleDestroy, OnApplicationShutdown {
      @OnBusEvent('job', { concurrency: 1 })
      async handle({ n }: { n: number }) {
        order.push(`start ${n}`);
        await gate.promise;
        order.push(`end ${n}`);
      }
      onModuleDestroy() {
        order.push('onModuleDestroy');
      }
      onApplicationShutdown(signal?: string) {
        order.push(`onApplicationShutdown ${signal}`);
      }
    }
    const app = await Test.createTestingModule({ imports: [RxBusModule.forRoot({ logger })], providers: [Worker] }).compile();
    await app.init();
    const bus = app.get<Bus<Events>>(getBusToken());
    bus.publish('job', { n: 1 });
    bus.publish('job', { n: 2 });
    const closing = observe(app.close('SIGTERM'));
    await expect.poll(() => bus.closed).toBe(true);
    expect(() => bus.publish('job', { n: 3 })).toThrow(BusClosedError);
    expect(closing.status).toBe('pending');
    expect(logger.at('log')).toContain('Draining 1 running and 1 queued handler job(s) on SIGTERM, up to 10000 ms');
    gate.resolve();
    await expect.poll(() => closing.status).toBe('fulfilled');
    expect(order).toEqual(['start 1', 'onModuleDestroy', 'end 1', 'start 2', 'end 2', 'onApplicationShutdown SIGTERM']);
    expect(bus.stats()).toMatchObject({ delivered: 2, dropped: 0, running: 0, queued: 0, subscriptions: 0 });
    expect(logger.at('error')).toEqual([]);
  });

  it('at drainTimeout cancels what is left, logs the stuck handlers, and completes the shutdown', async () => {
    const logger = new CaptureLogger();
    const scheduler = new VirtualScheduler();
    const aborted: number[] = [];
    @Injectable()
    class Stuck {
      @OnBusEvent('job', { concurrency: 1 })
      handle({ n }: { n: number }, _event: unknown, { signal }: HandlerContext) {
        return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(void aborted.push(n))));
      }
    }
    const app = await Test.createTestingModule({
      imports: [RxBusModule.forRoot({ logger, scheduler, drainTimeout: 5000 })],
      providers: [Stuck],
    }).compile();
    await app.init();
    const bus = app.get<Bus<Events>>(getBusToken());
    bus.publish('job', { n: 1 });
    bus.publish('job', { n: 2 });
    const closing = observe(app.close());
    await expect.poll(() => bus.closed).toBe(true);
    scheduler.advance(4999);
    await Promise.resolve();
    expect(closing.status).toBe('pending');
    expect(aborted).toEqual([]);
    scheduler.advance(1);
    await expect.poll(() => closing.status).toBe('fulfilled');
    expect(aborted).toEqual([1]);
    expect(bus.stats()).toMatchObject({ dropped: 1, running: 0, queued: 0 });
    expect(logger.at('error')).toEqual([
      expect.stringMatching(/^Shutdown drain timed out: close\(\) waited 5000 ms .*1 still running \('Stuck\.handle'\)/),
    ]);
    expect(scheduler.pending).toBe(0);
  });

  it('waits as long as it takes with drainTimeout: 0, and logs nothing when idle', async () => {
    const logger = new CaptureLogger();
    const app = await Test.createTestingModule({ imports: [RxBusModule.forRoot({ logger, drainTimeout: 0 })] }).compile();
    await app.init();
    const bus = app.get<Bus<Events>>(getBusToken());
    await app.close();
    expect(bus.closed).toBe(true);
    expect(logger.lines).toEqual([]);
  });

  it('leaves a bus closed by the app itself alone', async () => {
    const app = await Test.createTestingModule({ imports: [RxBusModule.forRoot({})] }).compile();
    await app.init();
    const bus = app.get<Bus<Events>>(getBusToken());
    await bus.close();
    await expect(app.close()).resolves.toBeUndefined();
  });
});
