import { Inject, Injectable, Scope, type Provider } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { createBus, DuplicateResponderError, type Bus, type HandlerContext, type Request } from 'rxbus';
import { DuplicateRequestHandlerError, getBusToken, HandleRequest, OnBusEvent, RxBusModule } from 'rxbus/nestjs';
import { describe, expect, it } from 'vitest';
import { closeAfterTest, startApp } from './testing-app.js';

type Events = {
  'user.get': Request<{ id: string }, { id: string; name: string }>;
  'user.count': Request<undefined, number>;
  'user.seen': { id: string };
};
async function start(providers: Provider[]) {
  const app = await startApp({ imports: [RxBusModule.forRoot({})], providers });
  return { app, bus: app.get<Bus<Events>>(getBusToken()) };
}

describe('@HandleRequest', () => {
  it("answers bus.request with the method's result, called on the instance with (payload, { signal })", async () => {
    @Injectable()
    class Users {
      readonly prefix = 'user-';
      @HandleRequest('user.get')
      async get({ id }: { id: string }, { signal }: HandlerContext) {
        expect(signal.aborted).toBe(false);
        return { id, name: `${this.prefix}${id}` };
      }
    }
    const { bus } = await start([Users]);
    await expect(bus.request('user.get', { id: '7' })).resolves.toEqual({ id: '7', name: 'user-7' });
    await expect(bus.request('user.count', undefined, { timeout: 50 })).rejects.toMatchObject({ name: 'NoResponderError' });
  });

  it('rejects the request with what the method throws', async () => {
    @Injectable()
    class Users {
      @HandleRequest('user.get')
      get(): never {
        throw new RangeError('no such user');
      }
    }
    const { bus } = await start([Users]);
    await expect(bus.request('user.get', { id: 'x' })).rejects.toThrow(new RangeError('no such user'));
  });

  it('fails start-up with DuplicateRequestHandlerError naming both methods, registering nothing', async () => {
    @Injectable()
    class UsersA {
      @OnBusEvent('user.seen')
      seen() {}
      @HandleRequest('user.get')
      get() {
        return { id: 'a', name: 'a' };
      }
    }
    @Injectable()
    class UsersB {
      @HandleRequest('user.get')
      fetch() {
        return { id: 'b', name: 'b' };
      }
    }
    const app = await Test.createTestingModule({ imports: [RxBusModule.forRoot({})], providers: [UsersA, UsersB] }).compile();
    // A failed init makes app.close() rethrow it: close the bus itself.
    closeAfterTest(() => app.get<Bus<Events>>(getBusToken()).close());
    const error = await app.init().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DuplicateRequestHandlerError);
    expect(error).toMatchObject({ name: 'DuplicateRequestHandlerError', type: 'user.get', handlers: ['UsersA.get', 'UsersB.fetch'] });
    expect((error as Error).message).toContain("@HandleRequest('user.get') is on both UsersA.get and UsersB.fetch");
    expect(app.get<Bus<Events>>(getBusToken()).stats().subscriptions).toBe(0);
  });

  it('allows the same type on two different buses', async () => {
    @Injectable()
    class Users {
      @HandleRequest('user.count')
      main() {
        return 1;
      }
      @HandleRequest('user.count', { bus: 'audit' })
      audit() {
        return 2;
      }
    }
    const app = await startApp({ imports: [RxBusModule.forRoot({}), RxBusModule.forRoot({ name: 'audit' })], providers: [Users] });
    await expect(app.get<Bus<Events>>(getBusToken()).request('user.count', undefined)).resolves.toBe(1);
    await expect(app.get<Bus<Events>>(getBusToken('audit')).request('user.count', undefined)).resolves.toBe(2);
  });

  it('resolves a request-scoped responder per request, with { type, payload } as REQUEST', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class Users {
      constructor(@Inject(REQUEST) private readonly request: { type: string; payload: { id: string } }) {}
      @HandleRequest('user.get')
      get() {
        return { id: this.request.payload.id, name: this.request.type };
      }
    }
    const { bus } = await start([Users]);
    await expect(bus.request('user.get', { id: '1' })).resolves.toEqual({ id: '1', name: 'user.get' });
  });

  it("keeps the core's rule against a responder registered by hand for the same type", async () => {
    const bus = createBus<Events>();
    bus.handle('user.get', ({ id }) => ({ id, name: 'by hand' }));
    @Injectable()
    class Users {
      @HandleRequest('user.get')
      get() {
        return { id: '', name: '' };
      }
    }
    const app = await Test.createTestingModule({ imports: [RxBusModule.forRoot({})], providers: [Users] })
      .overrideProvider(getBusToken())
      .useValue(bus)
      .compile();
    closeAfterTest(() => bus.close());
    await expect(app.init()).rejects.toBeInstanceOf(DuplicateResponderError);
  });

  it('checks its arguments when the class is defined', () => {
    expect(() => HandleRequest(42 as never)).toThrow(TypeError);
    expect(() => HandleRequest('user.get', { concurrency: 1.5 })).toThrow(RangeError);
  });
});
