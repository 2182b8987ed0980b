import type { Command } from 'commander';

/** A `netspot` sub-command: adds itself to the program. */
export interface CommandModule {
  register(program: Command): void;
}

import * as run from './run.js';
import * as spot from './spot.js';
import * as defaults from './defaults.js';
import * as ls from './ls.js';
import * as serve from './serve.js';
import * as zeek from './zeek.js';
import * as evaluate from './eval.js';
import * as aggregate from './aggregate.js';

/** Every sub-command, in the order `netspot --help` lists them. */
export const commandModules: readonly CommandModule[] = [run, serve, zeek, aggregate, spot, evaluate, defaults, ls];
