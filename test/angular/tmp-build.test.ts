import { it } from 'vitest';
import { buildApp } from './e2e/build-app.js';
it('builds', async () => {
  console.time('import');
  await buildApp();
}, 200000);
