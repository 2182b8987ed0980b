/**
 * bash and zsh completion scripts rendered from a commander program: its sub-commands (at any
 * depth), their options (hidden `--section.key` ones included), and which options take a value
 * (completed as file names, the most common value).
 */
import type { Command, Option } from 'commander';

interface Node {
  /** Sub-command names. */
  subs: string[];
  /** Every option word valid here (the command's own and its ancestors'). */
  opts: string[];
  /** Option words that take a value. */
  valued: string[];
}

function optionWords(options: readonly Option[]): { opts: string[]; valued: string[] } {
  const opts: string[] = [];
  const valued: string[] = [];
  for (const o of options) {
    const words = [o.short, o.long].filter((w): w is string => w !== undefined);
    opts.push(...words);
    if (o.required || o.optional) valued.push(...words);
  }
  return { opts, valued };
}

/** Every command path (`netspotctl config set`) with what can follow it. */
function nodes(cmd: Command, path: string, inherited: { opts: string[]; valued: string[] }, out: Map<string, Node>): void {
  const own = optionWords(cmd.options);
  const opts = [...inherited.opts, ...own.opts, '-h', '--help'];
  const valued = [...inherited.valued, ...own.valued];
  out.set(path, { subs: cmd.commands.map((c) => c.name()), opts: [...new Set(opts)], valued: [...new Set(valued)] });
  // Program options are accepted after a sub-command too (commander's default).
  for (const sub of cmd.commands) nodes(sub, `${path} ${sub.name()}`, { opts: [...inherited.opts, ...own.opts], valued }, out);
}

function table(program: Command): Map<string, Node> {
  const out = new Map<string, Node>();
  nodes(program, program.name(), { opts: [], valued: [] }, out);
  return out;
}

const shellWord = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

function assoc(name: string, t: Map<string, Node>, field: keyof Node): string {
  return `  ${name}=(\n${[...t].map(([path, n]) => `    [${shellWord(path)}]=${shellWord(n[field].join(' '))}`).join('\n')}\n  )`;
}

const header = (name: string): string =>
  `# ${name} completion, generated from its command-line definitions by scripts/gen-cli-docs.ts: do not edit.`;

export function bashCompletion(program: Command): string {
  const name = program.name();
  const fn = `_${name}_complete`;
  const t = table(program);
  return `${header(name)}
${fn}() {
  local -A subs opts valued
${assoc('subs', t, 'subs')}
${assoc('opts', t, 'opts')}
${assoc('valued', t, 'valued')}
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmdpath=${name} i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    # the value of an option is neither an option nor a sub-command
    if ((i > 1)) && [[ " \${valued[$cmdpath]} " == *" \${COMP_WORDS[i-1]} "* ]]; then continue; fi
    [[ $w == -* ]] && continue
    [[ " \${subs[$cmdpath]} " == *" $w "* ]] && cmdpath="$cmdpath $w"
  done
  if ((COMP_CWORD > 1)) && [[ " \${valued[$cmdpath]} " == *" $prev "* ]]; then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  elif [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "\${opts[$cmdpath]}" -- "$cur")
  elif [[ -n \${subs[$cmdpath]} ]]; then
    mapfile -t COMPREPLY < <(compgen -W "\${subs[$cmdpath]}" -- "$cur")
  else
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}
complete -F ${fn} ${name}
`;
}

function zshAssoc(name: string, t: Map<string, Node>, field: keyof Node): string {
  return `  ${name}=(\n${[...t].map(([path, n]) => `    ${shellWord(path)} ${shellWord(n[field].join(' '))}`).join('\n')}\n  )`;
}

export function zshCompletion(program: Command): string {
  const name = program.name();
  const t = table(program);
  return `#compdef ${name}
${header(name)}
_${name}() {
  local -A subs opts valued
${zshAssoc('subs', t, 'subs')}
${zshAssoc('opts', t, 'opts')}
${zshAssoc('valued', t, 'valued')}
  local cmdpath=${name} i w
  for (( i = 2; i < CURRENT; i++ )); do
    w=\${words[i]}
    # the value of an option is neither an option nor a sub-command
    (( i > 2 )) && [[ " \${valued[$cmdpath]} " == *" \${words[i-1]} "* ]] && continue
    [[ $w == -* ]] && continue
    [[ " \${subs[$cmdpath]} " == *" $w "* ]] && cmdpath="$cmdpath $w"
  done
  if (( CURRENT > 2 )) && [[ " \${valued[$cmdpath]} " == *" \${words[CURRENT-1]} "* ]]; then
    _files
  elif [[ \${words[CURRENT]} == -* ]]; then
    compadd -- \${=opts[$cmdpath]}
  elif [[ -n \${subs[$cmdpath]} ]]; then
    compadd -- \${=subs[$cmdpath]}
  else
    _files
  fi
}
_${name} "$@"
`;
}
