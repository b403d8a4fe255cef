import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and examples import the package by its public names; point those
    // at the sources so the suite runs before (and without) a build.
    alias: [
      { find: /^rxbus\/operators$/, replacement: here('./operators/index.ts') },
      { find: /^rxbus\/nats$/, replacement: here('./src/nats/index.ts') },
      { find: /^rxbus\/redis$/, replacement: here('./src/redis/index.ts') },
      { find: /^rxbus\/nestjs$/, replacement: here('./src/nestjs/index.ts') },
      { find: /^rxbus\/angular$/, replacement: here('./src/angular/index.ts') },
      { find: /^rxbus\/testing\/vitest$/, replacement: here('./src/testing/vitest.ts') },
      { find: /^rxbus\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^rxbus$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: false },
    testTimeout: 30_000,
  },
});
