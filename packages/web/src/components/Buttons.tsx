import { useEffect, useState, type ButtonHTMLAttributes, type ReactNode, type Ref } from 'react';
import { useNavigate } from 'react-router';

type Variant = 'primary' | 'plain' | 'danger' | 'tab';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  children?: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}

/** The button template: every button of the app is one of these. */
export function Button({ variant = 'plain', className, type, ...rest }: ButtonProps) {
  const cls = ['btn', `btn-${variant}`, className].filter(Boolean).join(' ');
  return <button type={type ?? 'button'} className={cls} {...rest} />;
}

/** A tab switch: its accessible name is the original's words ("Show rooms", ...). */
export function TabButton({
  label,
  text,
  active,
  onSelect,
}: {
  label: string;
  text: string;
  active: boolean;
  onSelect: () => void;
}) {
  return (
    <Button
      variant="tab"
      aria-label={label}
      aria-pressed={active}
      className={active ? 'active' : undefined}
      onClick={onSelect}
    >
      {text}
    </Button>
  );
}

export function GoBackButton() {
  const navigate = useNavigate();
  return (
    <Button variant="tab" aria-label="Go back" onClick={() => void navigate('/')}>
      ← Back
    </Button>
  );
}

/** Copies the room's address, to share it: anyone with the link can open the room. */
export function CopyLinkButton() {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  const copy = () => {
    // the clipboard needs a secure page (https or localhost); elsewhere nothing is copied
    navigator.clipboard?.writeText(window.location.href).then(
      () => setCopied(true),
      () => undefined,
    );
  };
  return (
    <Button className="copy-link" onClick={copy} title="Copy the link to this room">
      {copied ? 'Link copied' : 'Copy link'}
    </Button>
  );
}
