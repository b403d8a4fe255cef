/** HTTP in, bus events out, and a reply event back to the caller. */
import { Controller, Get, HttpException, Inject, Param, Post } from '@nestjs/common';
import { createRequire } from 'node:module';
import { BusClosedError, type Bus } from 'rxbus';
import { InjectBus } from 'rxbus/nestjs';
import type { AppEvents } from './events.js';
import { OrderHandlers } from './handlers.js';

@Controller()
export class OrdersController {
  constructor(
    @InjectBus() private readonly bus: Bus<AppEvents>,
    @Inject(OrderHandlers) private readonly handlers: OrderHandlers,
  ) {}

  @Post('orders/:id')
  async place(@Param('id') id: string) {
    const mark = this.bus.cursor();
    refusedWhenClosed(() => this.bus.publish('order.placed', { id }));
    const reply = await this.bus.waitFor('order.confirmed', { id }, { since: mark, timeout: 20_000 });
    return reply.payload;
  }

  @Post('remote/:id')
  async remote(@Param('id') id: string) {
    const reply = this.bus.waitFor('remote.confirmed', { id }, { timeout: 20_000 });
    this.bus.publish('remote.placed', { id });
    return (await reply).payload;
  }

  @Post('scoped/:n')
  async scoped(@Param('n') n: string) {
    const reply = this.bus.waitFor('scoped.pong', { n: Number(n) }, { timeout: 20_000 });
    refusedWhenClosed(() => this.bus.publish('scoped.ping', { n: Number(n) }));
    return (await reply).payload;
  }

  @Post('slow/:count')
  slow(@Param('count') count: string) {
    for (let n = 1; n <= Number(count); n++) refusedWhenClosed(() => this.bus.publish('job.slow', { n }));
    return { published: Number(count) };
  }

  @Post('fail/:n')
  fail(@Param('n') n: string) {
    refusedWhenClosed(() => this.bus.publish('job.fail', { n: Number(n) }));
    return { published: 1 };
  }

  @Get('double/:n')
  double(@Param('n') n: string) {
    return this.bus.request('math.double', { n: Number(n) });
  }

  @Get('stats')
  stats() {
    return { ...this.bus.stats(), maxRunning: this.handlers.maxRunning, pid: process.pid, nest: nestVersion() };
  }
}

function refusedWhenClosed(publish: () => void) {
  try {
    publish();
  } catch (error) {
    if (error instanceof BusClosedError) throw new HttpException({ error: error.name }, 503);
    throw error;
  }
}

/** The version of @nestjs/core that the app file resolves (the one it loaded). */
function nestVersion(): string {
  return (createRequire(process.argv[1]!)('@nestjs/core/package.json') as { version: string }).version;
}
