import { Component, memo, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { remarkChat, safeUrl, tooDeep } from '../markdown.ts';

const remarkPlugins = [remarkGfm, remarkChat];

function Heading({ children }: { children?: ReactNode }) {
  // a chat message does not shout: a heading is a bold line of the message
  return (
    <p className="md-heading">
      <strong>{children}</strong>
    </p>
  );
}

/** How message markdown becomes elements; URLs have been through safeUrl already. */
const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  // an image is a link to it: no tracking pixels, no huge pictures in the list
  img: ({ src, alt }) => {
    const text = alt || (typeof src === 'string' ? src : '');
    return typeof src === 'string' && src !== '' ? (
      <a href={src} target="_blank" rel="noopener noreferrer">
        {text}
      </a>
    ) : (
      <span>{text}</span>
    );
  },
  h1: Heading,
  h2: Heading,
  h3: Heading,
  h4: Heading,
  h5: Heading,
  h6: Heading,
  // a wide table scrolls inside the message instead of widening it
  table: ({ children }) => (
    <div className="md-table">
      <table>{children}</table>
    </div>
  ),
  // a task list's box, as a character: a disabled checkbox would be an unlabelled control
  input: ({ checked }) => <span aria-hidden="true">{checked ? '☑' : '☐'}</span>,
};

/** Shows the body as plain text when markdown fails on it (nothing else of the list goes). */
class PlainOnError extends Component<{ body: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <PlainBody body={this.props.body} /> : this.props.children;
  }
}

function PlainBody({ body }: { body: string }) {
  return <div className="message-body plain">{body}</div>;
}

/**
 * One line that markdown shows as it is, as one paragraph: it begins with a letter, ends with
 * no space, and holds only letters, marks, digits, emoji, spaces and , . ; ? ! ' " ( ) -
 * (no character that starts markup, an entity, a link, an address or a mention, and no
 * `www.`). Most chat messages; markdown took a millisecond each, the bulk of what a busy room
 * spent drawing its rows.
 */
const PLAIN = /^\p{L}(?:[\p{L}\p{M}\p{N}\p{Extended_Pictographic} ,.;?!'"()-]|\u200d|\ufe0f)*$/u;

export function isPlainText(body: string): boolean {
  return PLAIN.test(body) && !/\s$/.test(body) && !/www\./i.test(body);
}

/** The body through markdown (MessageBody skips it for plain text). */
export function MarkdownBody({ body }: { body: string }) {
  if (tooDeep(body)) return <PlainBody body={body} />;
  return (
    <PlainOnError body={body}>
      <div className="message-body">
        <Markdown remarkPlugins={remarkPlugins} components={components} urlTransform={safeUrl}>
          {body}
        </Markdown>
      </div>
    </PlainOnError>
  );
}

/** A message's text: markdown as chat users type it, as React elements, never as HTML. */
export const MessageBody = memo(function MessageBody({ body }: { body: string }) {
  if (!isPlainText(body)) return <MarkdownBody body={body} />;
  // what markdown makes of it, without parsing it
  return (
    <div className="message-body">
      <p>{body}</p>
    </div>
  );
});
