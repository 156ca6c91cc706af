/**
 * Usernames are compared as people read them. NFKC folds full-width and compatibility forms (ａｄｍｉｎ → admin);
 * letters from two confusable scripts in one name (Latin "admin" with a Cyrillic а) are refused; and a new name
 * whose skeleton (look-alike letters mapped to Latin, case folded) equals an existing user's is refused too.
 */

// Cyrillic and Greek letters that render like Latin ones (lower case; Unicode confusables.txt, the common subset).
const LOOKALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's',
  і: 'i', ї: 'i', ј: 'j', ԁ: 'd', һ: 'h', ԛ: 'q', ԝ: 'w', ү: 'y', ӏ: 'l',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ϲ: 'c', ζ: 'z',
  '0': 'o', '1': 'l', l: 'l', I: 'l',
};

const CONFUSABLE_SCRIPTS = ['Latin', 'Cyrillic', 'Greek'] as const;

export function normaliseUsername(raw: string): string {
  return raw.normalize('NFKC').trim();
}

/** The scripts among Latin, Cyrillic and Greek that the name's letters come from. */
export function confusableScripts(name: string): string[] {
  return CONFUSABLE_SCRIPTS.filter((script) => new RegExp(`\\p{Script=${script}}`, 'u').test(name));
}

/** What a name looks like: compare these to find look-alike names. */
export function usernameSkeleton(name: string): string {
  return [...normaliseUsername(name).toLowerCase()].map((c) => LOOKALIKES[c] ?? c).join('').replace(/i/g, 'l');
}
