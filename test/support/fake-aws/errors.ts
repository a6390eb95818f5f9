/** An error the fake answers with, in the wire format of the service's protocol. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly sender: 'Sender' | 'Receiver' = 'Sender',
    /** restJson1 (Lambda) error bodies carry extra members, e.g. Reason on TooManyRequestsException. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const validationError = (message: string) => new AwsError('ValidationError', message);
