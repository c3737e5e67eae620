import type { ReactNode } from 'react';
import { TabButton } from './Buttons.tsx';

export interface TabSpec {
  /** The accessible name: the original's words ("Show rooms", ...). */
  label: string;
  /** The short visible text. */
  text: string;
  active: boolean;
  onSelect: () => void;
}

export function TabBar({
  tabs,
  label,
  before,
}: {
  tabs: TabSpec[];
  label: string;
  before?: ReactNode;
}) {
  return (
    <nav className="tab-bar" aria-label={label}>
      {before}
      {tabs.map((t) => (
        <TabButton key={t.label} {...t} />
      ))}
    </nav>
  );
}

/**
 * The two-tab layout: a left and a right panel side by side; on a phone only one of them,
 * chosen with the tab bar that the page puts on top.
 */
export function Panels({
  phone,
  show,
  left,
  right,
}: {
  phone: boolean;
  show: 'left' | 'right';
  left: ReactNode;
  right: ReactNode;
}) {
  if (phone) {
    return <div className="panels phone">{show === 'left' ? left : right}</div>;
  }
  return (
    <div className="panels">
      <div className="panel panel-left">{left}</div>
      <div className="panel panel-right">{right}</div>
    </div>
  );
}
