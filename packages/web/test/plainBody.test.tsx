import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderToStaticMarkup } from 'react-dom/server';
import { MarkdownBody, MessageBody, isPlainText } from '../src/components/MessageBody.tsx';

const viaMarkdown = (body: string) => renderToStaticMarkup(<MarkdownBody body={body} />);
const shown = (body: string) => renderToStaticMarkup(<MessageBody body={body} />);

describe('plain text bodies skip markdown', () => {
  it('are shown as markdown would show them', () => {
    for (const body of [
      'ok',
      'Hello there, how are you?',
      'lol 😄',
      'Ça va! Oui',
      "it's (mostly) done; next week - maybe",
      'Příliš žluťoučký kůň',
      'family 👨‍👩‍👧 time ❤️',
      'a2 b3 c4.',
    ]) {
      expect(isPlainText(body), body).toBe(true);
      expect(shown(body), body).toBe(viaMarkdown(body));
    }
  });

  it('anything that may be markup, a link, a mention or an entity goes through markdown', () => {
    for (const body of [
      '**bold**',
      'a_b_c',
      '`code`',
      '# title',
      '> quote',
      '- item',
      '1. first',
      'see www.example.com',
      'mail me@example.com',
      'https://example.com',
      'hi @bob',
      ':smile:',
      'a &amp; b',
      'a <b>',
      'two\nlines',
      ' leading space',
      'trailing space ',
      '2 things',
      'a [link](x)',
      'x | y',
      '~~gone~~',
      'back\\slash',
      'Ça va? «non» — “oui”',
    ]) {
      expect(isPlainText(body), body).toBe(false);
    }
  });

  it('whatever passes as plain renders as markdown does', () => {
    const chars = [...'abcXYZéß日本 ,.;?!\'"()-0123456789😄'];
    const text = fc
      .tuple(
        fc.constantFrom('a', 'Z', 'é', '日'),
        fc.array(fc.constantFrom(...chars), { maxLength: 40 }),
      )
      .map(([first, rest]) => first + rest.join(''));
    fc.assert(
      fc.property(text, (body) => {
        if (!isPlainText(body)) return;
        expect(shown(body)).toBe(viaMarkdown(body));
      }),
      { numRuns: 300 },
    );
  });
});
