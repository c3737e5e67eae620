import { useState, type ReactNode } from 'react';
import { Button } from './Buttons.tsx';
import { PopoverButton } from './Popover.tsx';

/**
 * For the content of a popover: `close` that also gives the focus back to what had it when
 * the popover opened (its button), so a keyboard user goes on from there.
 */
export function useCloseBack(close: () => void): () => void {
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement ? document.activeElement : null,
  );
  return () => {
    close();
    opener?.focus();
  };
}

function Confirm({
  question,
  confirm,
  onConfirm,
  close,
}: {
  question: string;
  confirm: string;
  onConfirm: () => void;
  close: () => void;
}) {
  const back = useCloseBack(close);
  return (
    <div className="dialog">
      <p className="dialog-text">{question}</p>
      <div className="dialog-actions">
        <Button autoFocus onClick={back}>
          Cancel
        </Button>
        <Button
          variant="danger"
          onClick={() => {
            back();
            onConfirm();
          }}
        >
          {confirm}
        </Button>
      </div>
    </div>
  );
}

/**
 * A button for something that cannot be taken back: it asks first, in a small dialog beside
 * it (`question`, then `confirm` or Cancel; the focus starts on Cancel, Escape cancels).
 * Disabled, it is a plain disabled button (its title says why).
 */
export function ConfirmButton({
  label,
  question,
  confirm,
  onConfirm,
  disabled,
  title,
  className,
  children,
}: {
  /** The button's accessible name. */
  label: string;
  question: string;
  /** The confirming button's text. */
  confirm: string;
  onConfirm: () => void;
  disabled?: boolean;
  title?: string | undefined;
  className?: string;
  children: ReactNode;
}) {
  if (disabled) {
    return (
      <Button className={className} aria-label={label} title={title} disabled>
        {children}
      </Button>
    );
  }
  return (
    <PopoverButton
      className={className}
      label={label}
      title={title}
      dialogLabel={question}
      content={(close) => (
        <Confirm question={question} confirm={confirm} onConfirm={onConfirm} close={close} />
      )}
    >
      {children}
    </PopoverButton>
  );
}
