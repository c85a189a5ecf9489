/** 401 = who are you? (missing/invalid token); 403 = not allowed (wrong role, tenant or queue). Never echo the token. */
export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code:
      'missing_token' | 'invalid_token' | 'forbidden' | 'wrong_tenant' | 'queue_not_in_scope' | 'tenant_not_onboarded',
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
