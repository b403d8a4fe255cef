/** A Nest LoggerService that keeps what it is told, for assertions. */
import type { LoggerService } from '@nestjs/common';

export interface LogLine {
  readonly level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  readonly message: string;
  readonly extra: readonly unknown[];
}

export class CaptureLogger implements LoggerService {
  readonly lines: LogLine[] = [];
  log(message: unknown, ...extra: unknown[]) {
    this.lines.push({ level: 'log', message: String(message), extra });
  }
  error(message: unknown, ...extra: unknown[]) {
    this.lines.push({ level: 'error', message: String(message), extra });
  }
  warn(message: unknown, ...extra: unknown[]) {
    this.lines.push({ level: 'warn', message: String(message), extra });
  }
  debug(message: unknown, ...extra: unknown[]) {
    this.lines.push({ level: 'debug', message: String(message), extra });
  }
  verbose(message: unknown, ...extra: unknown[]) {
    this.lines.push({ level: 'verbose', message: String(message), extra });
  }
  fatal(message: unknown, ...extra: unknown[]) {
    this.lines.push({ level: 'fatal', message: String(message), extra });
  }
  at(level: LogLine['level']): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}
