/** JSON-lines records as written by the file exporter, with `time` kept exact (a string). */
export function readJsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l.replace(/"time":(\d+)/, '"time":"$1"')) as Record<string, unknown>);
}
