import { describe, expect, it } from 'vitest';
import { reviewActionFor } from './keys.js';

const press = (key: string, target: EventTarget | null = document.body, mods: Partial<KeyboardEvent> = {}) =>
  reviewActionFor({ key, target, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('review keys', () => {
  it('maps Y, N, arrows, Space and U', () => {
    expect(press('y')).toBe('confirm');
    expect(press('Y')).toBe('confirm');
    expect(press('n')).toBe('reject');
    expect(press('ArrowRight')).toBe('next');
    expect(press(' ')).toBe('next');
    expect(press('ArrowLeft')).toBe('previous');
    expect(press('u')).toBe('undo');
    expect(press('x')).toBeNull();
    expect(press('Enter')).toBeNull();
  });

  it('ignores keys with modifiers (browser shortcuts)', () => {
    expect(press('y', document.body, { ctrlKey: true })).toBeNull();
    expect(press('n', document.body, { metaKey: true })).toBeNull();
  });

  it('never fires while typing in a note, text input or select', () => {
    const textarea = document.createElement('textarea');
    const text = document.createElement('input');
    const select = document.createElement('select');
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    for (const el of [textarea, text, select, editable]) {
      expect(press('y', el)).toBeNull();
      expect(press(' ', el)).toBeNull();
    }
  });

  it('still fires when focus is on a checkbox or button', () => {
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(press('n', box)).toBe('reject');
    expect(press('ArrowRight', document.createElement('button'))).toBe('next');
  });
});
