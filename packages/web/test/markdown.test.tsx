import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { MessageBody } from '../src/components/MessageBody.tsx';
import { MAX_NESTING, safeUrl, tooDeep } from '../src/markdown.ts';

function body(text: string): HTMLElement {
  const { container } = render(<MessageBody body={text} />);
  return container.querySelector<HTMLElement>('.message-body')!;
}

describe('message markdown', () => {
  it('bold, italic, strike and inline code', () => {
    const b = body('**bold** *italic* _also_ ~~gone~~ `a < b`');
    expect(b.querySelector('strong')!.textContent).toBe('bold');
    expect([...b.querySelectorAll('em')].map((e) => e.textContent)).toEqual(['italic', 'also']);
    expect(b.querySelector('del')!.textContent).toBe('gone');
    expect(b.querySelector('code')!.textContent).toBe('a < b');
    expect(b.querySelector('pre')).toBeNull();
  });

  it('a fenced code block, kept as typed, not highlighted', () => {
    const code = 'const x = 1;\n  if (x < 2) return "<b>";';
    const b = body('look:\n```ts\n' + code + '\n```');
    const pre = b.querySelector('pre')!;
    expect(pre.querySelector('code')!.textContent).toBe(code + '\n');
    expect(pre.querySelectorAll('span')).toHaveLength(0);
    expect(b.querySelector('b')).toBeNull();
  });

  it('block quotes and lists', () => {
    const b = body('> quoted\n\n- one\n- two\n\n1. first\n2. second');
    expect(b.querySelector('blockquote')!.textContent).toContain('quoted');
    expect([...b.querySelectorAll('ul > li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect([...b.querySelectorAll('ol > li')].map((li) => li.textContent)).toEqual([
      'first',
      'second',
    ]);
  });

  it('links, autolinked URLs and addresses open in a new tab without an opener', () => {
    const b = body(
      '[docs](https://example.com/d) and http://example.org/x, www.example.net or a@b.co',
    );
    const links = [...b.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/d',
      'http://example.org/x',
      'http://www.example.net',
      'mailto:a@b.co',
    ]);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    }
    expect(links[0]!.textContent).toBe('docs');
  });

  it('a heading is a bold line, not a heading', () => {
    const b = body('# Big\n\n###### small');
    expect(b.querySelector('h1, h2, h3, h4, h5, h6')).toBeNull();
    expect([...b.querySelectorAll('p.md-heading > strong')].map((s) => s.textContent)).toEqual([
      'Big',
      'small',
    ]);
  });

  it('an image is a link to it, never an image', () => {
    const b = body('![a cat](https://example.com/cat.png) ![](https://example.com/pixel.gif)');
    expect(b.querySelector('img')).toBeNull();
    const links = [...b.querySelectorAll('a')];
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['a cat', 'https://example.com/cat.png'],
      ['https://example.com/pixel.gif', 'https://example.com/pixel.gif'],
    ]);
  });

  it('a table, inside a box that scrolls', () => {
    const b = body('| a | b |\n| - | - |\n| 1 | 2 |');
    const table = b.querySelector('.md-table > table')!;
    expect([...table.querySelectorAll('th, td')].map((c) => c.textContent)).toEqual([
      'a',
      'b',
      '1',
      '2',
    ]);
  });

  it('every line typed is a line shown; raw HTML is text', () => {
    const b = body('one\ntwo\n<b>three</b>\n\n<div>\nfour\n</div>');
    expect(b.querySelectorAll('br').length).toBe(4);
    expect(b.querySelector('b, div')).toBeNull();
    expect(b.textContent).toBe('one\ntwo\n<b>three</b>\n<div>\nfour\n</div>');
  });

  it('a task list shows its boxes as characters, not as controls', () => {
    const b = body('- [x] done\n- [ ] to do');
    expect(b.querySelector('input')).toBeNull();
    expect(b.textContent).toContain('☑ done');
    expect(b.textContent).toContain('☐ to do');
  });
});

