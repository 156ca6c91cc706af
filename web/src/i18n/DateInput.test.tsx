import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DateInput, formatDay } from './DateInput.js';
import { setLang } from './index.js';

afterEach(() => {
  cleanup();
  setLang('en');
});

describe('DateInput', () => {
  it('shows the date in the reader\'s language and takes a typed YYYY-MM-DD', () => {
    setLang('zh');
    const onChange = vi.fn();
    render(<DateInput value="2026-05-12" onChange={onChange} name="from" />);
    const box = screen.getByRole('textbox') as HTMLInputElement;
    expect(box.value).toBe('2026年5月12日');
    expect(box.placeholder).toBe('年-月-日');
    fireEvent.focus(box);
    expect(box.value).toBe('2026-05-12');
    fireEvent.change(box, { target: { value: '2026-06-01' } });
    fireEvent.blur(box);
    expect(onChange).toHaveBeenCalledWith('2026-06-01');
  });

  it('ignores what is not a date and clears with an empty box', () => {
    const onChange = vi.fn();
    render(<DateInput value="2026-05-12" onChange={onChange} />);
    const box = screen.getByRole('textbox') as HTMLInputElement;
    expect(box.value).toBe('12 May 2026');
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: 'next tuesday' } });
    fireEvent.blur(box);
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.focus(box);
    fireEvent.change(box, { target: { value: '' } });
    fireEvent.blur(box);
    expect(onChange).toHaveBeenCalledWith('');
    expect(formatDay('2026-12-03', 'en')).toBe('3 Dec 2026');
  });
});
