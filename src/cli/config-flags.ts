/**
 * What the commands that analyse share on their command line: a hidden `--section.key VALUE`
 * for every configuration key, repeatable list flags, and the order in which flags override
 * the configuration (every `--section.key` given, then the command's own shortcuts: later wins).
 */
import { Option, type Command } from 'commander';
import { configKeys } from '../config/load.js';

/** Adds `--section.key <value>` (hidden from --help) for every key the command does not declare itself. */
export function addConfigKeyOptions(cmd: Command): void {
  for (const { key } of configKeys()) {
    if (!cmd.options.some((o) => o.long === `--${key}`)) cmd.addOption(new Option(`--${key} <value>`).hideHelp());
  }
}

/** A repeatable flag whose values may also be comma-separated (`-s R_SYN,TRAFFIC -s R_ACK`). */
export function collectList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

/**
 * The configuration overrides of a command line: each `--section.key` given, then each
 * shortcut `[key, value]` whose flag was given (not undefined, not false, not an empty list).
 */
export function configOverrides(flags: Record<string, unknown>, shortcuts: ReadonlyArray<readonly [string, unknown]> = []): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const { key } of configKeys()) if (flags[key] !== undefined) out.push([key, flags[key]]);
  for (const [key, value] of shortcuts) {
    if (value === undefined || value === false || (Array.isArray(value) && value.length === 0)) continue;
    out.push([key, value]);
  }
  return out;
}
