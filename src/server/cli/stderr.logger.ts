import { ConsoleLogger, LogLevel } from '@nestjs/common';

/** Every log line on stderr, so a command's stdout carries only its answer (e.g. a token). */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}
