import { lazy, Suspense, type ReactNode } from 'react';
import { PopoverButton } from './Popover.tsx';
import { Spinner } from './Spinner.tsx';

/** The picker and its library, in their own chunk: fetched the first time a picker opens. */
const EmojiPicker = lazy(() =>
  import('./EmojiPicker.tsx').catch(() => ({
    default: () => <p className="emoji-picker-failed">The emoji could not be loaded.</p>,
  })),
);

/**
 * A button that opens the emoji picker beside it; the emoji chosen goes to `onPick` and the
 * picker closes (Escape and a press outside close it too).
 */
export function EmojiPickerButton({
  label,
  onPick,
  onOpenChange,
  className,
  children,
}: {
  /** The button's accessible name ("More reactions", "Insert an emoji"). */
  label: string;
  onPick: (emoji: string) => void;
  onOpenChange?: (open: boolean) => void;
  className?: string;
  children: ReactNode;
}) {
  return (
    <PopoverButton
      label={label}
      title={label}
      dialogLabel="Choose an emoji"
      // the picker draws its own border
      dialogClassName="popover-bare"
      className={className}
      onOpenChange={onOpenChange}
      content={(close) => (
        <Suspense fallback={<Spinner label="Loading emoji" />}>
          <EmojiPicker
            onPick={(emoji) => {
              close();
              onPick(emoji);
            }}
          />
        </Suspense>
      )}
    >
      {children}
    </PopoverButton>
  );
}
