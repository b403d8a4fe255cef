import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Observable } from 'rxjs';
import { createCoordinator, replaceState, type CoordinatorOptions, type StateReplacement } from '../src/coordinator.js';
import {
  BusClosedError,
  CommandDroppedError,
  CommandQueueFullError,
  CoordinatorClosedError,
  QueueFullError,
  RxBusError,
} from '../src/errors.js';
import { deferred, seededRandom } from './support/async.js';

/** Yields to the microtask queue `hops` times: an await with no timer. */
async function hop(hops: number): Promise<void> {
  for (let i = 0; i < hops; i++) await Promise.resolve();
}

/** Settlement outcome of each promise, in order: 'ok:<value>' or '<ErrorName>'. */
async function outcomes(promises: readonly Promise<unknown>[]): Promise<string[]> {
  const results = await Promise.allSettled(promises);
  return results.map((r) =>
    r.status === 'fulfilled' ? `ok:${String(r.value)}` : r.reason instanceof Error ? r.reason.name : String(r.reason),
  );
}

/** A coordinator whose `block` command holds the queue until the returned gate opens. */
function gated(options: CoordinatorOptions = {}) {
  const gate = deferred();
  const ran: string[] = [];
  const coordinator = createCoordinator(
    { ran },
    {
      block: async (s) => {
        s.ran.push('block');
        await gate.promise;
        return 'block';
      },
      note: (s, label: string) => {
        s.ran.push(label);
        return label;
      },
    },
    options,
  );
  return { coordinator, gate, ran };
}

