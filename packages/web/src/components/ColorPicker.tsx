export interface ColorPickerProps {
  colors: readonly string[];
  value: string | undefined;
  onChange: (color: string) => void;
  /** The group's accessible name. */
  label: string;
  className?: string;
}

/** A row of swatches (room colors or drawing colors); each is a labelled toggle button. */
export function ColorPicker({ colors, value, onChange, label, className }: ColorPickerProps) {
  return (
    <div role="group" aria-label={label} className={['color-picker', className].join(' ')}>
      {colors.map((c) => {
        const selected = value?.toLowerCase() === c.toLowerCase();
        return (
          <button
            key={c}
            type="button"
            className={selected ? 'swatch selected' : 'swatch'}
            style={{ background: c }}
            aria-label={`Color ${c}`}
            aria-pressed={selected}
            title={c}
            onClick={() => onChange(c)}
          />
        );
      })}
    </div>
  );
}
