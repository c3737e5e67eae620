import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { useNavigate } from 'react-router';

type Variant = 'primary' | 'plain' | 'danger' | 'tab';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  children?: ReactNode;
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
