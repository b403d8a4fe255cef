// Headless Chromium for the browser tests: Debian's package driven by
// playwright-core with `executablePath` (a tool's own browser download does not
// work on these machines and must never be used). The flags keep Chromium from
// reaching for the network at start-up, which this sandbox refuses.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Path of the system Chromium, or undefined when it is not installed. */
export function chromiumPath(): string | undefined {
  return candidates.find((path) => existsSync(path));
}

/**
 * Launches headless Chromium (playwright gives it a fresh temporary profile).
 * Throws (never skips) when Chromium is missing, with the
 * command that installs it: `.ci/run` installs it, so a missing browser is a
 * broken machine, not a reason to pass.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) {
    throw new Error('Chromium is not installed: run `apt-get install -y chromium` (.ci/run does this on CI).');
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
