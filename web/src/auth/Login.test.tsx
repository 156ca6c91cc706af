import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import { setLang } from '../i18n/index.js';
import { Login } from './Login.js';

afterEach(cleanup);

function fill(user: string, pw: string) {
  fireEvent.change(screen.getByLabelText('User name'), { target: { value: user } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: pw } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('Login', () => {
  it('sends the trimmed user name and the password', async () => {
    setLang('en');
    const onLogin = vi.fn().mockResolvedValue(undefined);
    render(<Login onLogin={onLogin} />);
    fill('  rita ', 'secret pw');
    await waitFor(() => expect(onLogin).toHaveBeenCalledWith('rita', 'secret pw'));
  });

  it('says what went wrong: wrong password, too many attempts', async () => {
    setLang('en');
    const onLogin = vi.fn().mockRejectedValueOnce(new ApiError(401, 'unauthorized', 'bad', null)).mockRejectedValueOnce(new ApiError(429, 'rate_limited', 'slow', null));
    render(<Login onLogin={onLogin} />);
    fill('rita', 'wrong');
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong user name or password.');
    fill('rita', 'wrong');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too many attempts. Wait a minute and try again.'));
  });
});
