/** The event map of the test app. */
import type { Request } from 'rxbus';

export type AppEvents = {
  'order.placed': { id: string };
  'order.confirmed': { id: string; requestId: string | undefined; pid: number };
  'remote.placed': { id: string };
  'remote.confirmed': { id: string; pid: number };
  'scoped.ping': { n: number };
  'scoped.pong': { n: number; instance: number; requestIsEvent: boolean };
  'job.slow': { n: number };
  'job.fail': { n: number };
  'math.double': Request<{ n: number }, { doubled: number; requestId: string | undefined }>;
};
