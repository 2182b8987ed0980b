import type { Command } from 'commander';

/** A `netspot` sub-command: adds itself to the program. */
export interface CommandModule {
  register(program: Command): void;
}

import * as spot from './spot.js';

/** Every sub-command, in the order `netspot --help` lists them. */
export const commandModules: readonly CommandModule[] = [spot];
