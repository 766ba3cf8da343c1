import { ApiError } from '../api/http';
import { checkPasswordForm, passwordChangeProblem } from './passwordChange';

describe('checkPasswordForm', () => {
  it('accepts a new password as long as the broker asks, typed twice', () => {
    expect(checkPasswordForm('old-secret', 'new-secret-12', 'new-secret-12')).toBeNull();
    expect(checkPasswordForm('old-secret', 'new-secret', 'new-secret')?.message).toBe('The new password needs at least 12 characters.');
    expect(checkPasswordForm('old-secret', 'new-secret', 'new-secret', 8)).toBeNull();
  });

  it('names the field that is wrong', () => {
    expect(checkPasswordForm('', 'new-secret', 'new-secret')?.field).toBe('currentPassword');
    expect(checkPasswordForm('old-secret', 'short', 'short')?.field).toBe('newPassword');
    expect(checkPasswordForm('same-secret-12', 'same-secret-12', 'same-secret-12')?.field).toBe('newPassword');
    expect(checkPasswordForm('old-secret', 'new-secret-12', 'new-secret-1T')?.field).toBe('repeat');
  });
});

describe('passwordChangeProblem', () => {
  it('says the current password is not right when the broker says so', () => {
    const e = new ApiError(400, { reason: 'VALIDATION_FAILED', errors: [{ field: 'currentPassword', message: 'is not right' }] });
    expect(passwordChangeProblem(e)).toEqual({ field: 'currentPassword', message: 'Your current password is not right.' });
  });

  it('says how long to wait after too many wrong passwords', () => {
    const e = new ApiError(429, { reason: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 4 });
    expect(passwordChangeProblem(e).message).toMatch(/Wait 4 seconds/);
  });
});
