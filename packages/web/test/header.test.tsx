import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'react-redux';
import { MemoryRouter } from 'react-router';
import { ApiContext } from '../src/api/context.tsx';
import { Header } from '../src/components/Header.tsx';
import { PHONE_QUERY } from '../src/hooks.ts';
import { setup } from './fakes.ts';

describe('the notification choice', () => {
  afterEach(() => localStorage.clear());

  function renderHeader(phone: boolean) {
    const real = window.matchMedia.bind(window);
    const media = vi
      .spyOn(window, 'matchMedia')
      .mockImplementation((q) => ({ ...real(q), matches: phone && q === PHONE_QUERY }));
    const t = setup();
    render(
      <MemoryRouter>
        <Provider store={t.store}>
          <ApiContext.Provider value={t.api}>
            <Header />
          </ApiContext.Provider>
        </Provider>
      </MemoryRouter>,
    );
    media.mockRestore();
    return t;
  }

  it('is a select on a desktop', () => {
    const t = renderHeader(false);
    const select = screen.getByRole<HTMLSelectElement>('combobox', {
      name: 'Desktop notifications',
    });
    fireEvent.change(select, { target: { value: 'off' } });
    expect(t.store.getState().ui.notify).toBe('off');
    expect(screen.queryByRole('button', { name: /^Notifications:/ })).toBeNull();
  });

  it('is a bell on a phone, its choices in a popover; the choice is kept', async () => {
    const t = renderHeader(true);
    const u = userEvent.setup();
    expect(screen.queryByRole('combobox', { name: 'Desktop notifications' })).toBeNull();
    await u.click(screen.getByRole('button', { name: 'Notifications: mentions' }));
    const menu = screen.getByRole('dialog', { name: 'Notifications' });
    const current = screen.getByRole<HTMLInputElement>('radio', { name: 'Mentions of me' });
    expect(current.checked).toBe(true);
    expect(document.activeElement).toBe(current);
    await u.click(screen.getByRole('radio', { name: 'Every message' }));
    expect(t.store.getState().ui.notify).toBe('all');
    expect(localStorage.getItem('notify')).toBe('all');
    expect(menu.isConnected).toBe(true);
    await u.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Notifications: every message' }),
    );
  });
});
