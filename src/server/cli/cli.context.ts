import type { Type } from '@nestjs/common';
import type { AppConfig } from '../config/app.config';
import type { ParsedArgs } from './cli.args';

/** What a command's handler gets: its checked arguments, the configuration and the app's providers. */
export interface CliContext {
  readonly args: ParsedArgs;
  readonly config: AppConfig;
  /** --json was given: print JSON lines */
  readonly json: boolean;
  get<T>(type: Type<T>): T;
}

export type CommandHandler = (c: CliContext) => Promise<void>;
