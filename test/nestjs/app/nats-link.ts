/**
 * With NATS_PREFIX set, bridges the app's bus to the NATS server at NATS_URL
 * through rxbus/nats: ROLE=front sends `remote.placed` and receives
 * `remote.confirmed`; ROLE=worker the other way round.
 */
import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Bus } from 'rxbus';
import { bridge, type Bridge } from 'rxbus/nats';
import { getBusToken, OnBusEvent } from 'rxbus/nestjs';
import type { AppEvents } from './events.js';

@Injectable()
export class NatsLink implements OnModuleInit, BeforeApplicationShutdown {
  #nc: NatsConnection | undefined;
  #bridge: Bridge | undefined;

  constructor(@Inject(getBusToken()) private readonly bus: Bus<AppEvents>) {}

  async onModuleInit() {
    const prefix = process.env.NATS_PREFIX;
    if (!prefix) return;
    const front = process.env.ROLE === 'front';
    this.#nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
    this.#bridge = await bridge(this.bus, this.#nc, {
      prefix,
      publish: front ? ['remote.placed'] : ['remote.confirmed'],
      subscribe: front ? ['remote.confirmed'] : ['remote.placed'],
    });
    console.log('bridged');
  }

  // Before the bus drains (Nest runs the root module's hooks first): stop input, flush output.
  async beforeApplicationShutdown() {
    await this.#bridge?.close();
    await this.#nc?.close();
  }
}

/** The worker's side: answers what the front published, from another process. */
@Injectable()
export class RemoteWorker {
  constructor(@Inject(getBusToken()) private readonly bus: Bus<AppEvents>) {}

  @OnBusEvent('remote.placed')
  confirm({ id }: { id: string }) {
    this.bus.publish('remote.confirmed', { id, pid: process.pid });
  }
}
