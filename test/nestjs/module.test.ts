import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Bus } from 'rxbus';
import { getBusToken, InjectBus, OnBusEvent, RxBusModule } from 'rxbus/nestjs';
import { VirtualScheduler } from 'rxbus/testing';
import { describe, expect, it } from 'vitest';
import { startApp } from './testing-app.js';

type Events = { 'order.created': { id: number }; 'audit.entry': { what: string } };
@Injectable()
class Orders {
  constructor(@InjectBus() readonly bus: Bus<Events>) {}
}

describe('RxBusModule.forRoot', () => {
  it('creates one bus with the options given and injects it by @InjectBus() and getBusToken()', async () => {
    const scheduler = new VirtualScheduler();
    const app = await startApp({ imports: [RxBusModule.forRoot({ scheduler, history: 3 })], providers: [Orders] });
    const bus = app.get<Bus<Events>>(getBusToken());
    expect(app.get(Orders).bus).toBe(bus);
    // history: 3 and the virtual scheduler reached createBus.
    scheduler.advance(42);
    bus.publish('order.created', { id: 1 });
    const event = await bus.waitFor('order.created', undefined, { since: 'history' });
    expect(event.time).toBe(42);
    expect(getBusToken()).toBe('rxbus:bus');
  });

  it('takes no options at all: a bus with createBus defaults', async () => {
    const app = await startApp({ imports: [RxBusModule.forRoot()], providers: [Orders] });
    const bus = app.get<Bus<Events>>(getBusToken());
    expect(app.get(Orders).bus).toBe(bus);
    expect(bus.stats().published).toBe(0);
  });

  it('refuses a bad drainTimeout when the bus is created, naming it', async () => {
    const compiled = Test.createTestingModule({ imports: [RxBusModule.forRoot({ drainTimeout: -1 })] }).compile();
    await expect(compiled).rejects.toThrow(/'drainTimeout'/);
  });

  it('is visible only to importing modules by default, and everywhere with isGlobal', async () => {
    @Module({ providers: [Orders] })
    class FeatureModule {}
    await expect(Test.createTestingModule({ imports: [RxBusModule.forRoot({}), FeatureModule] }).compile()).rejects.toThrow(/rxbus:bus/);
    const app = await startApp({ imports: [RxBusModule.forRoot({ isGlobal: true }), FeatureModule] });
    expect(app.get(Orders).bus).toBe(app.get(getBusToken()));
  });
});

describe('RxBusModule.forRootAsync', () => {
  it('builds the options with an injected factory from imported modules', async () => {
    const CONFIG = 'config';
    @Module({ providers: [{ provide: CONFIG, useValue: { concurrency: 1 } }], exports: [CONFIG] })
    class ConfigModule {}
    @Injectable()
    class Slow {
      running = 0;
      max = 0;
      @OnBusEvent('order.created')
      async handle() {
        this.max = Math.max(this.max, ++this.running);
        await Promise.resolve();
        this.running--;
      }
    }
    const app = await startApp({
      imports: [
        RxBusModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: async (config: { concurrency: number }) => ({ ...config }),
        }),
      ],
      providers: [Slow],
    });
    const bus = app.get<Bus<Events>>(getBusToken());
    for (let id = 0; id < 5; id++) bus.publish('order.created', { id });
    expect(bus.stats()).toMatchObject({ running: 1, queued: 4 });
    await bus.settled();
    expect(app.get(Slow).max).toBe(1);
  });
});

describe('a second bus', () => {
  it('is registered under getBusToken(name), injected with @InjectBus(name), and gets only the handlers that name it', async () => {
    @Injectable()
    class Audit {
      readonly seen: string[] = [];
      constructor(
        @InjectBus('audit') readonly audit: Bus<Events>,
        @Inject(getBusToken()) readonly main: Bus<Events>,
      ) {}
      @OnBusEvent('audit.*', { bus: 'audit' })
      onAudit({ what }: { what: string }) {
        this.seen.push(`audit:${what}`);
      }
      @OnBusEvent('audit.*')
      onMain({ what }: { what: string }) {
        this.seen.push(`main:${what}`);
      }
    }
    const app = await startApp({
      imports: [RxBusModule.forRoot({}), RxBusModule.forRootAsync({ name: 'audit', useFactory: () => ({}) })],
      providers: [Audit],
    });
    const audit = app.get(Audit);
    expect(audit.audit).toBe(app.get(getBusToken('audit')));
    expect(audit.audit).not.toBe(audit.main);
    audit.audit.publish('audit.entry', { what: 'a' });
    audit.main.publish('audit.entry', { what: 'b' });
    await Promise.all([audit.audit.settled(), audit.main.settled()]);
    expect(audit.seen).toEqual(['audit:a', 'main:b']);
    expect(getBusToken('audit')).toBe('rxbus:bus:audit');
    expect(() => getBusToken('')).toThrow(TypeError);
  });
});

describe('early events', () => {
  it('delivers events published in onModuleInit and onApplicationBootstrap of importing modules', async () => {
    const seen: number[] = [];
    @Injectable()
    class Listener {
      @OnBusEvent('order.created')
      handle({ id }: { id: number }) {
        seen.push(id);
      }
    }
    @Injectable()
    class EarlyPublisher implements OnModuleInit, OnApplicationBootstrap {
      constructor(@InjectBus() private readonly bus: Bus<Events>) {}
      onModuleInit() {
        this.bus.publish('order.created', { id: 1 });
      }
      onApplicationBootstrap() {
        this.bus.publish('order.created', { id: 2 });
      }
    }
    @Module({ imports: [RxBusModule.forRoot({})], providers: [EarlyPublisher] })
    class PublisherModule {}
    @Module({ imports: [RxBusModule.forRoot({})], providers: [Listener] })
    class ListenerModule {}
    const app = await startApp({ imports: [PublisherModule, ListenerModule] });
    await app.get<Bus<Events>>(getBusToken()).settled();
    expect(seen).toEqual([1, 2]);
  });

  it('delivers events published in onModuleInit of any module when the bus is global', async () => {
    const seen: number[] = [];
    @Injectable()
    class EarlyPublisher implements OnModuleInit {
      constructor(@InjectBus() private readonly bus: Bus<Events>) {}
      onModuleInit() {
        this.bus.publish('order.created', { id: 7 });
      }
      @OnBusEvent('order.created')
      handle({ id }: { id: number }) {
        seen.push(id);
      }
    }
    @Module({ providers: [EarlyPublisher] })
    class DeepModule {}
    @Module({ imports: [DeepModule] })
    class MiddleModule {}
    const app = await startApp({ imports: [MiddleModule, RxBusModule.forRoot({ isGlobal: true })] });
    await app.get<Bus<Events>>(getBusToken()).settled();
    expect(seen).toEqual([7]);
  });
});
