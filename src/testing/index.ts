export { VirtualScheduler } from './virtual-scheduler.js';