describe('createCoordinator', () => {
  describe('typing', () => {
    it('infers each method from its command: the parameters minus the state, a promise of the reply', () => {
      const counter = createCoordinator(
        { total: 0 },
        {
          add: (s, by: number) => (s.total += by),
          reset: (s) => {
            s.total = 0;
          },
          label: async (s, prefix: string, digits?: number) => `${prefix}${s.total.toFixed(digits)}`,
          swap: (s, total: number) => replaceState({ total }, s.total),
        },
      );
      expectTypeOf(counter.add).parameters.toEqualTypeOf<[by: number]>();
      expectTypeOf(counter.add).returns.toEqualTypeOf<Promise<number>>();
      expectTypeOf(counter.reset).parameters.toEqualTypeOf<[]>();
      expectTypeOf(counter.reset).returns.toEqualTypeOf<Promise<void>>();
      expectTypeOf(counter.label).parameters.toEqualTypeOf<[prefix: string, digits?: number]>();
      expectTypeOf(counter.label).returns.toEqualTypeOf<Promise<string>>();
      // replaceState's reply is what the caller gets, not the replacement itself.
      expectTypeOf(counter.swap).returns.toEqualTypeOf<Promise<number>>();
      expectTypeOf(counter.state).toEqualTypeOf<{ total: number }>();
      expectTypeOf(counter.state$).toEqualTypeOf<Observable<{ total: number }>>();
      expectTypeOf(counter.close).returns.toEqualTypeOf<Promise<void>>();
      expectTypeOf(replaceState(1)).toEqualTypeOf<StateReplacement<number, undefined>>();

      // Type checks only: never called, so the misuse below cannot corrupt the state.
      function misuse(): void {
        // @ts-expect-error the argument of add is a number
        void counter.add('5');
        // @ts-expect-error add takes its argument
        void counter.add();
        // @ts-expect-error there is no such command
        void counter.subtract(1);
      }
      void misuse;
      expect(() => {
        // @ts-expect-error state is read-only
        counter.state = { total: 1 };
      }).toThrow(TypeError);
      expect(counter.state).toEqual({ total: 0 });
      void counter.close();
    });

    it('refuses reserved names and a replacement of the wrong state type at compile time', () => {
      // @ts-expect-error 'state' is reserved
      expect(() => createCoordinator(0, { state: (n: number) => n })).toThrow(TypeError);
      // @ts-expect-error 'close' is reserved
      expect(() => createCoordinator(0, { close: () => undefined })).toThrow(TypeError);
      // @ts-expect-error the state is a number, the replacement a string
      const wrong = createCoordinator(0, { set: () => replaceState('zero') });
      // @ts-expect-error also through a promise
      const wrongAsync = createCoordinator(0, { set: async () => replaceState('zero') });
      void wrong.close();
      void wrongAsync.close();
    });
  });

  describe('serialisation', () => {
    it('loses no update when 1 000 callers read, await and write the state concurrently', async () => {
      const random = seededRandom(1);
      const counter = createCoordinator(
        { total: 0 },
        {
          async increment(state, hops: number) {
            const read = state.total;
            await hop(hops);
            state.total = read + 1;
            return state.total;
          },
        },
      );
      const replies = await Promise.all(Array.from({ length: 1000 }, () => counter.increment(Math.floor(random() * 8))));
      expect(counter.state.total).toBe(1000);
      // One at a time in arrival order: the n-th caller saw exactly n - 1 earlier increments.
      expect(replies).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      await counter.close();
    });

    it('is needed: the same read-await-write without a coordinator loses updates', async () => {
      // The control for the test above: proves its interleaving really races.
      const random = seededRandom(1);
      const state = { total: 0 };
      const increment = async (hops: number): Promise<void> => {
        const read = state.total;
        await hop(hops);
        state.total = read + 1;
      };
      await Promise.all(Array.from({ length: 1000 }, () => increment(Math.floor(random() * 8))));
      expect(state.total).toBeLessThan(1000);
    });

    it('loses no update when commands replace the state instead of mutating it', async () => {
      const random = seededRandom(2);
      const counter = createCoordinator(0, {
        async increment(n, hops: number) {
          await hop(hops);
          return replaceState(n + 1, n + 1);
        },
      });
      const replies = await Promise.all(Array.from({ length: 1000 }, () => counter.increment(Math.floor(random() * 8))));
      expect(counter.state).toBe(1000);
      expect(replies).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      await counter.close();
    });

    it('runs commands one at a time in arrival order', async () => {
      const random = seededRandom(3);
      const log: string[] = [];
      let running = 0;
      let maxRunning = 0;
      const c = createCoordinator(
        {},
        {
          async work(_s, id: number, hops: number) {
            running++;
            maxRunning = Math.max(maxRunning, running);
            log.push(`start ${id}`);
            await hop(hops);
            log.push(`end ${id}`);
            running--;
          },
          quick(_s, id: number) {
            log.push(`start ${id}`, `end ${id}`);
          },
        },
      );
      const calls = Array.from({ length: 200 }, (_, id) => (id % 3 === 0 ? c.quick(id) : c.work(id, Math.floor(random() * 6))));
      await Promise.all(calls);
      expect(log).toEqual(Array.from({ length: 200 }, (_, id) => [`start ${id}`, `end ${id}`]).flat());
      expect(maxRunning).toBe(1);
      await c.close();
    });

    it("starts the next command only after the previous one's promise settles", async () => {
      const { coordinator, gate, ran } = gated();
      const first = coordinator.block();
      const second = coordinator.note('second');
      await hop(50);
      expect(ran).toEqual(['block']);
      gate.resolve();
      await expect(first).resolves.toBe('block');
      expect(ran).toEqual(['block', 'second']);
      await expect(second).resolves.toBe('second');
      await coordinator.close();
    });

    it('runs a command inside the call when nothing else is running', () => {
      const counter = createCoordinator({ total: 0 }, { add: (s, by: number) => (s.total += by) });
      void counter.add(2);
      // Synchronous command, idle coordinator: the state has changed before the call returns.
      expect(counter.state.total).toBe(2);
      void counter.close();
    });

    it('runs 100 000 queued synchronous commands without overflowing the stack', async () => {
      const { coordinator, gate, ran } = gated();
      const blocked = coordinator.block();
      const notes = Array.from({ length: 100_000 }, (_, i) => coordinator.note(String(i)));
      gate.resolve();
      await blocked;
      const replies = await Promise.all(notes);
      expect(ran.length).toBe(100_001);
      expect(replies[0]).toBe('0');
      expect(replies[99_999]).toBe('99999');
      await coordinator.close();
    });

    it('queues a command called from a state$ subscriber behind the calls already waiting', async () => {
      const { coordinator, gate, ran } = gated();
      let reacted = false;
      const sub = coordinator.state$.subscribe((s) => {
        if (!reacted && s.ran.includes('block')) {
          reacted = true;
          void coordinator.note('from-subscriber');
        }
      });
      const calls = [coordinator.block(), coordinator.note('a'), coordinator.note('b')];
      gate.resolve();
      await Promise.all(calls);
      await hop(10);
      expect(ran).toEqual(['block', 'a', 'b', 'from-subscriber']);
      sub.unsubscribe();
      await coordinator.close();
    });
  });

  describe('replies', () => {
    it('sends each reply to its own caller only', async () => {
      const random = seededRandom(4);
      const c = createCoordinator(
        { served: 0 },
        {
          async square(state, x: number, hops: number) {
            await hop(hops);
            return { x, square: x * x, turn: state.served++ };
          },
        },
      );
      const xs = Array.from({ length: 1000 }, (_, i) => 1000 - i * 3);
      const replies = await Promise.all(xs.map((x) => c.square(x, Math.floor(random() * 8))));
      expect(replies).toEqual(xs.map((x, turn) => ({ x, square: x * x, turn })));
      expect(c.state.served).toBe(1000);
      await c.close();
    });

    it('mutates the state in place: state is the same object, changed', async () => {
      const initial = { items: [] as string[] };
      const cart = createCoordinator(initial, { add: (s, item: string) => s.items.push(item) });
      await expect(cart.add('apple')).resolves.toBe(1);
      await expect(cart.add('pear')).resolves.toBe(2);
      expect(cart.state).toBe(initial);
      expect(cart.state.items).toEqual(['apple', 'pear']);
      await cart.close();
    });

    it('replaces the state with replaceState and sends its reply to the caller', async () => {
      const initial = { items: [] as readonly string[] };
      const cart = createCoordinator(initial, {
        add: (s, item: string) => replaceState({ items: [...s.items, item] }, s.items.length + 1),
        clear: () => replaceState({ items: [] }),
      });
      await expect(cart.add('apple')).resolves.toBe(1);
      expect(cart.state).not.toBe(initial);
      expect(cart.state.items).toEqual(['apple']);
      expect(initial.items).toEqual([]);
      await expect(cart.clear()).resolves.toBeUndefined();
      expect(cart.state.items).toEqual([]);
      await cart.close();
    });

    it('sends a reply shaped like { state, reply } as it is, without replacing the state', async () => {
      const c = createCoordinator({ n: 1 }, { echo: () => ({ state: { n: 99 }, reply: 'x' }) });
      await expect(c.echo()).resolves.toEqual({ state: { n: 99 }, reply: 'x' });
      expect(c.state).toEqual({ n: 1 });
      await c.close();
    });
  });

  describe('errors', () => {
    it('rejects only the caller when a command throws', async () => {
      const boom = new Error('boom');
      const c = createCoordinator(
        { total: 0 },
        {
          add: (s, by: number) => (s.total += by),
          fail: (): number => {
            throw boom;
          },
        },
      );
      const calls = [c.add(1), c.fail(), c.add(2)];
      const results = await Promise.allSettled(calls);
      expect(results).toEqual([
        { status: 'fulfilled', value: 1 },
        { status: 'rejected', reason: boom },
        { status: 'fulfilled', value: 3 },
      ]);
      expect(c.state.total).toBe(3);
      await expect(c.add(4)).resolves.toBe(7);
      await c.close();
    });

    it("rejects only the caller when a command's promise rejects", async () => {
      const boom = new Error('async boom');
      const c = createCoordinator(
        { total: 0 },
        {
          add: async (s, by: number) => {
            await hop(2);
            return (s.total += by);
          },
          fail: async (): Promise<number> => {
            await hop(3);
            throw boom;
          },
        },
      );
      const results = await Promise.allSettled([c.add(1), c.fail(), c.add(2), c.fail(), c.add(3)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
      expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason)).toEqual([boom, boom]);
      expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([1, 3, 6]);
      expect(c.state.total).toBe(6);
      await c.close();
    });

    it('keeps what a failing command mutated before it threw, and never returns a replacement it did not make', async () => {
      const c = createCoordinator(
        { steps: [] as string[] },
        {
          half: (s): never => {
            s.steps.push('half');
            throw new Error('stopped half way');
          },
        },
      );
      await expect(c.half()).rejects.toThrow('stopped half way');
      expect(c.state.steps).toEqual(['half']);
      await c.close();
    });
  });

  describe('state$', () => {
    it('emits the current state on subscribe, then after every command that ran, failed ones included', async () => {
      const c = createCoordinator(0, {
        set: (_n, value: number) => replaceState(value, value),
        fail: (): never => {
          throw new Error('no');
        },
      });
      await c.set(1);
      const seen: number[] = [];
      const sub = c.state$.subscribe((n) => seen.push(n));
      expect(seen).toEqual([1]);
      await c.set(2);
      await c.fail().catch(() => undefined);
      await c.set(3);
      expect(seen).toEqual([1, 2, 2, 3]);
      sub.unsubscribe();
      await c.close();
    });

    it('emits the state before the caller resumes', async () => {
      const c = createCoordinator(0, { inc: (n) => replaceState(n + 1, n + 1) });
      const seen: number[] = [];
      const sub = c.state$.subscribe((n) => seen.push(n));
      const reply = await c.inc();
      expect(seen).toEqual([0, reply]);
      sub.unsubscribe();
      await c.close();
    });

    it('completes on close, after the last drained command, leaving no subscription behind', async () => {
      const { coordinator, gate } = gated();
      const events: string[] = [];
      const sub = coordinator.state$.subscribe({
        next: (s) => events.push(`next ${s.ran.join(',')}`),
        complete: () => events.push('complete'),
      });
      const calls = [coordinator.block(), coordinator.note('a')];
      const closed = coordinator.close();
      gate.resolve();
      await closed;
      await Promise.all(calls);
      expect(events).toEqual(['next ', 'next block', 'next block,a', 'complete']);
      expect(sub.closed).toBe(true);
    });

    it('gives a subscriber after close the final state, then completes', async () => {
      const c = createCoordinator(0, { inc: (n) => replaceState(n + 1) });
      await c.inc();
      await c.close();
      const events: string[] = [];
      const sub = c.state$.subscribe({ next: (n) => events.push(`next ${n}`), complete: () => events.push('complete') });
      expect(events).toEqual(['next 1', 'complete']);
      expect(sub.closed).toBe(true);
    });
  });

  describe('close', () => {
    it('drains queued commands by default, then resolves', async () => {
      const { coordinator, gate, ran } = gated();
      const calls = [coordinator.block(), coordinator.note('a'), coordinator.note('b')];
      let closed = false;
      const closing = coordinator.close().then(() => (closed = true));
      await hop(20);
      expect(closed).toBe(false);
      gate.resolve();
      await closing;
      expect(ran).toEqual(['block', 'a', 'b']);
      expect(await outcomes(calls)).toEqual(['ok:block', 'ok:a', 'ok:b']);
    });

    it('rejects queued commands with CoordinatorClosedError when closed without drain; the running one finishes', async () => {
      const { coordinator, gate, ran } = gated();
      const running = coordinator.block();
      const queued = [coordinator.note('a'), coordinator.note('b'), coordinator.note('c')];
      const closing = coordinator.close({ drain: false });
      // Rejected by close itself, while the running command still holds the queue.
      const errors = await Promise.race([Promise.all(queued.map((p) => p.catch((e: unknown) => e))), hop(20).then(() => [])]);
      expect(errors).toHaveLength(3);
      for (const error of errors) {
        expect(error).toBeInstanceOf(CoordinatorClosedError);
        expect(error).toBeInstanceOf(BusClosedError);
        expect(error).toMatchObject({ command: 'note', queued: true, name: 'CoordinatorClosedError' });
        expect((error as Error).message).toContain(`'note' never ran`);
      }
      let closed = false;
      void closing.then(() => (closed = true));
      await hop(20);
      expect(closed).toBe(false); // the running command still holds the state
      gate.resolve();
      await expect(running).resolves.toBe('block');
      await closing;
      expect(closed).toBe(true);
      expect(ran).toEqual(['block']);
    });

    it('rejects calls made after close, also while draining', async () => {
      const { coordinator, gate, ran } = gated();
      const running = coordinator.block();
      const closing = coordinator.close();
      const during = coordinator.note('during');
      gate.resolve();
      await closing;
      const after = coordinator.note('after');
      const errors = await Promise.all([during, after].map((p) => p.catch((e: unknown) => e)));
      for (const error of errors) {
        expect(error).toBeInstanceOf(CoordinatorClosedError);
        expect(error).toBeInstanceOf(RxBusError);
        expect(error).toMatchObject({ command: 'note', queued: false, operation: "run command 'note'" });
        expect((error as Error).message).toContain(`Cannot run command 'note': the coordinator is closed`);
      }
      await expect(running).resolves.toBe('block');
      expect(ran).toEqual(['block']);
    });

    it('resolves at once when idle, and returns the same promise when called twice', async () => {
      const c = createCoordinator(0, { inc: (n) => replaceState(n + 1) });
      const first = c.close();
      expect(c.close()).toBe(first);
      await expect(first).resolves.toBeUndefined();
    });

    it('rejects what a draining close has not run yet when close({ drain: false }) follows', async () => {
      const { coordinator, gate, ran } = gated();
      const calls = [coordinator.block(), coordinator.note('a'), coordinator.note('b')];
      const draining = coordinator.close();
      const hurried = coordinator.close({ drain: false });
      expect(hurried).toBe(draining);
      gate.resolve();
      await draining;
      expect(await outcomes(calls)).toEqual(['ok:block', 'CoordinatorClosedError', 'CoordinatorClosedError']);
      expect(ran).toEqual(['block']);
    });

    it('closes through Symbol.asyncDispose, draining', async () => {
      const { coordinator, gate, ran } = gated();
      const calls = [coordinator.block(), coordinator.note('a')];
      const disposing = coordinator[Symbol.asyncDispose]();
      gate.resolve();
      await disposing;
      expect(ran).toEqual(['block', 'a']);
      await expect(coordinator.note('late')).rejects.toBeInstanceOf(CoordinatorClosedError);
      expect(await outcomes(calls)).toEqual(['ok:block', 'ok:a']);
    });

    it('leaves nothing pending: every call settled, state$ completed, close resolved', async () => {
      const random = seededRandom(5);
      const c = createCoordinator(
        { total: 0 },
        {
          async add(s, by: number, hops: number) {
            await hop(hops);
            if (by % 7 === 0) throw new Error(`no multiples of 7: ${by}`);
            return (s.total += by);
          },
        },
        { capacity: 50, overflow: 'drop-oldest' },
      );
      let completed = false;
      const sub = c.state$.subscribe({ complete: () => (completed = true) });
      const calls = Array.from({ length: 300 }, (_, i) => c.add(i + 1, Math.floor(random() * 4)));
      const closed = c.close({ drain: false });
      const results = await Promise.allSettled(calls);
      await closed;
      // 1 ran at once, 50 waited, 249 evicted; then close rejected the 50 still waiting.
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
      expect(reasons.filter((e) => e instanceof CommandDroppedError)).toHaveLength(249);
      expect(reasons.filter((e) => e instanceof CoordinatorClosedError)).toHaveLength(50);
      expect(completed).toBe(true);
      expect(sub.closed).toBe(true);
      expect(c.state.total).toBe(1);
    });
  });

  describe('capacity and overflow', () => {
    it("rejects the new call with a QueueFullError under 'error'", async () => {
      const { coordinator, gate, ran } = gated({ capacity: 2, overflow: 'error' });
      const calls = [coordinator.block(), ...['a', 'b', 'c', 'd', 'e'].map((l) => coordinator.note(l))];
      const errors = await Promise.race([Promise.all(calls.slice(3).map((p) => p.catch((e: unknown) => e))), hop(20).then(() => [])]);
      expect(errors).toHaveLength(3);
      for (const error of errors) {
        expect(error).toBeInstanceOf(CommandQueueFullError);
        expect(error).toBeInstanceOf(QueueFullError);
        expect(error).toMatchObject({ type: 'note', command: 'note', capacity: 2, name: 'CommandQueueFullError' });
        expect((error as Error).message).toContain(`Command 'note' was rejected: 2 call(s) are already waiting`);
      }
      gate.resolve();
      expect(await outcomes(calls)).toEqual([
        'ok:block',
        'ok:a',
        'ok:b',
        'CommandQueueFullError',
        'CommandQueueFullError',
        'CommandQueueFullError',
      ]);
      expect(ran).toEqual(['block', 'a', 'b']);
      await coordinator.close();
    });

    it("defaults to 'error' when only capacity is given", async () => {
      const { coordinator, gate } = gated({ capacity: 1 });
      const calls = [coordinator.block(), coordinator.note('a'), coordinator.note('b')];
      gate.resolve();
      expect(await outcomes(calls)).toEqual(['ok:block', 'ok:a', 'CommandQueueFullError']);
      await coordinator.close();
    });

    it("rejects the new call with CommandDroppedError under 'drop-newest'", async () => {
      const { coordinator, gate, ran } = gated({ capacity: 2, overflow: 'drop-newest' });
      const calls = [coordinator.block(), ...['a', 'b', 'c', 'd'].map((l) => coordinator.note(l))];
      const error = await Promise.race([calls[3]?.catch((e: unknown) => e), hop(20).then(() => 'still pending')]);
      expect(error).toBeInstanceOf(CommandDroppedError);
      expect(error).toMatchObject({ command: 'note', capacity: 2, overflow: 'drop-newest' });
      gate.resolve();
      expect(await outcomes(calls)).toEqual(['ok:block', 'ok:a', 'ok:b', 'CommandDroppedError', 'CommandDroppedError']);
      expect(ran).toEqual(['block', 'a', 'b']);
      await coordinator.close();
    });

    it("rejects the oldest waiting call with CommandDroppedError under 'drop-oldest'", async () => {
      const { coordinator, gate, ran } = gated({ capacity: 2, overflow: 'drop-oldest' });
      const calls = [coordinator.block(), ...['a', 'b', 'c', 'd', 'e'].map((l) => coordinator.note(l))];
      const error = await Promise.race([calls[1]?.catch((e: unknown) => e), hop(20).then(() => 'still pending')]);
      expect(error).toMatchObject({ command: 'note', capacity: 2, overflow: 'drop-oldest', name: 'CommandDroppedError' });
      gate.resolve();
      expect(await outcomes(calls)).toEqual([
        'ok:block',
        'CommandDroppedError',
        'CommandDroppedError',
        'CommandDroppedError',
        'ok:d',
        'ok:e',
      ]);
      expect(ran).toEqual(['block', 'd', 'e']);
      await coordinator.close();
    });

    it('with capacity 0, refuses every call while one runs and runs a call when idle', async () => {
      for (const overflow of ['error', 'drop-newest', 'drop-oldest'] as const) {
        const { coordinator, gate, ran } = gated({ capacity: 0, overflow });
        const calls = [coordinator.block(), coordinator.note('a'), coordinator.note('b')];
        gate.resolve();
        const [first, ...rest] = await outcomes(calls);
        expect(first).toBe('ok:block');
        expect(rest).toEqual(
          overflow === 'error' ? ['CommandQueueFullError', 'CommandQueueFullError'] : ['CommandDroppedError', 'CommandDroppedError'],
        );
        await expect(coordinator.note('idle')).resolves.toBe('idle');
        expect(ran).toEqual(['block', 'idle']);
        await coordinator.close();
      }
    });

    it('counts waiting calls only, so room comes back as commands run', async () => {
      const c = createCoordinator(
        { done: 0 },
        {
          async step(s) {
            await hop(1);
            return ++s.done;
          },
        },
        { capacity: 3 },
      );
      // Round 1: 1 running + 3 waiting fit, the 5th is refused.
      const round1 = await outcomes(Array.from({ length: 5 }, () => c.step()));
      expect(round1).toEqual(['ok:1', 'ok:2', 'ok:3', 'ok:4', 'CommandQueueFullError']);
      // Round 2, after the queue emptied: the same again.
      const round2 = await outcomes(Array.from({ length: 5 }, () => c.step()));
      expect(round2).toEqual(['ok:5', 'ok:6', 'ok:7', 'ok:8', 'CommandQueueFullError']);
      await c.close();
    });

    it('queues any number of calls when unbounded (the default)', async () => {
      const { coordinator, gate } = gated();
      const calls = [coordinator.block(), ...Array.from({ length: 5000 }, (_, i) => coordinator.note(String(i)))];
      gate.resolve();
      const results = await outcomes(calls);
      expect(results.filter((r) => r.startsWith('ok:'))).toHaveLength(5001);
      expect(results[5000]).toBe('ok:4999');
      await coordinator.close();
    });
  });

  describe('arguments', () => {
    it('throws a TypeError naming a command that is not a function', () => {
      expect(() => createCoordinator(0, { add: 5 } as never)).toThrow(
        new TypeError(`Expected command 'add' to be a function (state, ...args) => reply, got number 5.`),
      );
    });

    it('throws a TypeError for each reserved command name', () => {
      for (const name of ['state', 'state$', 'close', 'then']) {
        expect(() => createCoordinator(0, { [name]: () => 1 } as never)).toThrow(
          expect.objectContaining({ name: 'TypeError', message: expect.stringContaining(`'${name}' cannot be a command name`) }),
        );
      }
    });

    it('throws a TypeError when the commands are not an object', () => {
      for (const bad of [null, undefined, 'add', [() => 1]]) {
        expect(() => createCoordinator(0, bad as never)).toThrow(TypeError);
      }
    });

    it('checks capacity and overflow', () => {
      expect(() => createCoordinator(0, {}, { capacity: -1 })).toThrow(RangeError);
      expect(() => createCoordinator(0, {}, { capacity: 1.5 })).toThrow(RangeError);
      expect(() => createCoordinator(0, {}, { capacity: Number.NaN })).toThrow(RangeError);
      expect(() => createCoordinator(0, {}, { overflow: 'drop' as never })).toThrow(
        new TypeError(`Expected 'overflow' to be one of 'error', 'drop-newest', 'drop-oldest', got "drop".`),
      );
      expect(() => createCoordinator(0, {}, null as never)).toThrow(TypeError);
    });

    it('checks close options and changes nothing when they are wrong', async () => {
      const c = createCoordinator(0, { inc: (n) => replaceState(n + 1, n + 1) });
      expect(() => c.close({ drain: 'no' as never })).toThrow(new TypeError(`Expected 'drain' to be true or false, got "no".`));
      expect(() => c.close(42 as never)).toThrow(TypeError);
      await expect(c.inc()).resolves.toBe(1);
      await c.close();
    });

    it("treats '__proto__' and 'constructor' as ordinary command names", async () => {
      const commands = Object.defineProperty({ constructor: () => 'ctor' }, '__proto__', {
        value: () => 'proto',
        enumerable: true,
      }) as unknown as { constructor: () => string; ['__proto__']: () => string };
      const c = createCoordinator(0, commands) as unknown as Record<string, () => Promise<string>>;
      expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
      await expect(c['__proto__']?.()).resolves.toBe('proto');
      await expect(c['constructor']?.()).resolves.toBe('ctor');
    });
  });
});
