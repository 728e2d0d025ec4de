// Only deliberate messages reach users: an expected failure is a UserFacingError with a code, an HTTP
// status and a message written for the person who will read it. Anything else is logged and answered
// with a generic message.

export class UserFacingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}

export class NotFoundError extends UserFacingError {
  constructor(what: string, message = `${what} not found`) {
    super(`${what}_not_found`, message, 404);
  }
}

/** The change named a version older than the one stored: someone changed it in between. */
export class StaleVersionError extends UserFacingError {
  constructor(
    readonly currentVersion: number,
    message = "This was changed elsewhere since you loaded it; here is the current state.",
  ) {
    super("stale_version", message, 409, { currentVersion });
  }
}

export class InvalidScopeError extends UserFacingError {
  constructor(message: string) {
    super("invalid_scope", message, 422);
  }
}

/** Refused for now, answered with Retry-After: the same request succeeds later. */
export class RetryLaterError extends UserFacingError {
  constructor(
    code: string,
    message: string,
    status: 429 | 503,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message, status, { retryAfterSeconds });
  }
}

/** Too many requests in the window: answered 429 with Retry-After. */
export class RateLimitedError extends RetryLaterError {
  constructor(retryAfterSeconds: number, message = "Too many requests; try again after the number of seconds in Retry-After.") {
    super("rate_limited", message, 429, retryAfterSeconds);
  }
}

/** A bounded resource of this server (the streams' connections) is all in use: 503 with Retry-After. */
export class CapacityError extends RetryLaterError {
  constructor(code: string, message: string, retryAfterSeconds = 5) {
    super(code, message, 503, retryAfterSeconds);
  }
}
