/**
 * A man page (section 1) rendered from a commander program: the same descriptions, options,
 * defaults and extra help text that `--help` prints, so nothing is written twice.
 */
import type { EventEmitter } from 'node:events';
import type { Command, Help, Option } from 'commander';
import { roffArg, roffHeader, roffLines, roffText } from './roff.js';

/** Prose the program does not carry: extra sections appended after the commands. */
export interface ManExtras {
  /** Paragraph(s) after the program's one-line description. */
  description: string;
  /** Extra sections, e.g. `{ 'EXIT STATUS': '...', FILES: '...' }`; `.TP` items as `term\tdefinition` lines. */
  sections: Record<string, string>;
  seeAlso: string[];
}

/** The text a command adds after its options in `--help` (commander's `addHelpText('after', ...)`). */
export function afterHelpText(cmd: Command): string {
  let text = '';
  // commander keeps that text as an 'afterHelp' listener (a Command is an EventEmitter).
  (cmd as unknown as EventEmitter).emit('afterHelp', { error: false, command: cmd, write: (s: string) => void (text += s) });
  return text.trim();
}

function optionItems(help: Help, options: readonly Option[]): string[] {
  return options.map((o) => `.TP\n.B ${roffArg(help.optionTerm(o))}\n${roffLines(help.optionDescription(o))}`);
}

/** The after-help text: runs of indented lines (examples, formats) kept as written, other lines as prose. */
function helpTextBlock(text: string): string {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    let run: string[] = [];
    let indented = false;
    const flush = (): void => {
      if (run.length === 0) return;
      out.push(indented ? `.RS\n.nf\n${roffLines(run.map((l) => l.slice(2)).join('\n'))}\n.fi\n.RE` : `.PP\n${roffLines(run.join('\n'))}`);
      run = [];
    };
    for (const line of para.split('\n')) {
      if (line.startsWith('  ') !== indented) flush();
      indented = line.startsWith('  ');
      run.push(line);
    }
    flush();
  }
  return out.join('\n');
}

/** Walks the commands depth first: `netspotctl config set` is a section of its own. */
function commandSections(help: Help, cmd: Command, prefix: string): string[] {
  const out: string[] = [];
  for (const sub of cmd.commands) {
    const name = `${prefix} ${sub.name()}`;
    const path = name.split(' ').slice(1).join(' ');
    out.push(`.SS ${roffArg(`${path} ${sub.usage()}`)}`);
    out.push(roffLines(help.commandDescription(sub)));
    const args = help.visibleArguments(sub);
    if (args.length > 0) {
      out.push(...args.map((a) => `.TP\n.I ${roffArg(help.argumentTerm(a))}\n${roffLines(help.argumentDescription(a))}`));
    }
    const options = help.visibleOptions(sub).filter((o) => o.long !== '--help');
    if (options.length > 0) out.push(...optionItems(help, options));
    const after = afterHelpText(sub);
    if (after !== '') out.push(helpTextBlock(after));
    out.push(...commandSections(help, sub, name));
  }
  return out;
}

export function programManPage(program: Command, version: string, extras: ManExtras): string {
  const help = program.createHelp();
  const name = program.name();
  const out: string[] = [
    `.\\" Generated from the ${name} command-line definitions by scripts/gen-cli-docs.ts: do not edit.`,
    roffHeader(name, 1, version, 'NetSpot'),
    '.SH NAME',
    `${name} \\- ${roffText(program.description())}`,
    '.SH SYNOPSIS',
    `.B ${name}`,
    '[\\fIoptions\\fR] \\fIcommand\\fR [\\fIcommand options\\fR] [\\fIarguments\\fR]',
    '.SH DESCRIPTION',
    roffLines(extras.description),
    '.SH OPTIONS',
    ...optionItems(help, help.visibleOptions(program)),
    '.SH COMMANDS',
    ...commandSections(help, program, name),
  ];
  for (const [title, body] of Object.entries(extras.sections)) {
    out.push(`.SH ${title}`);
    for (const line of body.split('\n')) {
      const [term, def] = line.split('\t');
      out.push(def === undefined ? `.PP\n${roffLines(term)}` : `.TP\n.B ${roffArg(term)}\n${roffLines(def)}`);
    }
  }
  out.push('.SH SEE ALSO', seeAlso(extras.seeAlso));
  return out.join('\n') + '\n';
}

/** `netspotctl(1)` as `.BR netspotctl (1),` lines. */
export function seeAlso(pages: readonly string[]): string {
  return pages.map((p, i) => `.BR ${p.replace(/\((\w+)\)$/, ' ($1)')}${i < pages.length - 1 ? ',' : ''}`).join('\n');
}
