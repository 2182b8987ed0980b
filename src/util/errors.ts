/** A mistake in what the user asked for (flags, config, arguments): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input that cannot be read (file, capture, snapshot): names the input and where. */
export class InputError extends Error {
  override name = 'InputError';
}

/** An output cannot be written (full disk, I/O error): exit code 1, names the key and the file. */
export class OutputError extends Error {
  override name = 'OutputError';
}
