/** The 8 gradient themes of the original, as CSS custom properties. Only the index is stored. */
export interface Theme {
  name: string;
  gradient: string;
  /** Panels: opaque, so text contrast does not depend on the gradient behind. */
  surface: string;
  surface2: string;
  text: string;
  muted: string;
  accent: string;
  onAccent: string;
  own: string;
  border: string;
  focus: string;
  /** Light text on dark panels: the browser's controls and app.css's [data-scheme='dark'] follow. */
  dark: boolean;
}

export const THEMES: readonly Theme[] = [
  {
    name: 'Sky',
    gradient: 'linear-gradient(135deg, #89f7fe 0%, #66a6ff 100%)',
    surface: '#ffffff',
    surface2: '#eef4ff',
    text: '#14213d',
    muted: '#4a5568',
    accent: '#1d4ed8',
    onAccent: '#ffffff',
    own: '#dbe8ff',
    border: '#b9c8e6',
    focus: '#1d4ed8',
    dark: false,
  },
  {
    name: 'Peach',
    gradient: 'linear-gradient(135deg, #ffecd2 0%, #fcb69f 100%)',
    surface: '#fffaf6',
    surface2: '#fdeee4',
    text: '#2d1b12',
    muted: '#6b4b3a',
    accent: '#b4361a',
    onAccent: '#ffffff',
    own: '#fde0d2',
    border: '#e8c4b0',
    focus: '#b4361a',
    dark: false,
  },
  {
    name: 'Mint',
    gradient: 'linear-gradient(135deg, #d4fc79 0%, #96e6a1 100%)',
    surface: '#fbfff7',
    surface2: '#ebf8e4',
    text: '#13261a',
    muted: '#3f5a46',
    accent: '#166534',
    onAccent: '#ffffff',
    own: '#d9f2d0',
    border: '#b8dcb0',
    focus: '#166534',
    dark: false,
  },
  {
    name: 'Lavender',
    gradient: 'linear-gradient(135deg, #e0c3fc 0%, #8ec5fc 100%)',
    surface: '#fdfbff',
    surface2: '#f1e9fc',
    text: '#221433',
    muted: '#54466a',
    accent: '#6b21a8',
    onAccent: '#ffffff',
    own: '#eadcfb',
    border: '#d1bfe9',
    focus: '#6b21a8',
    dark: false,
  },
  {
    name: 'Sunset',
    gradient: 'linear-gradient(135deg, #f6d365 0%, #fda085 100%)',
    surface: '#fffdf7',
    surface2: '#fff2dc',
    text: '#2b1d05',
    muted: '#5f4a22',
    accent: '#9a3412',
    onAccent: '#ffffff',
    own: '#ffe6c2',
    border: '#ecd1a0',
    focus: '#9a3412',
    dark: false,
  },
  {
    name: 'Night',
    gradient: 'linear-gradient(135deg, #0f2027 0%, #203a43 50%, #2c5364 100%)',
    surface: '#16232b',
    surface2: '#1f313b',
    text: '#eef5f8',
    muted: '#a9bcc6',
    accent: '#7dd3fc',
    onAccent: '#0b1a22',
    own: '#234456',
    border: '#35505e',
    focus: '#7dd3fc',
    dark: true,
  },
  {
    name: 'Berry',
    gradient: 'linear-gradient(135deg, #42275a 0%, #734b6d 100%)',
    surface: '#231629',
    surface2: '#312036',
    text: '#f8eef9',
    muted: '#c9b3cc',
    accent: '#f0abfc',
    onAccent: '#2a0f30',
    own: '#46294d',
    border: '#55395b',
    focus: '#f0abfc',
    dark: true,
  },
  {
    name: 'Forest',
    gradient: 'linear-gradient(135deg, #134e5e 0%, #71b280 100%)',
    surface: '#10261f',
    surface2: '#183429',
    text: '#ecf8f1',
    muted: '#a8c9b6',
    accent: '#86efac',
    onAccent: '#06281a',
    own: '#1f4a39',
    border: '#2d5646',
    focus: '#86efac',
    dark: true,
  },
];

export const THEME_COOKIE = 'theme';

export function clampTheme(n: number): number {
  if (!Number.isInteger(n)) return 0;
  return Math.min(THEMES.length - 1, Math.max(0, n));
}

export function readThemeCookie(cookie: string): number {
  const m = /(?:^|;\s*)theme=(\d+)/.exec(cookie);
  return m ? clampTheme(Number(m[1])) : 0;
}

export function themeCookie(n: number): string {
  return `${THEME_COOKIE}=${clampTheme(n)}; path=/; max-age=31536000; samesite=lax`;
}

export function applyTheme(n: number, root: HTMLElement = document.documentElement): void {
  const t = THEMES[clampTheme(n)]!;
  const vars: Record<string, string> = {
    '--gradient': t.gradient,
    '--surface': t.surface,
    '--surface-2': t.surface2,
    '--text': t.text,
    '--muted': t.muted,
    '--accent': t.accent,
    '--on-accent': t.onAccent,
    '--own': t.own,
    '--border': t.border,
    '--focus': t.focus,
  };
  for (const [k, v] of Object.entries(vars)) root.style.setProperty(k, v);
  root.dataset.theme = String(clampTheme(n));
  root.dataset.scheme = t.dark ? 'dark' : 'light';
  root.style.colorScheme = root.dataset.scheme;
}

/** WCAG contrast ratio of two #rrggbb colors. */
export function contrast(a: string, b: string): number {
  const l1 = luminance(a);
  const l2 = luminance(b);
  return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
}

function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * ch[0]! + 0.7152 * ch[1]! + 0.0722 * ch[2]!;
}
