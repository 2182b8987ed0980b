/**
 * The API's error model, NetSpot-style JSON: `{"error": "...", "code": <HTTP status>,
 * "details": [...]}`. `details` is present when there is more to say (each bad field).
 */
import { Type, type Static } from '@sinclair/typebox';

export const ErrorDetailSchema = Type.Object({
  field: Type.String({ description: 'dotted path of the offending field (analyzer.period), or the request part' }),
  message: Type.String(),
  expected: Type.Optional(Type.String({ description: 'what the field accepts' })),
});

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'what went wrong, for humans' }),
    code: Type.Integer({ description: 'the HTTP status, repeated' }),
    details: Type.Optional(Type.Array(ErrorDetailSchema)),
  },
  { $id: 'Error', description: 'Every error response' },
);

export type ErrorDetail = Static<typeof ErrorDetailSchema>;
export type ErrorBody = Static<typeof ErrorSchema>;

/** An error a route throws on purpose; the error handler turns it into an ErrorBody. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { error: this.message, code: this.status }
      : { error: this.message, code: this.status, details: this.details };
  }
}
