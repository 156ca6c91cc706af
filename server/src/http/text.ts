// C0/C1 controls (NUL included) and the bidirectional overrides/isolates that can make a name display reversed
// (U+202E "…gpj.exe"). Zero-width joiners are kept: Chinese and other scripts need them.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const INVISIBLE_KEEP_NEWLINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A one-line display text (names, labels): controls and direction overrides removed, NFC, trimmed. */
export function cleanText(raw: string): string {
  return raw.replace(INVISIBLE, '').normalize('NFC').trim();
}

/** A free-text note: like cleanText but keeps line breaks. */
export function cleanMultiline(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').replace(INVISIBLE_KEEP_NEWLINES, '').normalize('NFC').trim();
}

/** A strict decimal number: no hex (0x10), exponents (1e0), Infinity or blanks; "-12.5" and "3" pass. */
export const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;
/** A strict positive integer id: "1" passes; "0x1", "1e0", "1.0", "01" and "+1" do not. */
export const POSITIVE_ID = /^[1-9]\d{0,15}$/;