const XSS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x](data:text/html,<script>alert(1)</script>)',
  '<a href="javascript:alert(1)">x</a>',
  '![x](javascript:alert(1))',
  '<iframe src=//example.com>',
  '[x](  javascript:alert(1))',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '[x](vbscript:msgbox(1))',
  '[x](java\tscript:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '<javascript:alert(1)>',
  '[x][r]\n\n[r]: javascript:alert(1)',
  '![x](data:image/svg+xml,<svg onload=alert(1)>)',
  '[x](//evil.example)',
  '<details open ontoggle=alert(1)>',
  '<style>*{display:none}</style>',
  '<a href=https://ok.example onclick=alert(1)>x</a>',
  '[x](https://ok.example "title" onclick=alert(1))',
];

/** What a message may never put on the page, whatever it holds. */
function forbidden(root: HTMLElement): string[] {
  const found: string[] = [];
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'img', 'iframe', 'svg', 'object', 'embed', 'style', 'details'].includes(tag)) {
      found.push(`<${tag}>`);
    }
    for (const attr of el.getAttributeNames()) {
      if (/^on/i.test(attr) || attr === 'src' || attr === 'style') found.push(`${tag}[${attr}]`);
    }
    const href = el.getAttribute('href');
    if (href !== null && !/^(?:https?:\/\/|mailto:)/i.test(href)) found.push(`href=${href}`);
  }
  return found;
}

describe('hostile messages', () => {
  it.each(XSS)('%s: no script, image, frame, handler or unsafe URL', (payload) => {
    const { container } = render(<MessageBody body={payload} />);
    expect(forbidden(container)).toEqual([]);
    expect((window as { __xss?: unknown }).__xss).toBeUndefined();
    // the text is still there to read
    expect(container.textContent.length).toBeGreaterThan(0);
  });

  it('the check itself sees what it looks for', () => {
    const el = document.createElement('div');
    el.innerHTML = '<a href="javascript:x">a</a><img src=x><b onclick="x">b</b>';
    expect(forbidden(el)).toEqual(['href=javascript:x', '<img>', 'img[src]', 'b[onclick]']);
  });

  it('keeps http(s) and mailto URLs only', () => {
    expect(safeUrl('https://example.com/a?b#c')).toBe('https://example.com/a?b#c');
    expect(safeUrl('HTTP://example.com')).toBe('HTTP://example.com');
    expect(safeUrl('mailto:a@b.co')).toBe('mailto:a@b.co');
    for (const url of [
      'javascript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      'file:///etc/passwd',
      '/relative',
      '#anchor',
      '//evil.example',
      'http:/one-slash',
      '',
    ]) {
      expect(safeUrl(url), url).toBeUndefined();
    }
  });
});

describe('bodies nested past what a chat needs', () => {
  const deep = {
    quotes: '> '.repeat(5_000) + 'x',
    list: '- '.repeat(5_000) + 'x',
    ordered: '1. '.repeat(3_000) + 'x',
    emphasis: '*'.repeat(4_999) + 'x' + '*'.repeat(4_999),
    brackets: '['.repeat(5_000) + 'x' + ']'.repeat(5_000),
  };

  it.each(Object.entries(deep))('%s: shown as plain text, at once', (_, text) => {
    expect(tooDeep(text)).toBe(true);
    const started = performance.now();
    const { container } = render(<MessageBody body={text} />);
    expect(performance.now() - started).toBeLessThan(500);
    const b = container.querySelector('.message-body')!;
    expect(b.classList.contains('plain')).toBe(true);
    expect(b.textContent).toBe(text);
  });

  it('what people type is not too deep', () => {
    for (const text of [
      '> quote\n> > reply\n\n- a\n  - b\n    - c',
      '**bold** and *it* and ~~x~~ '.repeat(200),
      'a*b*c*d '.repeat(300),
      'snake_case_name and __init__ '.repeat(200),
      '* item\n'.repeat(500),
      '[a](https://x.y) '.repeat(300),
      '```\n' + '> > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > > >\n```',
    ]) {
      // the fenced one is conservative: its lines are counted as if they were quotes
      expect(tooDeep(text), text.slice(0, 40)).toBe(text.startsWith('```'));
    }
    expect(tooDeep('> '.repeat(MAX_NESTING) + 'x')).toBe(false);
    expect(tooDeep('> '.repeat(MAX_NESTING + 1) + 'x')).toBe(true);
    expect(tooDeep('*'.repeat(MAX_NESTING) + 'x' + '*'.repeat(MAX_NESTING))).toBe(false);
  });
});
