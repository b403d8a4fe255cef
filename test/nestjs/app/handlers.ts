/** The app's bus handlers: they count how many run at once and read the request's async context. */
import { Inject, Injectable, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { ClsService } from 'nestjs-cls';
import type { Bus, BusEvent } from 'rxbus';
import { HandleRequest, InjectBus, OnBusEvent } from 'rxbus/nestjs';
import type { AppEvents } from './events.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Injectable()
export class OrderHandlers {
  running = 0;
  maxRunning = 0;

  constructor(
    @InjectBus() private readonly bus: Bus<AppEvents>,
    @Inject(ClsService) private readonly cls: ClsService,
  ) {}

  @OnBusEvent('order.placed')
  async confirm({ id }: { id: string }) {
    this.maxRunning = Math.max(this.maxRunning, ++this.running);
    try {
      // A real pause lets the other requests' jobs pile up behind the 4 slots.
      await pause(2);
      this.bus.publish('order.confirmed', { id, requestId: this.cls.getId(), pid: process.pid });
    } finally {
      this.running--;
    }
  }

  @OnBusEvent('job.slow')
  async slow({ n }: { n: number }) {
    console.log(`slow start ${n}`);
    await pause(Number(process.env.SLOW_MS ?? 1000));
    console.log(`slow done ${n}`);
  }

  @OnBusEvent('job.fail')
  fail({ n }: { n: number }) {
    throw new Error(`deliberate failure ${n}`);
  }

  @HandleRequest('math.double')
  double({ n }: { n: number }) {
    return { doubled: n * 2, requestId: this.cls.getId() };
  }
}

let instances = 0;

/** Request-scoped: rxbus/nestjs resolves it per event, with the event as REQUEST. */
@Injectable({ scope: Scope.REQUEST })
export class PerEventHandler {
  readonly instance = ++instances;

  constructor(
    @Inject(REQUEST) private readonly request: BusEvent,
    @InjectBus() private readonly bus: Bus<AppEvents>,
  ) {}

  @OnBusEvent('scoped.ping')
  pong({ n }: { n: number }, event: BusEvent) {
    this.bus.publish('scoped.pong', { n, instance: this.instance, requestIsEvent: this.request === event });
  }
}
