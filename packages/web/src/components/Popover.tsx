import {
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from 'react';
import { createPortal } from 'react-dom';
import { Button } from './Buttons.tsx';

/** Room kept between a popover and the window's edges, and between it and its button. */
const MARGIN = 8;
const GAP = 4;

/**
 * A small non-modal dialog beside the button that opened it (`anchor`), above the page (not
 * clipped by a scrolling list): below the button when it fits there, else above, always
 * inside the window. Escape closes it and gives the focus back to the button; a press
 * outside or the focus moving out closes it too (the focus then goes where it went).
 */
export function Popover({
  anchor,
  label,
  onClose,
  className,
  children,
}: {
  anchor: RefObject<HTMLElement | null>;
  /** The dialog's accessible name. */
  label: string;
  onClose: () => void;
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const a = anchor.current?.getBoundingClientRect();
      if (!a) return;
      const vw = document.documentElement.clientWidth;
      const vh = window.innerHeight;
      const w = el.offsetWidth;
      const h = el.offsetHeight;
      // from the button's left edge, or back from its right edge when that overflows
      const left = a.left + w <= vw - MARGIN ? a.left : a.right - w;
      const below = a.bottom + GAP;
      const above = a.top - GAP - h;
      const top = below + h <= vh - MARGIN || above < MARGIN ? below : above;
      setPlace({
        left: Math.max(MARGIN, Math.min(left, vw - w - MARGIN)),
        top: Math.max(MARGIN, Math.min(top, vh - h - MARGIN)),
      });
    };
    measure();
    // its content may load later (and change its size); the page may scroll or resize
    const sized = new ResizeObserver(measure);
    sized.observe(el);
    window.addEventListener('resize', measure);
    window.addEventListener('scroll', measure, true);
    return () => {
      sized.disconnect();
      window.removeEventListener('resize', measure);
      window.removeEventListener('scroll', measure, true);
    };
  }, [anchor]);

  useEffect(() => {
    const onPress = (e: PointerEvent) => {
      const path = e.composedPath();
      if (ref.current && path.includes(ref.current)) return;
      // the button that opened it toggles it itself
      if (anchor.current && path.includes(anchor.current)) return;
      close.current();
    };
    // Escape wherever the focus is (in it, or still on its button): what handles Escape
    // itself inside (a list, the picker's skin tones) stops or marks it first
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      close.current();
      anchor.current?.focus();
    };
    document.addEventListener('pointerdown', onPress, true);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPress, true);
      document.removeEventListener('keydown', onKey);
    };
  }, [anchor]);

  return createPortal(
    <div
      ref={ref}
      role="dialog"
      aria-label={label}
      className={className ? `popover floating-box ${className}` : 'popover floating-box'}
      style={place ? { left: place.left, top: place.top } : { visibility: 'hidden' }}
      // the focus going elsewhere by the keyboard closes it too (a press, by onPress above)
      onBlur={(e) => {
        const to = e.relatedTarget;
        if (to === null || ref.current?.contains(to) || anchor.current?.contains(to)) return;
        close.current();
      }}
    >
      {children}
    </div>,
    document.body,
  );
}

/**
 * A button that opens a Popover beside it (and closes it again); `content` is given what
 * closes it (after a choice).
 */
export function PopoverButton({
  label,
  title,
  dialogLabel,
  className,
  dialogClassName,
  onOpenChange,
  content,
  children,
}: {
  /** The button's accessible name. */
  label: string;
  title?: string;
  /** The popover's accessible name. */
  dialogLabel: string;
  className?: string;
  dialogClassName?: string;
  onOpenChange?: (open: boolean) => void;
  content: (close: () => void) => ReactNode;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLButtonElement>(null);
  const toggle = (next: boolean) => {
    setOpen(next);
    onOpenChange?.(next);
  };
  return (
    <>
      <Button
        ref={anchor}
        className={className}
        aria-label={label}
        title={title}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => toggle(!open)}
      >
        {children}
      </Button>
      {open && (
        <Popover
          anchor={anchor}
          label={dialogLabel}
          className={dialogClassName}
          onClose={() => toggle(false)}
        >
          {content(() => toggle(false))}
        </Popover>
      )}
    </>
  );
}
